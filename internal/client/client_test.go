package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestDecodeError(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		msg    string
		desc   string
		text   string // Error()
	}{
		{"mastodon", 422, `{"error":"Validation failed: Text can't be blank"}`,
			"Validation failed: Text can't be blank", "", "Validation failed: Text can't be blank (HTTP 422)"},
		{"oauth", 400, `{"error":"invalid_grant","error_description":"The code expired"}`,
			"invalid_grant", "The code expired", "invalid_grant: The code expired (HTTP 400)"},
		{"nested message", 500, `{"error":{"message":"database down"}}`, "database down", "", "database down (HTTP 500)"},
		{"html page", 502, "<html><body>Bad gateway</body></html>", "Bad Gateway", "", "Bad Gateway (HTTP 502)"},
		{"short text", 503, "upstream unavailable\n", "Service Unavailable: upstream unavailable", "",
			"Service Unavailable: upstream unavailable (HTTP 503)"},
		{"empty", 404, "", "Not Found", "", "Not Found (HTTP 404)"},
		{"empty error field", 401, `{"error":""}`, "Unauthorized", "", "Unauthorized (HTTP 401)"},
		{"other json", 418, `{"detail":"x"}`, "I'm a teapot", "", "I'm a teapot (HTTP 418)"},
		{"unknown status", 599, "", "unexpected status", "", "unexpected status (HTTP 599)"},
		{"long text", 500, strings.Repeat("x", 300), "Internal Server Error", "", "Internal Server Error (HTTP 500)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := decodeError(c.status, []byte(c.body))
			if e.Status != c.status || e.Message != c.msg || e.Description != c.desc {
				t.Errorf("got %+v, want status %d message %q description %q", e, c.status, c.msg, c.desc)
			}
			if e.Error() != c.text {
				t.Errorf("Error() = %q, want %q", e.Error(), c.text)
			}
		})
	}
}

func TestServerErrorReachesCaller(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"The access token is invalid"}`))
			return
		}
		w.WriteHeader(404)
		w.Write([]byte(`{"error":"Record not found"}`))
	}))
	defer srv.Close()

	c, err := New(srv.URL, "wrong")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.VerifyCredentials(context.Background())
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Message != "The access token is invalid" {
		t.Fatalf("err = %#v", err)
	}
	if !IsStatus(err, 401) || IsStatus(err, 404) {
		t.Error("IsStatus disagrees with the error")
	}
	c.Token = "secret"
	if _, err := c.Lookup(context.Background(), "@nobody"); !IsStatus(err, 404) || !strings.Contains(err.Error(), "Record not found") {
		t.Fatalf("lookup err = %v", err)
	}
}

func TestNetworkErrorNamesServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, _ := New("http://"+addr, "")
	_, err = c.Instance(context.Background())
	var netErr *NetworkError
	if !errors.As(err, &netErr) {
		t.Fatalf("err = %#v, want a NetworkError", err)
	}
	if !strings.HasPrefix(err.Error(), "could not reach http://"+addr+": ") {
		t.Errorf("message %q", err)
	}
	if IsStatus(err, 0) {
		t.Error("a network error is not a server answer")
	}
}

func TestNotJSONAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>a login portal</html>"))
	}))
	defer srv.Close()
	c, _ := New(srv.URL, "")
	if _, err := c.Instance(context.Background()); err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
		t.Fatalf("err = %v", err)
	}
}

// TestPostStatusRetriesWithSameKey drops the first request after it
// arrived: the retry must carry the same Idempotency-Key.
func TestPostStatusRetriesWithSameKey(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		first := len(keys) == 1
		mu.Unlock()
		if first {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		w.Write([]byte(`{"id":"1","uri":"u","url":"https://x/@a/1","content":"<p>hi</p>","account":{"id":"2","acct":"a"}}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL, "t")
	st, err := c.PostStatus(context.Background(), NewStatus{Text: "hi"}, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Link() != "https://x/@a/1" || len(st.Raw) == 0 {
		t.Errorf("status %+v", st)
	}
	if len(keys) != 2 || keys[0] != "key-1" || keys[1] != "key-1" {
		t.Errorf("keys sent: %q", keys)
	}
}

func TestNormalizeServer(t *testing.T) {
	for in, want := range map[string]string{
		"example.org":               "https://example.org",
		"https://example.org/":      "https://example.org",
		" http://127.0.0.1:8080 ":   "http://127.0.0.1:8080",
		"127.0.0.1:8080":            "http://127.0.0.1:8080",
		"localhost:8080":            "http://localhost:8080",
		"[::1]:8080":                "http://[::1]:8080",
		"https://localhost":         "https://localhost",
		"https://example.org/sub//": "https://example.org/sub",
	} {
		if got, err := NormalizeServer(in); err != nil || got != want {
			t.Errorf("NormalizeServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://example.org", "https://", "https://example.org/?a=b", "https://u:p@example.org"} {
		if got, err := NormalizeServer(bad); err == nil {
			t.Errorf("NormalizeServer(%q) = %q, want an error", bad, got)
		}
	}
}

func TestS256MatchesRFC7636(t *testing.T) {
	// RFC 7636, appendix B.
	if got := S256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("S256 = %q", got)
	}
	a, b := NewPKCE(), NewPKCE()
	if len(a.Verifier) != 43 || a.Verifier == b.Verifier || a.Challenge != S256(a.Verifier) {
		t.Fatalf("NewPKCE: %+v %+v", a, b)
	}
}

func TestLinkRel(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://x/api/v1/timelines/home?max_id=105&limit=2>; rel="next", <https://x/api/v1/timelines/home?min_id=200>; rel="prev"`)
	if got := linkRel(h, "next"); got != "https://x/api/v1/timelines/home?max_id=105&limit=2" {
		t.Errorf("next = %q", got)
	}
	if got := linkRel(h, "prev"); got != "https://x/api/v1/timelines/home?min_id=200" {
		t.Errorf("prev = %q", got)
	}
	if got := linkRel(http.Header{"Link": {"garbage"}}, "next"); got != "" {
		t.Errorf("garbage = %q", got)
	}
}

func TestNodeInfoRefusesOtherHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"https://elsewhere.example/nodeinfo/2.0"}]}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL, "")
	if _, err := c.NodeInfo(context.Background()); err == nil || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("err = %v", err)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		`<p>Hello <a href="https://x/@bob" class="u-url mention">@<span>bob</span></a> &amp; friends</p>`:                                                                  "Hello @bob & friends",
		`<p>one<br>two<br />three</p><p>second &lt;para&gt;</p>`:                                                                                                           "one\ntwo\nthree\n\nsecond <para>",
		`<p><a href="https://example.org/a/b"><span class="invisible">https://</span><span class="ellipsis">example.org/a</span><span class="invisible">/b</span></a></p>`: "https://example.org/a/b",
		"<p>evil \x1b[2Jclear\u202eesrever</p>":                                                                                                                            "evil [2Jclearesrever",
		`<p>see <a href="https://example.org/a/very/long/path/indeed?x=1&amp;y=2" rel="nofollow">example.org/a/very/long/path/indeed?x=1&amp;…</a> now</p>`:                "see https://example.org/a/very/long/path/indeed?x=1&y=2 now",
		`<p><a href="https://example.org/x">click here</a></p>`:                                                                                                            "click here (https://example.org/x)",
		`<p><a href="https://x/tags/go" class="mention hashtag">#<span>go</span></a></p>`:                                                                                  "#go",
		"<!-- hidden --><p>x</p>":       "x",
		"<ul><li>a</li><li>b</li></ul>": "- a\n- b",
		"":                              "",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}
