package mastodon_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"publius/internal/config"
	"publius/internal/servertest"
)

func TestAppsAndVerifyCredentials(t *testing.T) {
	env := servertest.Start(t)
	m := env.Must(t, 200, "POST", "/api/v1/apps", "", url.Values{
		"client_name": {"Tusky"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"},
		"scopes": {"read write:statuses"}, "website": {"https://tusky.app"}}).Map(t)
	for _, k := range []string{"id", "name", "website", "scopes", "redirect_uri", "redirect_uris", "vapid_key", "client_id", "client_secret", "client_secret_expires_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("application lacks %q: %v", k, m)
		}
	}
	must(t, m["name"] == "Tusky" && m["website"] == "https://tusky.app", "app %v", m)
	tok := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {m["client_id"].(string)}, "client_secret": {m["client_secret"].(string)}, "scope": {"read"}}).Map(t)
	for _, k := range []string{"access_token", "token_type", "scope", "created_at"} {
		if _, ok := tok[k]; !ok {
			t.Errorf("token lacks %q: %v", k, tok)
		}
	}
	must(t, tok["token_type"] == "Bearer" && tok["scope"] == "read", "token %v", tok)
	v := env.Must(t, 200, "GET", "/api/v1/apps/verify_credentials", tok["access_token"].(string), nil).Map(t)
	must(t, v["name"] == "Tusky", "verify_credentials %v", v)
	if _, ok := v["client_secret"]; ok {
		t.Errorf("verify_credentials leaks the client secret")
	}
	wantError(t, env.Do(t, "GET", "/api/v1/apps/verify_credentials", "", nil), 401)
	wantError(t, env.Do(t, "GET", "/api/v1/apps/verify_credentials", "nope", nil), 401)

	// redirect_uris may be a JSON array (Mastodon 4.3); scopes default to read.
	arr := env.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{"client_name": "arr",
		"redirect_uris": []string{"https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"}}).Map(t)
	must(t, len(arr["redirect_uris"].([]any)) == 2 && fmt.Sprint(arr["scopes"]) == "[read]", "array app %v", arr)

	// Bad registrations.
	wantError(t, env.Do(t, "POST", "/api/v1/apps", "", map[string]any{"client_name": "x"}), 422)
	wantError(t, env.Do(t, "POST", "/api/v1/apps", "", map[string]any{"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}), 422)
	wantError(t, env.Do(t, "POST", "/api/v1/apps", "", map[string]any{"client_name": "x",
		"redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read bogus"}), 422)
	wantError(t, env.Do(t, "POST", "/api/v1/apps", "", map[string]any{"client_name": "x",
		"redirect_uris": "javascript:alert(1)"}), 422)
	// Scopes beyond the app's are refused.
	r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {m["client_id"].(string)}, "client_secret": {m["client_secret"].(string)}, "scope": {"write:accounts"}})
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_scope", "scope escalation: %d %s", r.Status, r.Body)
	r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {m["client_id"].(string)}, "client_secret": {"wrong"}})
	must(t, r.Status == 401 && r.Map(t)["error"] == "invalid_client", "bad secret: %d %s", r.Status, r.Body)
}

// callback is the client app's redirect target: it records what the
// browser brought back.
type callback struct {
	srv  *httptest.Server
	last atomic.Pointer[url.Values]
}

