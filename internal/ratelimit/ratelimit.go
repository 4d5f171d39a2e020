// Package ratelimit limits abuse without storing identifiers. A client is
// known only by HMAC(salt, address), where the salt is random, lives only
// in memory and is replaced every hour: after rotation nobody, including
// someone who compels the server's secrets, can link old keys to addresses.
package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Rule is a token bucket: Burst requests at once, refilled at Burst per Per.
type Rule struct {
	Burst int
	Per   time.Duration
}

// Limiter applies named rules to hashed client keys.
type Limiter struct {
	mu      sync.Mutex
	rules   map[string]Rule
	buckets map[[32]byte]*bucket
	salt    []byte
	saltAt  time.Time
	now     func() time.Time
	scale   float64
	// proxies are reverse proxies whose X-Forwarded-For names the client.
	proxies []netip.Prefix
}

type bucket struct {
	tokens float64
	at     time.Time
}

// SaltLifetime is how long one salt is used.
const SaltLifetime = time.Hour

// New returns a Limiter. scale multiplies every burst (0 disables limits);
// now is injectable for tests (nil: wall clock).
func New(rules map[string]Rule, scale float64, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{rules: rules, buckets: map[[32]byte]*bucket{}, now: now, scale: scale}
	l.rotate(now())
	return l
}

func (l *Limiter) rotate(t time.Time) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		panic("ratelimit: crypto/rand failed: " + err.Error())
	}
	l.salt, l.saltAt = salt, t
	// Old buckets are keyed under the old salt and can no longer be matched.
	clear(l.buckets)
}

// Allow spends one token of rule for client (an address or account ID; it
// is hashed at once and never kept). It returns false and the wait until
// the next token when the client is over the limit.
func (l *Limiter) Allow(rule, client string) (bool, time.Duration) {
	if l.scale == 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.rules[rule]
	if !ok {
		return true, 0
	}
	now := l.now()
	key := l.key(rule, client)
	burst := float64(r.Burst) * l.scale
	rate := burst / r.Per.Seconds()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// key hashes client under the current salt, rotating it when due.
func (l *Limiter) key(rule, client string) [32]byte {
	if now := l.now(); now.Sub(l.saltAt) >= SaltLifetime {
		l.rotate(now)
	}
	mac := hmac.New(sha256.New, l.salt)
	mac.Write([]byte(rule))
	mac.Write([]byte{0})
	mac.Write([]byte(client))
	var key [32]byte
	copy(key[:], mac.Sum(nil))
	return key
}

// Len is the number of live buckets (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Peek reports whether client has a token left under rule, without
// spending it (for limits that count only failures).
func (l *Limiter) Peek(rule, client string) (bool, time.Duration) {
	if l.scale == 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.rules[rule]
	if !ok {
		return true, 0
	}
	b := l.buckets[l.key(rule, client)]
	if b == nil {
		return true, 0
	}
	burst := float64(r.Burst) * l.scale
	rate := burst / r.Per.Seconds()
	tokens := min(burst, b.tokens+l.now().Sub(b.at).Seconds()*rate)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) / rate * float64(time.Second))
}

// Rule names used by the API and web handlers.
const (
	Signup = "signup"
	Login  = "login" // counts failed logins only
	Post   = "post"
)

// Defaults returns Publius's limits; scale multiplies them (0 disables).
func Defaults(scale float64) *Limiter {
	return New(map[string]Rule{
		Signup: {Burst: 5, Per: 30 * time.Minute}, // per address
		Login:  {Burst: 10, Per: 5 * time.Minute}, // failed logins per address
		Post:   {Burst: 300, Per: 3 * time.Hour},  // per account, as on Mastodon
	}, scale, nil)
}

// TrustProxies makes ClientAddress believe X-Forwarded-For on requests
// from these reverse proxies. Without it, the header is never read.
func (l *Limiter) TrustProxies(proxies []netip.Prefix) { l.proxies = proxies }

// ClientAddress is the request's client address, for use as a rate-limit
// key only: Allow hashes it at once, and it must never be stored or logged.
// It is the peer address, unless the peer is a trusted proxy: then the
// rightmost X-Forwarded-For entry that is not a trusted proxy.
func (l *Limiter) ClientAddress(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if !l.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			return peer // a malformed chain: trust none of it
		}
		if !l.trusted(hop) {
			return hop
		}
	}
	return peer
}

func (l *Limiter) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
