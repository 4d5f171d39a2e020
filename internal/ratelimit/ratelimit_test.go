package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestBucketLimitsAndRefills(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(map[string]Rule{"login": {Burst: 3, Per: time.Minute}}, 1, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("login", "192.0.2.1"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	ok, wait := l.Allow("login", "192.0.2.1")
	if ok || wait <= 0 || wait > 21*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused with ~20s wait", ok, wait)
	}
	if ok, _ := l.Allow("login", "192.0.2.2"); !ok {
		t.Fatal("another client was limited")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("login", "192.0.2.1"); !ok {
		t.Fatal("token not refilled after 20s")
	}
	if ok, _ := l.Allow("unknown-rule", "x"); !ok {
		t.Fatal("unknown rule limited")
	}
}

func TestSaltRotationForgetsClients(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(map[string]Rule{"signup": {Burst: 1, Per: 24 * time.Hour}}, 1, func() time.Time { return now })
	old := string(l.salt)
	l.Allow("signup", "198.51.100.7")
	if ok, _ := l.Allow("signup", "198.51.100.7"); ok {
		t.Fatal("second signup allowed")
	}
	now = now.Add(SaltLifetime)
	if ok, _ := l.Allow("signup", "198.51.100.7"); !ok {
		t.Fatal("bucket survived salt rotation")
	}
	if string(l.salt) == old {
		t.Fatal("salt not rotated")
	}
	if l.Len() != 1 {
		t.Fatalf("%d buckets after rotation, want 1", l.Len())
	}
}

func TestScaleZeroDisables(t *testing.T) {
	l := New(map[string]Rule{"post": {Burst: 1, Per: time.Hour}}, 0, nil)
	for i := 0; i < 10; i++ {
		if ok, _ := l.Allow("post", "a"); !ok {
			t.Fatal("limited with scale 0")
		}
	}
}

func TestClientAddress(t *testing.T) {
	l := New(nil, 1, nil)
	req := func(peer string, xff ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		for _, v := range xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		return r
	}
	if got := l.ClientAddress(req("198.51.100.7:4000", "203.0.113.9")); got != "198.51.100.7" {
		t.Errorf("no trusted proxy: got %s, want the peer (X-Forwarded-For unread)", got)
	}
	l.TrustProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")})
	for _, c := range []struct {
		name string
		r    *http.Request
		want string
	}{
		{"through the proxy", req("10.0.0.5:4000", "203.0.113.9"), "203.0.113.9"},
		{"two trusted hops", req("10.0.0.5:4000", "203.0.113.9, 10.0.0.7"), "203.0.113.9"},
		{"client-forged entries", req("10.0.0.5:4000", "192.0.2.66, 198.51.100.2"), "198.51.100.2"},
		{"split headers", req("10.0.0.5:4000", "192.0.2.66", "198.51.100.3"), "198.51.100.3"},
		{"untrusted peer", req("198.51.100.7:4000", "203.0.113.9"), "198.51.100.7"},
		{"malformed chain", req("10.0.0.5:4000", "203.0.113.9, not-an-ip"), "10.0.0.5"},
		{"only proxies", req("10.0.0.5:4000", "10.0.0.9"), "10.0.0.5"},
		{"IPv6 proxy", req("[::1]:4000", "2001:db8::5"), "2001:db8::5"},
	} {
		if got := l.ClientAddress(c.r); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