func newCallback(t *testing.T) *callback {
	c := &callback{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		c.last.Store(&q)
		w.Write([]byte("ok"))
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func TestAuthorizationCodeFlowWithPKCE(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	cb := newCallback(t)
	redirect := cb.srv.URL + "/cb"
	clientID, secret := app(t, env, redirect, "read write follow")
	verifier, challenge := pkcePair()

	// The browser: load the form, submit it, follow the redirect.
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {"read write"}, "state": {"s1"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	form, csrf := authorizePage(t, env, q)
	must(t, form.Get("code_challenge") == challenge && form.Get("state") == "s1", "form lost parameters: %v", form)
	form.Set("handle", "Alice") // handles are case-insensitive
	form.Set("passphrase", servertest.Passphrase)
	form.Set("decision", "approve")
	r := submitAuthorize(t, env, form, csrf)
	must(t, r.Status == http.StatusFound, "authorize status %d: %s", r.Status, r.Body)
	resp, err := http.Get(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := cb.last.Load()
	must(t, got != nil && got.Get("code") != "" && got.Get("state") == "s1", "callback got %v", got)
	code := got.Get("code")

	exchange := func(code, verifier, redirectURI string) *servertest.Response {
		return env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "client_id": {clientID}, "client_secret": {secret},
			"redirect_uri": {redirectURI}, "code_verifier": {verifier}})
	}
	// Wrong verifier and wrong redirect_uri fail without spending the code.
	r = exchange(code, "x"+verifier, redirect)
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant" && r.Map(t)["error_description"] != nil,
		"wrong verifier: %d %s", r.Status, r.Body)
	r = exchange(code, verifier, redirect+"/other")
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "wrong redirect: %d %s", r.Status, r.Body)
	r = exchange(code, verifier, "")
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "missing redirect: %d %s", r.Status, r.Body)

	tok := exchange(code, verifier, redirect)
	must(t, tok.Status == 200, "exchange: %d %s", tok.Status, tok.Body)
	m := tok.Map(t)
	must(t, m["scope"] == "read write", "token scope %v", m["scope"])
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", m["access_token"].(string), nil).Map(t)
	must(t, me["id"] == alice.ID, "token is for %v", me["id"])

	// A code works once.
	r = exchange(code, verifier, redirect)
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "code reuse: %d %s", r.Status, r.Body)

	// A public client (no secret) may redeem with PKCE alone.
	v2, c2 := pkcePair()
	code2 := login(t, env, clientID, redirect, "read", c2, alice)
	r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {code2}, "client_id": {clientID}, "redirect_uri": {redirect}, "code_verifier": {v2}})
	must(t, r.Status == 200, "public client: %d %s", r.Status, r.Body)
	// Without PKCE the secret is required.
	code3 := login(t, env, clientID, redirect, "read", "", alice)
	r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {code3}, "client_id": {clientID}, "redirect_uri": {redirect}})
	must(t, r.Status == 401, "no secret, no PKCE: %d %s", r.Status, r.Body)
	// A code issued for PKCE needs the verifier, even with the secret.
	_, c4 := pkcePair()
	code4 := login(t, env, clientID, redirect, "read", c4, alice)
	r = exchange(code4, "", redirect)
	must(t, r.Status == 400, "missing verifier: %d %s", r.Status, r.Body)
	// A garbage code.
	r = exchange("not-a-code", verifier, redirect)
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "garbage code: %d %s", r.Status, r.Body)
}

