package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"publius/internal/client"
	"publius/internal/servertest"
)

// cliResult is one in-process run of the publius command.
type cliResult struct {
	out, errOut string
	err         error
}

func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	return cliResult{out: out.String(), errOut: errOut.String(), err: err}
}

// mustCLI runs the command and fails the test unless it succeeds.
func mustCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, stdin, args...)
	if r.err != nil {
		t.Fatalf("publius %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.err, r.out, r.errOut)
	}
	return r
}

// failCLI runs the command and fails the test unless it fails with an
// error containing want.
func failCLI(t *testing.T, want, stdin string, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, stdin, args...)
	if r.err == nil {
		t.Fatalf("publius %s succeeded, want an error containing %q\nstdout: %s", strings.Join(args, " "), want, r.out)
	}
	if !strings.Contains(r.err.Error(), want) {
		t.Fatalf("publius %s: error %q, want it to contain %q", strings.Join(args, " "), r.err, want)
	}
	return r
}

// useConfigDir points the CLI at a fresh config directory and returns the
// credentials path.
func useConfigDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "publius")
	t.Setenv("PUBLIUS_CONFIG_DIR", dir)
	return filepath.Join(dir, "credentials.json")
}

func loginStdin(handle string) string { return handle + "\n" + servertest.Passphrase + "\n" }

func TestCLIClientAgainstPublius(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	bob := env.Register(t, "bob")
	env.Post(t, bob, "hello from bob")
	credPath := useConfigDir(t)

	failCLI(t, "not logged in: run publius login --server URL", "", "whoami")
	failCLI(t, "not logged in", "", "post", "too early")

	r := mustCLI(t, loginStdin("alice"), "login", "--server", env.URL)
	if !strings.Contains(r.out, "Logged in as @alice on "+env.URL) {
		t.Fatalf("login output %q", r.out)
	}
	if strings.Contains(r.out+r.errOut, servertest.Passphrase) {
		t.Fatal("login printed the passphrase")
	}
	assertCredentialFile(t, credPath)

	r = mustCLI(t, "", "whoami")
	if !strings.HasPrefix(r.out, "@alice on "+env.URL+"\n") {
		t.Fatalf("whoami output %q", r.out)
	}

	// post from an argument, from stdin (no argument) and from stdin (-).
	r = mustCLI(t, "", "post", "first post: a < b & c")
	firstURL := strings.TrimSpace(r.out)
	if !strings.HasPrefix(firstURL, env.URL+"/") {
		t.Fatalf("post printed %q, want a status URL on %s", firstURL, env.URL)
	}
	mustCLI(t, "second post\nfrom stdin\n", "post")
	mustCLI(t, "third post\n", "post", "-", "--spoiler", "spoilers ahead", "--visibility", "unlisted")
	var mine []map[string]any
	env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses", alice.Token, nil).JSON(t, &mine)
	if len(mine) != 3 {
		t.Fatalf("alice has %d posts, want 3", len(mine))
	}
	if mine[0]["spoiler_text"] != "spoilers ahead" || mine[0]["visibility"] != "unlisted" {
		t.Errorf("third post: spoiler %v visibility %v", mine[0]["spoiler_text"], mine[0]["visibility"])
	}
	if !strings.Contains(mine[1]["content"].(string), "second post<br>from stdin") {
		t.Errorf("second post content %q", mine[1]["content"])
	}
	if mine[2]["url"] != firstURL {
		t.Errorf("printed URL %q, status url %v", firstURL, mine[2]["url"])
	}
	reply := strings.TrimSpace(mustCLI(t, "", "post", "a reply", "--reply-to", mine[2]["id"].(string)).out)
	replyID := reply[strings.LastIndex(reply, "/")+1:]
	st := env.Must(t, 200, "GET", "/api/v1/statuses/"+replyID, "", nil).Map(t)
	if st["in_reply_to_id"] != mine[2]["id"] {
		t.Errorf("reply in_reply_to_id %v, want %v", st["in_reply_to_id"], mine[2]["id"])
	}

	failCLI(t, "nothing to post", "\n", "post")
	failCLI(t, "--visibility must be", "", "post", "x", "--visibility", "everyone")
	// The server's own error text reaches the user.
	failCLI(t, "Validation failed", "", "post", strings.Repeat("x", 501))

	// follow, then bob's post is on the home timeline.
	r = mustCLI(t, "", "follow", "@bob")
	if !strings.Contains(r.out, "Following @bob") {
		t.Fatalf("follow output %q", r.out)
	}
	rels := env.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.ID, alice.Token, nil)
	if !strings.Contains(string(rels.Body), `"following":true`) {
		t.Fatalf("relationship after follow: %s", rels.Body)
	}
	failCLI(t, "no account @nobody", "", "follow", "@nobody")

	home := mustCLI(t, "", "timeline").out
	for _, want := range []string{"@bob", "hello from bob", "@alice", "first post: a < b & c", "second post\nfrom stdin", "CW: spoilers ahead", firstURL} {
		if !strings.Contains(home, want) {
			t.Errorf("home timeline lacks %q:\n%s", want, home)
		}
	}
	if strings.Contains(home, "<p>") || strings.Contains(home, "&lt;") {
		t.Errorf("home timeline shows HTML:\n%s", home)
	}
	if pub := mustCLI(t, "", "timeline", "public").out; !strings.Contains(pub, "hello from bob") || !strings.Contains(pub, "first post") {
		t.Errorf("public timeline:\n%s", pub)
	}
	bobs := mustCLI(t, "", "timeline", "@bob")
	if !strings.Contains(bobs.out, "hello from bob") || strings.Contains(bobs.out, "first post") {
		t.Errorf("@bob timeline:\n%s", bobs.out)
	}
	if strings.Contains(bobs.errOut, "--max-id") {
		t.Errorf("a page that is not full hints at older posts: %q", bobs.errOut)
	}
	failCLI(t, "no account @nobody", "", "timeline", "@nobody")
	failCLI(t, "unknown timeline", "", "timeline", "everything")

	// --json prints the server's objects; --limit and --max-id page through.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, "", "timeline", "@alice", "--json").out), &raw); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if len(raw) != 4 || raw[0]["id"] != replyID || raw[0]["account"] == nil {
		t.Fatalf("--json: %d statuses, first %v", len(raw), raw[0]["id"])
	}
	page1 := mustCLI(t, "", "timeline", "@alice", "--limit", "1")
	m := regexp.MustCompile(`--max-id (\S+)`).FindStringSubmatch(page1.errOut)
	if m == nil || !strings.Contains(page1.out, "a reply") || strings.Contains(page1.out, "third post") {
		t.Fatalf("page 1: out %q, hint %q", page1.out, page1.errOut)
	}
	page2 := mustCLI(t, "", "timeline", "@alice", "--limit", "1", "--max-id", m[1])
	if !strings.Contains(page2.out, "third post") || strings.Contains(page2.out, "a reply") {
		t.Fatalf("page 2: %q", page2.out)
	}

	r = mustCLI(t, "", "unfollow", "@bob")
	if !strings.Contains(r.out, "Not following @bob") {
		t.Fatalf("unfollow output %q", r.out)
	}
	if home := mustCLI(t, "", "timeline", "home").out; strings.Contains(home, "hello from bob") {
		t.Errorf("home timeline after unfollow still shows bob:\n%s", home)
	}

	// logout revokes the token on the server, not just the file here.
	saved, err := os.ReadFile(credPath)
	if err != nil {
		t.Fatal(err)
	}
	mustCLI(t, "", "logout")
	if _, err := os.Stat(credPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("credentials still there after logout: %v", err)
	}
	failCLI(t, "not logged in", "", "whoami")
	if err := os.WriteFile(credPath, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	failCLI(t, "rejected the saved login", "", "whoami")
}

