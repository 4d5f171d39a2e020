package mastodon_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"publius/internal/config"
	"publius/internal/servertest"
)

func TestBadBodies(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	_, _, appToken := env.App(t)

	for _, body := range []string{`{"status": "x"`, `{"status": }`, `not json`, `[1,2`, `{"status": "x"}}`} {
		msg := wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, body), 400)
		must(t, strings.Contains(msg, "JSON") || strings.Contains(msg, "body"), "malformed JSON message %q", msg)
	}
	// Wrong types are a client error, never a 500.
	for path, body := range map[string]string{
		"/api/v1/statuses":                    `{"status": 5}`,
		"/api/v1/apps":                        `{"client_name": ["x"], "redirect_uris": 7}`,
		"/api/v1/accounts":                    `{"username": {"a": 1}, "password": true, "agreement": "maybe"}`,
		"/api/v1/publius/account/delete":      `{"passphrase": 12}`,
		"/api/v1/accounts/" + alice.ID + "/x": `{}`,
	} {
		tok := alice.Token
		if path == "/api/v1/accounts" {
			tok = appToken
		}
		r := env.Do(t, "POST", path, tok, body)
		if r.Status != 400 && r.Status != 422 && r.Status != 404 {
			t.Errorf("%s %s: status %d: %s", path, body, r.Status, r.Body)
		}
		wantError(t, r, r.Status)
	}
	wantError(t, env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
		`{"fields_attributes": {"0": {"name": "a"}, "5": {"name": "b"}}}`), 400)
	wantError(t, env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
		`{"fields_attributes": "nope"}`), 400)

	// An empty JSON body is an empty object; an empty form is an empty form.
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, ""), 422)
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, url.Values{}), 422)

	// Over 1 MiB is 413, as JSON and as a form.
	big := `{"status": "` + strings.Repeat("x", 2<<20) + `"}`
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, big), 413)
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {strings.Repeat("y", 2<<20)}}), 413)
	// The server is fine afterwards.
	env.Post(t, alice, "still here")
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	env := servertest.Start(t)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/nothing"},
		{"GET", "/api/v3/instance"},
		{"GET", "/api/v1/statuses"},
		{"POST", "/api/v1/notifications/clear"},
		{"GET", "/api/v1/accounts/1/featured_tags"},
		{"GET", "/oauth/nothing"},
		{"GET", "/nodeinfo/9.9"},
		{"PUT", "/api/v1/statuses/1"},
		{"DELETE", "/api/v1/accounts/1"},
		{"GET", "/api/v1/apps"},
		{"GET", "/oauth/token"},
		{"PATCH", "/api/v1/instance"},
		{"POST", "/.well-known/webfinger"},
	} {
		r := env.Do(t, c.method, c.path, "", nil)
		if r.Status != 404 && r.Status != 405 {
			t.Errorf("%s %s: status %d", c.method, c.path, r.Status)
		}
		must(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"), "%s %s: content type %q: %s",
			c.method, c.path, r.Header.Get("Content-Type"), r.Body)
		wantError(t, r, r.Status)
	}
}