func TestAuthorizeRejections(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	redirect := "https://client.example/cb"
	clientID, _ := app(t, env, redirect, "read write")
	_, challenge := pkcePair()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {"read"}, "state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}

	t.Run("csrf missing", func(t *testing.T) {
		form, csrf := authorizePage(t, env, q)
		form.Set("handle", alice.Handle)
		form.Set("passphrase", servertest.Passphrase)
		r := submitAuthorize(t, env, form, nil)
		must(t, r.Status == 403, "no cookie: %d", r.Status)
		form.Del("csrf")
		r = submitAuthorize(t, env, form, csrf)
		must(t, r.Status == 403, "no field: %d", r.Status)
		form.Set("csrf", strings.Repeat("A", 32))
		r = submitAuthorize(t, env, form, csrf)
		must(t, r.Status == 403, "wrong field: %d", r.Status)
	})
	t.Run("deny", func(t *testing.T) {
		form, csrf := authorizePage(t, env, q)
		form.Set("decision", "deny")
		r := submitAuthorize(t, env, form, csrf)
		must(t, r.Status == http.StatusFound, "deny: %d %s", r.Status, r.Body)
		loc, _ := url.Parse(r.Header.Get("Location"))
		must(t, strings.HasPrefix(loc.String(), redirect) && loc.Query().Get("error") == "access_denied" &&
			loc.Query().Get("state") == "st" && loc.Query().Get("code") == "", "deny redirect %s", loc)
	})
	t.Run("wrong passphrase", func(t *testing.T) {
		form, csrf := authorizePage(t, env, q)
		form.Set("handle", alice.Handle)
		form.Set("passphrase", "not the passphrase at all")
		form.Set("decision", "approve")
		r := submitAuthorize(t, env, form, csrf)
		must(t, r.Status == 401 && strings.Contains(string(r.Body), "Wrong handle or passphrase"), "wrong pass: %d", r.Status)
		must(t, r.Header.Get("Location") == "", "redirected on failure")
	})
	t.Run("bad requests never redirect", func(t *testing.T) {
		for name, mod := range map[string]func(url.Values){
			"unknown client":     func(v url.Values) { v.Set("client_id", "nope") },
			"foreign redirect":   func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") },
			"scope beyond app":   func(v url.Values) { v.Set("scope", "follow") },
			"plain pkce":         func(v url.Values) { v.Set("code_challenge_method", "plain") },
			"short challenge":    func(v url.Values) { v.Set("code_challenge", "abc") },
			"token response":     func(v url.Values) { v.Set("response_type", "token") },
			"unknown scope name": func(v url.Values) { v.Set("scope", "read:everything") },
		} {
			v := url.Values{}
			for k, vals := range q {
				v[k] = append([]string(nil), vals...)
			}
			mod(v)
			r := env.Do(t, "GET", "/oauth/authorize?"+v.Encode(), "", nil)
			if r.Status != 400 || r.Header.Get("Location") != "" {
				t.Errorf("%s: status %d location %q", name, r.Status, r.Header.Get("Location"))
			}
		}
	})
}

func TestOOBFlowShowsCode(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	clientID, secret := app(t, env, "urn:ietf:wg:oauth:2.0:oob", "read")
	verifier, challenge := pkcePair()
	form, csrf := authorizePage(t, env, url.Values{"response_type": {"code"}, "client_id": {clientID},
		"redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}})
	form.Set("handle", alice.Handle)
	form.Set("passphrase", servertest.Passphrase)
	form.Set("decision", "approve")
	r := submitAuthorize(t, env, form, csrf)
	must(t, r.Status == 200, "oob: %d", r.Status)
	m := regexp.MustCompile(`<output id="code" class="code">([A-Za-z0-9_-]+)</output>`).FindSubmatch(r.Body)
	must(t, m != nil, "no code on page: %s", r.Body)
	env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {string(m[1])}, "client_id": {clientID}, "client_secret": {secret},
		"redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}, "code_verifier": {verifier}})
}

func TestExpiredCode(t *testing.T) {
	var offset atomic.Int64
	env := servertest.Start(t, func(c *config.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	alice := env.Register(t, "alice")
	clientID, secret := app(t, env, "https://client.example/cb", "read")
	verifier, challenge := pkcePair()
	code := login(t, env, clientID, "https://client.example/cb", "read", challenge, alice)
	offset.Store(int64(11 * time.Minute))
	r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "client_id": {clientID}, "client_secret": {secret},
		"redirect_uri": {"https://client.example/cb"}, "code_verifier": {verifier}})
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "expired code: %d %s", r.Status, r.Body)
	// A fresh code at the shifted clock still works: only age matters.
	code = login(t, env, clientID, "https://client.example/cb", "read", challenge, alice)
	env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "client_id": {clientID}, "client_secret": {secret},
		"redirect_uri": {"https://client.example/cb"}, "code_verifier": {verifier}})
}