func assertCredentialFile(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("config dir mode %v, want 0700", di.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c credentials
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.AccessToken == "" || c.ClientID == "" || c.ClientSecret == "" || c.Server == "" {
		t.Errorf("credentials incomplete: %+v", c)
	}
	if strings.Contains(string(data), servertest.Passphrase) {
		t.Error("credentials file holds the passphrase")
	}
}

func TestCLILoginWrongPassphrase(t *testing.T) {
	env := servertest.Start(t)
	env.Register(t, "alice")
	credPath := useConfigDir(t)

	failCLI(t, "Wrong handle or passphrase", "alice\nnot the passphrase\n", "login", "--server", env.URL)
	failCLI(t, "Wrong handle or passphrase", loginStdin("nobody"), "login", "--server", env.URL)
	failCLI(t, "no answer", "alice\n", "login", "--server", env.URL)
	if _, err := os.Stat(credPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed login saved credentials: %v", err)
	}
}

func TestCLILoginReplacesAndRevokesOldToken(t *testing.T) {
	env := servertest.Start(t)
	env.Register(t, "alice")
	env.Register(t, "bob")
	credPath := useConfigDir(t)

	mustCLI(t, loginStdin("alice"), "login", "--server", env.URL)
	first, err := loadCredentials()
	if err != nil {
		t.Fatal(err)
	}
	// A bare loopback address means http.
	mustCLI(t, loginStdin("@bob"), "login", "--server", strings.TrimPrefix(env.URL, "http://"))
	if r := mustCLI(t, "", "whoami"); !strings.HasPrefix(r.out, "@bob ") {
		t.Fatalf("whoami after second login: %q", r.out)
	}
	env.Must(t, 401, "GET", "/api/v1/accounts/verify_credentials", first.AccessToken, nil)
	assertCredentialFile(t, credPath)
}

func TestCLILoginBrowserFlagOnPublius(t *testing.T) {
	env := servertest.Start(t)
	useConfigDir(t)
	r := failCLI(t, "invalid_grant", "bogus-code\n", "login", "--browser", "--server", env.URL)
	if !strings.Contains(r.out, env.URL+"/oauth/authorize?") {
		t.Fatalf("--browser did not print the authorize URL:\n%s", r.out)
	}
}

func TestCLIUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	useConfigDir(t)

	failCLI(t, "could not reach "+dead, "", "login", "--server", dead)
	if err := saveCredentials(&credentials{Server: dead, AccessToken: "t", ClientID: "c", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	failCLI(t, "could not reach "+dead, "", "whoami")
	failCLI(t, "could not reach "+dead, "", "timeline", "public")
	// logout keeps the login when the token could not be revoked ...
	failCLI(t, "use --force", "", "logout")
	if _, err := loadCredentials(); err != nil {
		t.Fatalf("logout dropped the login after a failed revoke: %v", err)
	}
	// ... unless told otherwise.
	mustCLI(t, "", "logout", "--force")
	failCLI(t, "not logged in", "", "whoami")
}

// fakeMastodon is a minimal non-Publius server: enough API for login,
// whoami and logout, and a record of what the CLI sent.
type fakeMastodon struct {
	*httptest.Server
	verifier, code string
	revoked        string
}

func newFakeMastodon(t *testing.T) *fakeMastodon {
	f := &fakeMastodon{}
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /.well-known/nodeinfo", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"links": []map[string]string{{
			"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f.URL + "/nodeinfo/2.0"}}})
	})
	mux.HandleFunc("GET /nodeinfo/2.0", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"version": "2.0", "software": map[string]string{"name": "mastodon", "version": "4.3.0"}})
	})
	mux.HandleFunc("POST /api/v1/apps", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("redirect_uris") != client.OOBRedirect || r.FormValue("scopes") != "read write follow" {
			writeJSON(w, 422, map[string]string{"error": "bad app registration"})
			return
		}
		writeJSON(w, 200, map[string]string{"id": "1", "name": r.FormValue("client_name"), "client_id": "cid", "client_secret": "csecret"})
	})
	mux.HandleFunc("/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		t.Error("the CLI fetched the authorize page of a non-Publius server")
		http.Error(w, "no", 400)
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		f.verifier, f.code = r.FormValue("code_verifier"), r.FormValue("code")
		if r.FormValue("grant_type") != "authorization_code" || f.code != "pasted-code" ||
			r.FormValue("client_id") != "cid" || r.FormValue("client_secret") != "csecret" ||
			r.FormValue("redirect_uri") != client.OOBRedirect {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "bad exchange"})
			return
		}
		writeJSON(w, 200, map[string]any{"access_token": "tok", "token_type": "Bearer", "scope": "read write follow", "created_at": 1})
	})
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			writeJSON(w, 401, map[string]string{"error": "The access token is invalid"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": "7", "username": "carol", "acct": "carol", "statuses_count": 3})
	})
	mux.HandleFunc("POST /oauth/revoke", func(w http.ResponseWriter, r *http.Request) {
		f.revoked = r.FormValue("token")
		writeJSON(w, 200, map[string]any{})
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func TestCLILoginOtherMastodonServer(t *testing.T) {
	f := newFakeMastodon(t)
	credPath := useConfigDir(t)

	r := mustCLI(t, "pasted-code\n", "login", "--server", f.URL)
	m := regexp.MustCompile(`(?m)^\s*(` + regexp.QuoteMeta(f.URL) + `/oauth/authorize\?\S+)$`).FindStringSubmatch(r.out)
	if m == nil {
		t.Fatalf("login did not print the authorize URL:\n%s", r.out)
	}
	u, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": "cid", "redirect_uri": client.OOBRedirect,
		"scope": "read write follow", "code_challenge_method": "S256"} {
		if q.Get(k) != want {
			t.Errorf("authorize URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if f.verifier == "" || client.S256(f.verifier) != q.Get("code_challenge") {
		t.Errorf("PKCE: verifier %q does not match challenge %q", f.verifier, q.Get("code_challenge"))
	}
	if !strings.Contains(r.out, "Logged in as @carol on "+f.URL) {
		t.Errorf("login output:\n%s", r.out)
	}
	assertCredentialFile(t, credPath)

	if r := mustCLI(t, "", "whoami"); !strings.HasPrefix(r.out, "@carol on "+f.URL) {
		t.Errorf("whoami: %q", r.out)
	}
	mustCLI(t, "", "logout")
	if f.revoked != "tok" {
		t.Errorf("logout revoked %q, want tok", f.revoked)
	}

	// A wrong pasted code shows the server's OAuth error.
	failCLI(t, "invalid_grant: bad exchange", "wrong-code\n", "login", "--server", f.URL)
	failCLI(t, "no authorization code", "\n", "login", "--server", f.URL)
}

func TestCLILoginFlags(t *testing.T) {
	useConfigDir(t)
	failCLI(t, `"server" not set`, "", "login")
	failCLI(t, "not an http(s) URL", "", "login", "--server", "ftp://example.org")
	if r := runCLI(t, "", "timeline", "--limit", "0"); r.err == nil || !strings.Contains(r.err.Error(), "--limit") {
		t.Errorf("timeline --limit 0: %v", r.err)
	}
}
