// Package servertest starts a real Publius server on a random loopback port
// with a temporary data directory, and drives it over HTTP. Integration
// tests of every package share it, like fixtures.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"publius/internal/config"
	"publius/internal/server"
)

// Env is one running server.
type Env struct {
	URL     string
	DataDir string
	Server  *server.Server
	Log     *SyncBuffer // everything the server logged
	HTTP    *http.Client

	appOnce  sync.Once
	clientID string
	secret   string
	appToken string
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start runs a server until the test ends. Rate limits are off and the
// password grant on unless configure says otherwise.
func Start(t testing.TB, configure ...func(*config.Config)) *Env {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr = l.Addr().String()
	cfg.DataDir = t.TempDir()
	cfg.PublicURL = ""
	cfg.RateLimitScale = 0
	cfg.AllowPasswordGrant = true
	for _, c := range configure {
		c(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := server.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &SyncBuffer{}
	srv, err := server.New(ctx, cfg, st, logs)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	env := &Env{URL: "http://" + cfg.Addr, DataDir: cfg.DataDir, Server: srv, Log: logs,
		HTTP: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
		st.Close()
	})
	return env
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request. body may be nil, a url.Values (form-encoded), a
// string (sent as JSON verbatim) or anything else (JSON-encoded).
func (e *Env) Do(t testing.TB, method, path, token string, body any, headers ...string) *Response {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Must is Do that fails the test unless the status is want.
func (e *Env) Must(t testing.TB, want int, method, path, token string, body any, headers ...string) *Response {
	t.Helper()
	r := e.Do(t, method, path, token, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// App returns a registered app's client ID, secret and an app token with
// read, write and follow scopes (created once per Env).
func (e *Env) App(t testing.TB) (clientID, secret, appToken string) {
	t.Helper()
	e.appOnce.Do(func() {
		r := e.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{
			"client_name": "servertest", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow"})
		m := r.Map(t)
		e.clientID, e.secret = m["client_id"].(string), m["client_secret"].(string)
		tok := e.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
			"client_id": {e.clientID}, "client_secret": {e.secret}, "scope": {"read write follow"}}).Map(t)
		e.appToken = tok["access_token"].(string)
	})
	return e.clientID, e.secret, e.appToken
}

// Passphrase is the passphrase Register gives every account.
const Passphrase = "correct horse battery staple"

// User is a registered account with a token.
type User struct {
	ID     string
	Handle string
	Token  string
}

// Register signs up handle through the API and returns its token and ID.
func (e *Env) Register(t testing.TB, handle string) User {
	t.Helper()
	_, _, appToken := e.App(t)
	r := e.Must(t, 200, "POST", "/api/v1/accounts", appToken, map[string]any{
		"username": handle, "password": Passphrase, "agreement": true, "locale": "en"})
	token := r.Map(t)["access_token"].(string)
	me := e.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", token, nil).Map(t)
	return User{ID: me["id"].(string), Handle: handle, Token: token}
}

// Post creates a public status and returns its ID.
func (e *Env) Post(t testing.TB, u User, text string) string {
	t.Helper()
	r := e.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text})
	return r.Map(t)["id"].(string)
}

// Follow makes a follow b.
func (e *Env) Follow(t testing.TB, a, b User) {
	t.Helper()
	e.Must(t, 200, "POST", fmt.Sprintf("/api/v1/accounts/%s/follow", b.ID), a.Token, nil)
}
