package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"publius/internal/legal/canary"
	"publius/internal/legal/canarysite"
	"publius/internal/servertest"
)

// runLegalCLI runs publius in-process and returns its exit status and output.
func runLegalCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	var exit exitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.code, out.String()
	default:
		return 1, out.String() + err.Error()
	}
}

func signCanary(t *testing.T, env *servertest.Env, extra ...string) {
	t.Helper()
	args := append([]string{"admin", "canary", "sign", "--data", env.DataDir, "--domain", strings.TrimPrefix(env.URL, "http://"),
		"--freshness", "Bitcoin block 870000 hash 0000000000000000000201ab"}, extra...)
	if code, out := runLegalCLI(t, args...); code != 0 {
		t.Fatalf("sign: exit %d: %s", code, out)
	}
}

func serverKey(t *testing.T, env *servertest.Env) string {
	t.Helper()
	return strings.TrimSpace(string(env.Must(t, 200, "GET", canarysite.KeyPath, "", nil).Body))
}

func TestCanarySignServeVerify(t *testing.T) {
	env := servertest.Start(t)
	r := env.Must(t, 404, "GET", "/canary.json", "", nil)
	if !strings.Contains(string(r.Body), "publius admin canary sign") {
		t.Errorf("404 before signing should say how to sign: %s", r.Body)
	}
	signCanary(t, env)
	key := serverKey(t, env)
	inst := env.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)
	if got := inst["publius"].(map[string]any)["canary_public_key"]; got != key {
		t.Errorf("instance canary_public_key %v, well-known %s", got, key)
	}
	for _, path := range []string{"/canary.json", "/canary.txt", ""} {
		code, out := runLegalCLI(t, "canary", "verify", env.URL+path, "--pubkey", key)
		if code != 0 || !strings.Contains(out, "VALID") {
			t.Errorf("verify %q pinned: exit %d: %s", path, code, out)
		}
	}
	code, out := runLegalCLI(t, "canary", "verify", env.URL+"/canary.txt")
	if code != 0 || !strings.Contains(out, "not pinned") {
		t.Errorf("verify unpinned: exit %d, want 0 with a not-pinned note: %s", code, out)
	}
	page := env.Must(t, 200, "GET", "/canary", "", nil)
	if !strings.Contains(string(page.Body), "Valid: signed") || strings.Contains(string(page.Body), "alarm\"") {
		t.Errorf("page of a valid canary:\n%s", page.Body)
	}
}

func TestCanaryFlippedByteFails(t *testing.T) {
	env := servertest.Start(t)
	signCanary(t, env)
	key := serverKey(t, env)
	path := filepath.Join(env.DataDir, canarysite.FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Flip one byte inside the freshness value, the signature, and a
	// statement: each must fail.
	for _, needle := range []string{"870000", "\"signature\": \"", "search warrant"} {
		i := bytes.Index(orig, []byte(needle)) + len(needle) - 1
		if needle == "\"signature\": \"" {
			i += 3
		}
		bad := bytes.Clone(orig)
		bad[i] ^= 0x01
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out := runLegalCLI(t, "canary", "verify", env.URL+"/canary.json", "--pubkey", key)
		if code == 0 || !strings.Contains(out, "INVALID") {
			t.Errorf("flipped byte near %q: exit %d: %s", needle, code, out)
		}
	}
	os.WriteFile(path, orig, 0o644)
	if code, out := runLegalCLI(t, "canary", "verify", env.URL+"/canary.json", "--pubkey", key); code != 0 {
		t.Errorf("restored file: exit %d: %s", code, out)
	}
}

func TestCanaryExpired(t *testing.T) {
	env := servertest.Start(t)
	wall := canaryNow
	t.Cleanup(func() { canaryNow = wall })
	canaryNow = func() time.Time { return wall().AddDate(0, 0, -40) }
	signCanary(t, env, "--expires-days", "30")
	canaryNow = wall
	code, out := runLegalCLI(t, "canary", "verify", env.URL, "--pubkey", serverKey(t, env))
	if code == 0 || !strings.Contains(out, "expired") {
		t.Errorf("expired canary: exit %d: %s", code, out)
	}
	page := string(env.Must(t, 200, "GET", "/canary", "", nil).Body)
	if !strings.Contains(page, `class="alarm"`) || !strings.Contains(page, "Expired 10 day(s) ago") {
		t.Errorf("page does not show the expired canary loudly:\n%s", page)
	}
}

func TestCanaryWrongKeyFails(t *testing.T) {
	env := servertest.Start(t)
	signCanary(t, env)
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	code, out := runLegalCLI(t, "canary", "verify", env.URL+"/canary.json", "--pubkey", canary.PublicKeyString(other))
	if code == 0 || !strings.Contains(out, "key mismatch") {
		t.Errorf("wrong key: exit %d: %s", code, out)
	}
	// A key file works too, and a missing field is named.
	keyFile := filepath.Join(t.TempDir(), "k.pub")
	os.WriteFile(keyFile, []byte(serverKey(t, env)+"\n"), 0o644)
	data := env.Must(t, 200, "GET", "/canary.json", "", nil).Body
	noFresh := bytes.Replace(data, []byte(`"freshness": "Bitcoin block 870000 hash 0000000000000000000201ab"`), []byte(`"freshness": ""`), 1)
	f := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(f, noFresh, 0o644)
	code, out = runLegalCLI(t, "canary", "verify", f, "--pubkey", keyFile)
	if code == 0 || !strings.Contains(out, "missing field") || !strings.Contains(out, "freshness") {
		t.Errorf("missing field: exit %d: %s", code, out)
	}
	if code, out := runLegalCLI(t, "canary", "verify", filepath.Join(t.TempDir(), "none.json")); code != exitCanaryFetch {
		t.Errorf("missing file: exit %d: %s", code, out)
	}
}

func TestCanarySignValidation(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--domain", "x.test"}, // no freshness
		{"--domain", "x.test", "--freshness", "f", "--statements", "BOGUS"},
		{"--domain", "x.test", "--freshness", "f", "--expires-days", "0"},
	} {
		code, out := runLegalCLI(t, append([]string{"admin", "canary", "sign", "--data", dir}, args...)...)
		if code == 0 {
			t.Errorf("sign %v succeeded: %s", args, out)
		}
	}
}
