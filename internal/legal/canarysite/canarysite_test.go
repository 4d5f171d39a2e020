package canarysite_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"publius/internal/legal/canary"
	"publius/internal/legal/canarysite"
	"publius/internal/servertest"
)

func TestServeWithoutCanary(t *testing.T) {
	env := servertest.Start(t)
	for _, p := range []string{"/canary.json", "/canary.txt"} {
		r := env.Must(t, 404, "GET", p, "", nil)
		if !strings.Contains(string(r.Body), "no warrant canary has been signed") {
			t.Errorf("%s: %s", p, r.Body)
		}
	}
	page := string(env.Must(t, 404, "GET", "/canary", "", nil).Body)
	if !strings.Contains(page, "No canary") {
		t.Errorf("page without canary:\n%s", page)
	}
	key := strings.TrimSpace(string(env.Must(t, 200, "GET", canarysite.KeyPath, "", nil).Body))
	if _, err := canary.ParsePublicKey(key); err != nil {
		t.Errorf("published key %q: %v", key, err)
	}
	fi, err := os.Stat(filepath.Join(env.DataDir, canary.KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
}

func TestServeSignedAndDamaged(t *testing.T) {
	env := servertest.Start(t)
	key, err := canary.LoadOrCreateKey(env.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := canary.Sign(key, canary.Input{Domain: "example.org", Statements: []string{"WAR", "GAG"},
		Issued: time.Now(), Freshness: "headline of the day"})
	if err != nil {
		t.Fatal(err)
	}
	if err := canarysite.Save(env.DataDir, c); err != nil {
		t.Fatal(err)
	}
	if got := env.Must(t, 200, "GET", "/canary.json", "", nil).Body; string(got) != string(c.JSON()) {
		t.Errorf("canary.json is not the signed file:\n%s", got)
	}
	if got := env.Must(t, 200, "GET", "/canary.txt", "", nil).Body; string(got) != c.Text() {
		t.Errorf("canary.txt:\n%s", got)
	}
	// Damage the stored file: the page says so loudly and the text form
	// refuses to render it.
	path := filepath.Join(env.DataDir, canarysite.FileName)
	os.WriteFile(path, []byte(strings.Replace(string(c.JSON()), `"version": 1`, `"version": "one"`, 1)), 0o644)
	page := string(env.Must(t, 200, "GET", "/canary", "", nil).Body)
	if !strings.Contains(page, `class="alarm"`) || !strings.Contains(page, "Canary damaged") {
		t.Errorf("damaged canary page:\n%s", page)
	}
	env.Must(t, 500, "GET", "/canary.txt", "", nil)
	// A canary signed by another key (say, copied from another instance)
	// is flagged as not verifying.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	foreign, err := canary.Sign(other, canary.Input{Domain: "example.org", Statements: []string{"WAR"},
		Issued: time.Now(), Freshness: "f"})
	if err != nil {
		t.Fatal(err)
	}
	canarysite.Save(env.DataDir, foreign)
	page = string(env.Must(t, 200, "GET", "/canary", "", nil).Body)
	if !strings.Contains(page, "Canary does not verify") || !strings.Contains(page, "differs from the pinned key") {
		t.Errorf("foreign canary page:\n%s", page)
	}
}
