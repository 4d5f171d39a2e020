package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"publius/internal/config"
	"publius/internal/servertest"
	"publius/internal/store/sqlite"
	"publius/internal/zk"
)

var memberKeys = sync.OnceValues(func() ([2]any, error) {
	pk, vk, err := zk.Setup()
	return [2]any{pk, vk}, err
})

// runCLI runs publius in-process with args.
func runMemberCLI(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err = root.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func mustMemberCLI(t testing.TB, args ...string) string {
	t.Helper()
	out, errOut, err := runMemberCLI(t, args...)
	if err != nil {
		t.Fatalf("publius %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func TestMemberEndToEnd(t *testing.T) {
	k, err := memberKeys()
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t, func(c *config.Config) {
		if err := zk.WriteKeys(c.DataDir, k[0].(*zk.ProvingKey), k[1].(*zk.VerifyingKey)); err != nil {
			t.Fatal(err)
		}
	})
	cfgDir := t.TempDir()
	t.Setenv("PUBLIUS_CONFIG_DIR", cfgDir)
	t.Setenv("PUBLIUS_SERVER", "")
	t.Setenv("PUBLIUS_TOKEN", "")
	verifier, alice := env.Register(t, "verifier"), env.Register(t, "alice")
	data := "--data=" + env.DataDir

	mustMemberCLI(t, "admin", "group", "create", "agency", "--name", "Agency staff", "--description", "checked by badge", data)
	if _, _, err := runMemberCLI(t, "admin", "group", "create", "agency", "--name", "Again", data); err == nil {
		t.Fatal("duplicate group accepted")
	}
	mustMemberCLI(t, "admin", "group", "add-verifier", "agency", "@verifier", data)

	// Alice creates an identity; only its commitment leaves her machine.
	commitment := strings.TrimSpace(mustMemberCLI(t, "id", "new"))
	if _, err := zk.ParseCommitment(commitment); err != nil {
		t.Fatalf("id new printed %q: %v", commitment, err)
	}
	fi, err := os.Stat(filepath.Join(cfgDir, "identity"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("identity file: %v %v", fi, err)
	}
	if _, _, err := runMemberCLI(t, "id", "new"); err == nil {
		t.Fatal("id new overwrote an identity")
	}

	asVerifier := []string{"--server", env.URL, "--token", verifier.Token}
	asAlice := []string{"--server", env.URL, "--token", alice.Token}
	mustMemberCLI(t, append([]string{"group", "add-member", "agency", commitment}, asVerifier...)...)
	if _, _, err := runMemberCLI(t, append([]string{"group", "add-member", "agency", commitment}, asAlice...)...); err == nil ||
		!strings.Contains(err.Error(), "403") {
		t.Fatalf("non-verifier add-member: %v", err)
	}

	// One of two members: the claim refuses without --force and says why.
	other, _ := zk.NewIdentity()
	mustMemberCLI(t, append([]string{"group", "add-member", "agency", zk.EncodeElement(other.Commitment())}, asVerifier...)...)
	_, stderr, err := runMemberCLI(t, append([]string{"badge", "claim", "agency"}, asAlice...)...)
	if err == nil || !strings.Contains(err.Error(), "only 2 members") || !strings.Contains(stderr, "one of 2 members") {
		t.Fatalf("small-group claim: %v / %s", err, stderr)
	}
	for i := 0; i < 8; i++ {
		id, _ := zk.NewIdentity()
		mustMemberCLI(t, append([]string{"group", "add-member", "agency", zk.EncodeElement(id.Commitment())}, asVerifier...)...)
	}
	// A removed member's slot stays; the anonymity set counts members only.
	mustMemberCLI(t, append([]string{"group", "remove-member", "agency", "1"}, asVerifier...)...)
	mustMemberCLI(t, append([]string{"group", "add-member", "agency", zk.EncodeElement(other.Commitment())}, asVerifier...)...)

	out, stderr, err := runMemberCLI(t, append([]string{"badge", "claim", "agency"}, asAlice...)...)
	if err != nil || !strings.Contains(out, "one of 10 members") || !strings.Contains(stderr, "timing") {
		t.Fatalf("claim: %v\n%s%s", err, out, stderr)
	}
	acct := env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID, "", nil).Map(t)
	if acct["publius"] == nil {
		t.Fatalf("account shows no badge: %v", acct)
	}

	// A signed post verifies; the verifier trusts nothing the server says
	// about validity.
	out = mustMemberCLI(t, append([]string{"post", "--as-member", "agency", "Inside view: the memo is real."}, asAlice...)...)
	postURL := strings.SplitN(out, "\n", 2)[0]
	out = mustMemberCLI(t, "verify", postURL)
	if !strings.Contains(out, "OK") || !strings.Contains(out, "one of the 10 members") || !strings.Contains(out, "the memo is real") {
		t.Fatalf("verify: %s", out)
	}
	if _, _, err := runMemberCLI(t, "verify", postURL, "--key-sha256", strings.Repeat("0", 64)); err == nil {
		t.Fatal("verify accepted a key with another fingerprint")
	}
	plain := env.Post(t, alice, "no proof here")
	if _, _, err := runMemberCLI(t, "verify", env.URL+"/@alice/"+plain); err == nil {
		t.Fatal("verify accepted a post without a proof")
	}
	if _, _, err := runMemberCLI(t, "verify", "not a url"); err == nil {
		t.Fatal("verify accepted garbage")
	}

	// A server that edits the post's text after the fact is caught.
	db := env.Server.Store.(*sqlite.DB)
	id := postURL[strings.LastIndex(postURL, "/")+1:]
	if _, err := db.WriteDB().Exec(`UPDATE statuses SET text = 'The memo is fake.' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runMemberCLI(t, "verify", postURL); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("verify of an edited post: %v", err)
	}
	if _, err := db.WriteDB().Exec(`UPDATE statuses SET text = 'Inside view: the memo is real.' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	mustMemberCLI(t, "verify", postURL)
	// So is one whose proof was swapped for garbage.
	if _, err := db.WriteDB().Exec(`UPDATE membership_post_proofs SET proof = zeroblob(128)`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runMemberCLI(t, "verify", postURL); err == nil {
		t.Fatal("verify accepted a zeroed proof")
	}
}

func TestAdminZKSetup(t *testing.T) {
	dir := t.TempDir()
	out := mustMemberCLI(t, "admin", "zk", "setup", "--data", dir)
	if !strings.Contains(out, "verifying key sha256") {
		t.Fatalf("setup: %s", out)
	}
	vk, err := zk.LoadVerifyingKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, vk.Fingerprint()) {
		t.Fatal("printed fingerprint differs from the key's")
	}
	if _, _, err := runMemberCLI(t, "admin", "zk", "setup", "--data", dir); err == nil || !strings.Contains(err.Error(), "already exist") {
		t.Fatalf("second setup: %v", err)
	}
}

func TestParsePostURL(t *testing.T) {
	for _, c := range []struct{ in, server, id string }{
		{"https://pub.example/@alice/000123", "https://pub.example", "000123"},
		{"http://127.0.0.1:8080/api/v1/statuses/42", "http://127.0.0.1:8080", "42"},
	} {
		s, id, err := parsePostURL(c.in)
		if err != nil || s != c.server || id != c.id {
			t.Errorf("%s: %s %s %v", c.in, s, id, err)
		}
	}
	for _, bad := range []string{"", "ftp://x/@a/1", "https://x/", "https://x/@a/abc", "https://x/1"} {
		if _, _, err := parsePostURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