// TestNeverServerError fires randomized and malformed requests at every
// route: each must get a status below 500, and a 4xx must be a JSON error.
func TestNeverServerError(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	st := env.Post(t, alice, "target")
	env.Follow(t, bob, alice)
	clientID, secret, appToken := env.App(t)
	rng := rand.New(rand.NewPCG(1, 2))

	routes := []struct{ method, path string }{
		{"POST", "/api/v1/apps"}, {"GET", "/api/v1/apps/verify_credentials"},
		{"POST", "/oauth/token"}, {"POST", "/oauth/revoke"}, {"GET", "/.well-known/oauth-authorization-server"},
		{"POST", "/api/v1/accounts"}, {"GET", "/api/v1/accounts/verify_credentials"},
		{"PATCH", "/api/v1/accounts/update_credentials"}, {"GET", "/api/v1/accounts/{id}"},
		{"GET", "/api/v1/accounts/lookup"}, {"GET", "/api/v1/accounts/{id}/statuses"},
		{"GET", "/api/v1/accounts/{id}/followers"}, {"GET", "/api/v1/accounts/{id}/following"},
		{"POST", "/api/v1/accounts/{id}/follow"}, {"POST", "/api/v1/accounts/{id}/unfollow"},
		{"GET", "/api/v1/accounts/relationships"}, {"POST", "/api/v1/statuses"},
		{"GET", "/api/v1/statuses/{id}"}, {"DELETE", "/api/v1/statuses/{id}"},
		{"GET", "/api/v1/statuses/{id}/context"}, {"GET", "/api/v1/timelines/home"},
		{"GET", "/api/v1/timelines/public"}, {"GET", "/api/v1/instance"}, {"GET", "/api/v2/instance"},
		{"GET", "/.well-known/nodeinfo"}, {"GET", "/nodeinfo/2.0"}, {"GET", "/.well-known/webfinger"},
		{"GET", "/healthz"}, {"GET", "/oauth/authorize"}, {"POST", "/oauth/authorize"},
	}
	ids := []string{alice.ID, bob.ID, st, "", "0", "-1", "abc", "1e9", strings.Repeat("9", 19), strings.Repeat("9", 40),
		"%00", "%2F..%2F", "9223372036854775807", "9223372036854775808", " 1", "１２３", "🦆"}
	garbage := []string{"", "x", "-1", "0", "99999999999999999999", "null", "true", "[]", "{}", "%FF", "é",
		strings.Repeat("a", 3000), "1.5", "NaN", "<script>", "acct:", "@", "@@", "a@b@c", "'; DROP TABLE accounts; --"}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	params := []string{"limit", "max_id", "since_id", "min_id", "acct", "resource", "id[]", "id", "exclude_replies",
		"pinned", "local", "remote", "only_media", "client_id", "redirect_uri", "scope", "code_challenge",
		"code_challenge_method", "response_type", "access_token", "state"}
	fields := []string{"status", "in_reply_to_id", "visibility", "sensitive", "spoiler_text", "language", "media_ids",
		"poll", "scheduled_at", "username", "password", "email", "agreement", "locale", "display_name", "note",
		"fields_attributes", "hide_collections", "bot", "client_name", "redirect_uris", "scopes", "website",
		"grant_type", "code", "client_id", "client_secret", "code_verifier", "token", "passphrase", "csrf", "decision", "handle"}
	values := []any{"", "x", 1, -1, 1.5, true, false, nil, []any{}, []any{"a", 1}, map[string]any{}, map[string]any{"0": map[string]any{"name": 1}},
		strings.Repeat("z", 600), "public", "direct", "private", "read write follow", "urn:ietf:wg:oauth:2.0:oob",
		"authorization_code", "client_credentials", "password", clientID, secret, alice.ID, st}
	tokens := []string{"", alice.Token, bob.Token, appToken, "garbage"}

	const n = 600
	for i := range n {
		rt := routes[rng.IntN(len(routes))]
		method := rt.method
		if rng.IntN(10) == 0 {
			method = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}[rng.IntN(7)]
		}
		path := strings.ReplaceAll(rt.path, "{id}", pick(ids))
		q := url.Values{}
		for range rng.IntN(4) {
			q.Add(params[rng.IntN(len(params))], pick(garbage))
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		var body any
		switch rng.IntN(5) {
		case 1:
			m := map[string]any{}
			for range 1 + rng.IntN(4) {
				m[fields[rng.IntN(len(fields))]] = values[rng.IntN(len(values))]
			}
			body = m
		case 2:
			f := url.Values{}
			for range 1 + rng.IntN(4) {
				k := fields[rng.IntN(len(fields))]
				if rng.IntN(3) == 0 {
					k += []string{"[]", "[0]", "[0][name]", "[", "]", "[a][b][c]"}[rng.IntN(6)]
				}
				f.Add(k, pick(garbage))
			}
			body = f
		case 3:
			b, _ := json.Marshal(values[rng.IntN(len(values))])
			body = string(b)
		case 4:
			body = pick([]string{`{"status":`, `{{{`, "\x00\x01", `{"a":[` + strings.Repeat("[", 5000), `"str"`, `123`})
		}
		tok := pick(tokens)
		// Never revoke or delete the tokens the rest of the run needs.
		if strings.Contains(path, "revoke") || strings.Contains(path, "account/delete") {
			tok = "garbage"
		}
		r := env.Do(t, method, path, tok, body)
		if r.Status >= 500 {
			t.Errorf("request %d: %s %s body %v: status %d: %s", i, method, path, body, r.Status, r.Body)
			continue
		}
		if r.Status >= 400 && method != "HEAD" && strings.HasPrefix(rt.path, "/api/") {
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil || m["error"] == nil {
				t.Errorf("request %d: %s %s: status %d without a JSON error: %q", i, method, path, r.Status, r.Body)
			}
		}
	}
	must(t, !strings.Contains(env.Log.String(), `"panic"`), "a handler panicked:\n%s", env.Log.String())
	// The server still works (the status itself may have been deleted).
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
}