func TestPasswordGrant(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		env := servertest.Start(t, func(c *config.Config) { c.AllowPasswordGrant = false })
		env.Register(t, "alice")
		clientID, secret, _ := env.App(t)
		r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {clientID},
			"client_secret": {secret}, "username": {"alice"}, "password": {servertest.Passphrase}})
		must(t, r.Status == 400 && r.Map(t)["error"] == "unsupported_grant_type", "password grant: %d %s", r.Status, r.Body)
		meta := env.Must(t, 200, "GET", "/.well-known/oauth-authorization-server", "", nil).Map(t)
		for _, g := range meta["grant_types_supported"].([]any) {
			must(t, g != "password", "metadata advertises the password grant")
		}
	})
	t.Run("on with the flag", func(t *testing.T) {
		env := servertest.Start(t) // servertest turns it on
		env.Register(t, "alice")
		tok := passwordToken(t, env, "alice", "read")
		env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok, nil)
		clientID, secret, _ := env.App(t)
		r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {clientID},
			"client_secret": {secret}, "username": {"alice"}, "password": {"wrong passphrase!!"}})
		must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_grant", "wrong password: %d %s", r.Status, r.Body)
		r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"magic"}, "client_id": {clientID},
			"client_secret": {secret}})
		must(t, r.Status == 400 && r.Map(t)["error"] == "unsupported_grant_type", "unknown grant: %d %s", r.Status, r.Body)
	})
}

func TestRevoke(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	clientID, secret, _ := env.App(t)
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
	// Another app cannot revoke it.
	otherID, otherSecret := app(t, env, "urn:ietf:wg:oauth:2.0:oob", "read")
	r := env.Do(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {otherID}, "client_secret": {otherSecret}, "token": {alice.Token}})
	must(t, r.Status == 403, "foreign revoke: %d %s", r.Status, r.Body)
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)

	env.Must(t, 200, "POST", "/oauth/revoke", "", url.Values{"client_id": {clientID}, "client_secret": {secret}, "token": {alice.Token}})
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil), 401)
	// Revoking again (or an unknown token) is fine (RFC 7009).
	env.Must(t, 200, "POST", "/oauth/revoke", "", url.Values{"client_id": {clientID}, "client_secret": {secret}, "token": {alice.Token}})
	r = env.Do(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {clientID}, "client_secret": {"bad"}, "token": {"x"}})
	must(t, r.Status == 403, "bad client: %d", r.Status)
}

func TestOAuthMetadata(t *testing.T) {
	env := servertest.Start(t)
	m := env.Must(t, 200, "GET", "/.well-known/oauth-authorization-server", "", nil).Map(t)
	must(t, m["authorization_endpoint"] == env.URL+"/oauth/authorize" && m["token_endpoint"] == env.URL+"/oauth/token" &&
		m["revocation_endpoint"] == env.URL+"/oauth/revoke", "endpoints %v", m)
	must(t, len(m["code_challenge_methods_supported"].([]any)) == 1 && m["code_challenge_methods_supported"].([]any)[0] == "S256", "pkce %v", m)
	grants := strings.Join(func() []string {
		var s []string
		for _, g := range m["grant_types_supported"].([]any) {
			s = append(s, g.(string))
		}
		return s
	}(), " ")
	must(t, strings.Contains(grants, "authorization_code") && strings.Contains(grants, "client_credentials"), "grants %s", grants)
}

