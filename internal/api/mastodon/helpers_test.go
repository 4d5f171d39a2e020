package mastodon_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	accountpkg "publius/internal/account"
	"publius/internal/id"
	"publius/internal/servertest"
	"publius/internal/store"
)

// wantError fails unless r has status and a JSON body with a non-empty "error".
func wantError(t testing.TB, r *servertest.Response, status int) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("status %d body is not JSON: %q", r.Status, r.Body)
	}
	msg, _ := m["error"].(string)
	if msg == "" {
		t.Fatalf("status %d body has no error: %s", r.Status, r.Body)
	}
	return msg
}

// list decodes a JSON array of objects.
func list(t testing.TB, r *servertest.Response) []map[string]any {
	t.Helper()
	var out []map[string]any
	r.JSON(t, &out)
	return out
}

// ids returns the "id" of each object.
func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, m := range items {
		out[i], _ = m["id"].(string)
	}
	return out
}

// pkcePair returns a random verifier and its S256 challenge.
func pkcePair() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// app registers an OAuth app and returns its client ID and secret.
func app(t testing.TB, env *servertest.Env, redirect, scopes string) (string, string) {
	t.Helper()
	m := env.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "test app", "redirect_uris": redirect, "scopes": scopes}).Map(t)
	return m["client_id"].(string), m["client_secret"].(string)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// authorizePage GETs /oauth/authorize like a browser and returns the form's
// hidden fields and the CSRF cookie.
func authorizePage(t testing.TB, env *servertest.Env, query url.Values) (url.Values, *http.Cookie) {
	t.Helper()
	r := env.Must(t, 200, "GET", "/oauth/authorize?"+query.Encode(), "", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("authorize page content type %q", ct)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(r.Body), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	var csrf *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "publius_csrf" {
			csrf = c
		}
	}
	if csrf == nil || form.Get("csrf") == "" {
		t.Fatalf("authorize page has no CSRF cookie or field: %s", r.Body)
	}
	return form, csrf
}

// submitAuthorize posts the form with the cookie, as the browser would.
func submitAuthorize(t testing.TB, env *servertest.Env, form url.Values, csrf *http.Cookie) *servertest.Response {
	t.Helper()
	var headers []string
	if csrf != nil {
		headers = []string{"Cookie", csrf.Name + "=" + csrf.Value}
	}
	return env.Do(t, "POST", "/oauth/authorize", "", form, headers...)
}

// login runs the whole browser flow for u and returns the code from the
// redirect (read from the Location header).
func login(t testing.TB, env *servertest.Env, clientID, redirect, scope, challenge string, u servertest.User) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {scope}, "state": {"xyz"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	form, csrf := authorizePage(t, env, q)
	form.Set("handle", u.Handle)
	form.Set("passphrase", servertest.Passphrase)
	form.Set("decision", "approve")
	r := submitAuthorize(t, env, form, csrf)
	if r.Status != http.StatusFound {
		t.Fatalf("authorize: status %d: %s", r.Status, r.Body)
	}
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("state") != "xyz" {
		t.Fatalf("state not echoed: %s", loc)
	}
	return loc.Query().Get("code")
}

// passwordToken gets a user token with scope through the password grant.
func passwordToken(t testing.TB, env *servertest.Env, handle, scope string) string {
	t.Helper()
	clientID, secret, _ := env.App(t)
	m := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
		"client_id": {clientID}, "client_secret": {secret}, "username": {handle},
		"password": {servertest.Passphrase}, "scope": {scope}}).Map(t)
	return m["access_token"].(string)
}

// links parses a Link header into rel → path+query (relative to the server).
func links(t testing.TB, env *servertest.Env, header string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i, j := strings.Index(part, "<"), strings.Index(part, ">")
		k := strings.Index(part, `rel="`)
		if i < 0 || j < i || k < 0 {
			t.Fatalf("bad Link header %q", header)
		}
		rel := strings.TrimSuffix(part[k+5:], `"`)
		out[rel] = strings.TrimPrefix(part[i+1:j], env.URL)
	}
	return out
}

// rawDo is a goroutine-safe request that reports errors instead of
// failing the test.
func rawDo(env *servertest.Env, method, path, token string) (int, []byte, error) {
	req, err := http.NewRequest(method, env.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// account fetches an account as JSON.
func account(t testing.TB, env *servertest.Env, id, token string) map[string]any {
	t.Helper()
	return env.Must(t, 200, "GET", "/api/v1/accounts/"+id, token, nil).Map(t)
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func must(t testing.TB, cond bool, format string, args ...any) {
	t.Helper()
	if !cond {
		t.Fatalf(format, args...)
	}
}

// quickUsers creates n accounts straight in the store, sharing one
// passphrase hash, with read/write/follow tokens: sign-up's argon2id cost
// would dominate tests that only need many accounts.
func quickUsers(t testing.TB, env *servertest.Env, prefix string, n int) []servertest.User {
	t.Helper()
	ctx := context.Background()
	clientID, _, _ := env.App(t)
	a, err := env.Server.Store.AppByClientID(ctx, clientID)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := accountpkg.HashPassphrase(servertest.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]servertest.User, n)
	for i := range out {
		acc := &store.Account{ID: id.AccountID(time.Now()), Handle: fmt.Sprintf("%s%d", prefix, i),
			PassphraseHash: hash, CreatedOn: env.Server.Accounts.Today()}
		if err := env.Server.Store.CreateAccount(ctx, acc); err != nil {
			t.Fatal(err)
		}
		secret, _, err := env.Server.Accounts.IssueToken(ctx, a.ID, acc.ID, []string{"read", "write", "follow"})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = servertest.User{ID: acc.ID, Handle: acc.Handle, Token: secret}
	}
	return out
}