func TestRateLimits(t *testing.T) {
	env := servertest.Start(t, func(c *config.Config) { c.RateLimitScale = 1 })
	_, _, appToken := env.App(t)

	t.Run("sign-up", func(t *testing.T) {
		var last *servertest.Response
		for i := range 10 {
			last = env.Do(t, "POST", "/api/v1/accounts", appToken, map[string]any{
				"username": "user" + strconv.Itoa(i), "password": servertest.Passphrase, "agreement": true})
			if last.Status == 429 {
				must(t, i >= 1, "limited at the first sign-up")
				break
			}
			must(t, last.Status == 200, "sign-up %d: %d %s", i, last.Status, last.Body)
		}
		wantError(t, last, 429)
		secs, err := strconv.Atoi(last.Header.Get("Retry-After"))
		must(t, err == nil && secs > 0, "Retry-After %q", last.Header.Get("Retry-After"))
	})
	t.Run("failed logins", func(t *testing.T) {
		clientID, secret, _ := env.App(t)
		var last *servertest.Response
		for i := range 30 {
			last = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {clientID},
				"client_secret": {secret}, "username": {"user0"}, "password": {"wrong passphrase " + strconv.Itoa(i)}})
			if last.Status == 429 {
				break
			}
			must(t, last.Status == 400, "failed login %d: %d %s", i, last.Status, last.Body)
		}
		must(t, last.Status == 429, "never limited: %d", last.Status)
		must(t, last.Header.Get("Retry-After") != "", "no Retry-After")
		// Now even the right passphrase is refused until the wait is over.
		r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {clientID},
			"client_secret": {secret}, "username": {"user0"}, "password": {servertest.Passphrase}})
		must(t, r.Status == 429, "right passphrase while limited: %d", r.Status)
		// The browser form shares the limit.
		form, csrf := authorizePage(t, env, url.Values{"client_id": {clientID}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}})
		form.Set("handle", "user0")
		form.Set("passphrase", servertest.Passphrase)
		form.Set("decision", "approve")
		r = submitAuthorize(t, env, form, csrf)
		must(t, r.Status == 429 && r.Header.Get("Retry-After") != "", "authorize form while limited: %d", r.Status)
	})
}

func TestPostingRateLimit(t *testing.T) {
	// Scale 0.02: 6 posts per burst (and no API sign-ups at all).
	env := servertest.Start(t, func(c *config.Config) { c.RateLimitScale = 0.02 })
	u := quickUsers(t, env, "poster", 2)
	var r *servertest.Response
	n := 0
	for ; n < 20; n++ {
		r = env.Do(t, "POST", "/api/v1/statuses", u[0].Token, map[string]any{"status": "post " + strconv.Itoa(n)})
		if r.Status != 200 {
			break
		}
	}
	must(t, n == 6, "posted %d before the limit, want 6", n)
	wantError(t, r, 429)
	must(t, r.Header.Get("Retry-After") != "", "no Retry-After")
	// The limit is per account.
	env.Post(t, u[1], "someone else")
}

// Browser clients need CORS on the API and the token endpoint, with Link
// exposed; the HTML authorization form must not be scriptable cross-site.
func TestCORS(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	r := env.Do(t, "OPTIONS", "/api/v1/statuses", "", nil, "Origin", "https://elk.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
	must(t, r.Status == 204 && r.Header.Get("Access-Control-Allow-Origin") == "*" &&
		strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") &&
		strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "authorization"), "preflight: %d %v", r.Status, r.Header)
	r = env.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil, "Origin", "https://elk.example")
	must(t, r.Header.Get("Access-Control-Allow-Origin") == "*" && strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "Link"), "headers %v", r.Header)
	r = env.Do(t, "OPTIONS", "/oauth/token", "", nil, "Origin", "https://elk.example", "Access-Control-Request-Method", "POST")
	must(t, r.Status == 204, "token preflight %d", r.Status)
	r = env.Do(t, "GET", "/oauth/authorize", "", nil, "Origin", "https://evil.example")
	must(t, r.Header.Get("Access-Control-Allow-Origin") == "", "authorize page allows CORS")
}

// Behind a trusted reverse proxy, sign-up limits count per forwarded client;
// without the setting, X-Forwarded-For changes nothing.
func TestRateLimitsBehindTrustedProxy(t *testing.T) {
	signUps := func(t *testing.T, env *servertest.Env, appToken, prefix, xff string) (ok int) {
		for i := range 8 {
			r := env.Do(t, "POST", "/api/v1/accounts", appToken, map[string]any{
				"username": prefix + strconv.Itoa(i), "password": servertest.Passphrase, "agreement": true},
				"X-Forwarded-For", xff)
			if r.Status == 429 {
				return ok
			}
			must(t, r.Status == 200, "sign-up: %d %s", r.Status, r.Body)
			ok++
		}
		return ok
	}
	proxied := servertest.Start(t, func(c *config.Config) { c.RateLimitScale = 1; c.TrustedProxies = []string{"127.0.0.1"} })
	_, _, appToken := proxied.App(t)
	first := signUps(t, proxied, appToken, "a", "203.0.113.1")
	must(t, first >= 1 && first < 8, "first client signed up %d times before the limit", first)
	must(t, signUps(t, proxied, appToken, "b", "203.0.113.2") == first, "a second client behind the proxy shares the first one's limit")

	direct := servertest.Start(t, func(c *config.Config) { c.RateLimitScale = 1 })
	_, _, appToken = direct.App(t)
	signUps(t, direct, appToken, "a", "203.0.113.1")
	must(t, signUps(t, direct, appToken, "b", "203.0.113.2") == 0, "X-Forwarded-For was believed without --trusted-proxy")
}