func TestScopes(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	post := func(tok string) *servertest.Response {
		return env.Do(t, "POST", "/api/v1/statuses", tok, map[string]any{"status": "scoped"})
	}
	follow := func(tok string) *servertest.Response {
		return env.Do(t, "POST", "/api/v1/accounts/"+bob.ID+"/follow", tok, nil)
	}
	home := func(tok string) *servertest.Response { return env.Do(t, "GET", "/api/v1/timelines/home", tok, nil) }

	read := passwordToken(t, env, "alice", "read")
	wantError(t, post(read), 403)
	wantError(t, follow(read), 403)
	wantError(t, env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", read, map[string]any{"note": "x"}), 403)
	env.Must(t, 200, "GET", "/api/v1/timelines/home", read, nil)
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", read, nil)

	writeStatuses := passwordToken(t, env, "alice", "write:statuses")
	must(t, post(writeStatuses).Status == 200, "write:statuses cannot post")
	wantError(t, home(writeStatuses), 403)
	wantError(t, follow(writeStatuses), 403)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/verify_credentials", writeStatuses, nil), 403)

	followTok := passwordToken(t, env, "alice", "follow")
	must(t, follow(followTok).Status == 200, "follow scope cannot follow")
	env.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.ID, followTok, nil) // read:follows
	wantError(t, post(followTok), 403)

	// The profile scope (Mastodon 4.3) reads only the caller's own account.
	pid, psecret := app(t, env, "urn:ietf:wg:oauth:2.0:oob", "profile read")
	profile := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {pid},
		"client_secret": {psecret}, "username": {"alice"}, "password": {servertest.Passphrase}, "scope": {"profile"}}).Map(t)["access_token"].(string)
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", profile, nil)
	wantError(t, home(profile), 403)

	granular := passwordToken(t, env, "alice", "read:statuses write:follows")
	env.Must(t, 200, "GET", "/api/v1/timelines/home", granular, nil)
	must(t, follow(granular).Status == 200, "write:follows cannot follow")
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/verify_credentials", granular, nil), 403)

	// App-only tokens cannot act as a user.
	_, _, appToken := env.App(t)
	for _, r := range []*servertest.Response{post(appToken), follow(appToken), home(appToken),
		env.Do(t, "GET", "/api/v1/accounts/verify_credentials", appToken, nil)} {
		msg := wantError(t, r, 422)
		must(t, strings.Contains(msg, "requires an authenticated user"), "app token message %q", msg)
	}
	// Missing and invalid tokens.
	wantError(t, post(""), 401)
	wantError(t, post("garbage"), 401)
	wantError(t, post(strings.Repeat("x", 600)), 401)
	wantError(t, env.Do(t, "GET", "/api/v1/timelines/public", "garbage", nil), 401) // optional auth still checks a token
	r := env.Do(t, "GET", "/api/v1/accounts/verify_credentials", "", nil, "Authorization", "Basic abc")
	wantError(t, r, 401)
	// The token may also come as access_token in the query.
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials?access_token="+alice.Token, "", nil)
	must(t, !strings.Contains(env.Log.String(), alice.Token), "a token reached the request log")

	// A suspended account's token is refused with 403; unsuspending restores it.
	if err := env.Server.Store.SetSuspended(t.Context(), alice.ID, true); err != nil {
		t.Fatal(err)
	}
	msg := wantError(t, env.Do(t, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil), 403)
	must(t, strings.Contains(msg, "disabled"), "suspended message %q", msg)
	wantError(t, post(alice.Token), 403)
	if err := env.Server.Store.SetSuspended(t.Context(), alice.ID, false); err != nil {
		t.Fatal(err)
	}
	env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
}

func TestTokenRequestEncodings(t *testing.T) {
	env := servertest.Start(t)
	clientID, secret := app(t, env, "urn:ietf:wg:oauth:2.0:oob", "read write")
	// JSON body.
	env.Must(t, 200, "POST", "/oauth/token", "", map[string]any{"grant_type": "client_credentials",
		"client_id": clientID, "client_secret": secret, "scope": "read"})
	// HTTP Basic client authentication (RFC 6749 §2.3.1).
	req, _ := http.NewRequest("POST", env.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials&scope=read"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	must(t, resp.StatusCode == 200, "basic auth: %d", resp.StatusCode)
	// Malformed bodies get an OAuth error.
	r := env.Do(t, "POST", "/oauth/token", "", `{"grant_type":`)
	must(t, r.Status == 400 && r.Map(t)["error"] == "invalid_request", "malformed: %d %s", r.Status, r.Body)
	r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"}})
	must(t, r.Status == 401 && r.Map(t)["error"] == "invalid_client", "no client: %d %s", r.Status, r.Body)
}
