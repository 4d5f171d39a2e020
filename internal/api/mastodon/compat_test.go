package mastodon_test

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"publius/internal/servertest"
)

// scopedToken issues u a token with exactly scopes, straight from the
// account service (no passphrase hashing per token).
func scopedToken(t testing.TB, env *servertest.Env, u servertest.User, scopes ...string) string {
	t.Helper()
	ctx := context.Background()
	clientID, _, _ := env.App(t)
	a, err := env.Server.Store.AppByClientID(ctx, clientID)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := env.Server.Accounts.IssueToken(ctx, a.ID, u.ID, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestEmptyCollections(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	_, _, appToken := env.App(t)
	tokens := map[string]string{}
	token := func(scopes ...string) string {
		key := strings.Join(scopes, " ")
		if tokens[key] == "" {
			tokens[key] = scopedToken(t, env, alice, scopes...)
		}
		return tokens[key]
	}
	// Scopes as Mastodon's documentation and controllers give them; other
	// is a read scope the endpoint does not accept.
	for _, c := range []struct {
		path, scope, other string
	}{
		{"/api/v1/blocks", "read:blocks", "read:mutes"},
		{"/api/v1/mutes", "read:mutes", "read:blocks"},
		{"/api/v1/domain_blocks", "read:blocks", "read:mutes"},
		{"/api/v1/follow_requests", "read:follows", "read:accounts"},
		{"/api/v1/favourites", "read:favourites", "read:bookmarks"},
		{"/api/v1/bookmarks", "read:bookmarks", "read:favourites"},
		{"/api/v1/lists", "read:lists", "read:accounts"},
		{"/api/v1/filters", "read:filters", "read:statuses"},
		{"/api/v2/filters", "read:filters", "read:statuses"},
		{"/api/v1/followed_tags", "read:follows", "read:statuses"},
		{"/api/v1/conversations", "read:statuses", "read:notifications"},
		{"/api/v1/scheduled_statuses", "read:statuses", "read:accounts"},
		{"/api/v1/endorsements", "read:accounts", "read:follows"},
		{"/api/v2/suggestions", "read", "read:accounts"},
		{"/api/v1/announcements", "", ""},
	} {
		t.Run(strings.TrimPrefix(c.path, "/api/"), func(t *testing.T) {
			for _, tok := range []string{alice.Token, token("read")} {
				r := env.Must(t, 200, "GET", c.path, tok, nil)
				must(t, strings.TrimSpace(string(r.Body)) == "[]", "body %s, want []", r.Body)
				must(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"), "content type %q", r.Header.Get("Content-Type"))
			}
			if c.scope != "" {
				env.Must(t, 200, "GET", c.path, token(c.scope), nil)
				wantError(t, env.Do(t, "GET", c.path, token(c.other), nil), 403)
				wantError(t, env.Do(t, "GET", c.path, token("write"), nil), 403)
			} else {
				env.Must(t, 200, "GET", c.path, token("write"), nil)
			}
			wantError(t, env.Do(t, "GET", c.path, "", nil), 401)
			wantError(t, env.Do(t, "GET", c.path, "not-a-token", nil), 401)
			// A user's list: an app token has no user to answer for.
			wantError(t, env.Do(t, "GET", c.path, appToken, nil), 422)
		})
	}
	// The legacy follow scope covers blocks, mutes and follow requests.
	for _, p := range []string{"/api/v1/blocks", "/api/v1/mutes", "/api/v1/domain_blocks", "/api/v1/follow_requests"} {
		env.Must(t, 200, "GET", p, token("follow"), nil)
	}
	// Trends are public on Mastodon.
	for _, p := range []string{"/api/v1/trends", "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"} {
		for _, tok := range []string{"", alice.Token, appToken} {
			r := env.Must(t, 200, "GET", p+"?limit=5", tok, nil)
			must(t, strings.TrimSpace(string(r.Body)) == "[]", "%s: body %s, want []", p, r.Body)
		}
	}
}

func TestPreferences(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	_, _, appToken := env.App(t)
	want := map[string]any{
		"posting:default:visibility": "public",
		"posting:default:sensitive":  false,
		"posting:default:language":   nil,
		"reading:expand:media":       "default",
		"reading:expand:spoilers":    false,
	}
	for _, tok := range []string{alice.Token, scopedToken(t, env, alice, "read:accounts")} {
		got := env.Must(t, 200, "GET", "/api/v1/preferences", tok, nil).Map(t)
		must(t, reflect.DeepEqual(got, want), "preferences %v, want %v", got, want)
	}
	// The default visibility is what a post without one gets.
	st := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hi"}).Map(t)
	must(t, st["visibility"] == want["posting:default:visibility"], "a post's default visibility is %v", st["visibility"])
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
	src := me["source"].(map[string]any)
	must(t, src["privacy"] == want["posting:default:visibility"] && src["sensitive"] == want["posting:default:sensitive"],
		"preferences disagree with source %v", src)

	wantError(t, env.Do(t, "GET", "/api/v1/preferences", scopedToken(t, env, alice, "read:statuses"), nil), 403)
	wantError(t, env.Do(t, "GET", "/api/v1/preferences", scopedToken(t, env, alice, "write:accounts"), nil), 403)
	wantError(t, env.Do(t, "GET", "/api/v1/preferences", "", nil), 401)
	wantError(t, env.Do(t, "GET", "/api/v1/preferences", appToken, nil), 422)
}

func TestMarkers(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	st := env.Post(t, alice, "read me")
	_, _, appToken := env.App(t)
	readOnly := scopedToken(t, env, alice, "read:statuses")
	writeOnly := scopedToken(t, env, alice, "write:statuses")

	for _, q := range []string{"", "?timeline[]=home", "?timeline[]=home&timeline[]=notifications"} {
		for _, tok := range []string{alice.Token, readOnly} {
			r := env.Must(t, 200, "GET", "/api/v1/markers"+q, tok, nil)
			must(t, strings.TrimSpace(string(r.Body)) == "{}", "markers%s: %s, want {}", q, r.Body)
		}
	}
	for _, body := range []any{
		url.Values{"home[last_read_id]": {st}},
		map[string]any{"home": map[string]any{"last_read_id": st}, "notifications": map[string]any{"last_read_id": "1"}},
		nil,
	} {
		for _, tok := range []string{alice.Token, writeOnly} {
			msg := wantError(t, env.Do(t, "POST", "/api/v1/markers", tok, body), 422)
			must(t, strings.Contains(msg, "read positions") && strings.Contains(msg, "not kept"), "POST markers message %q", msg)
		}
	}
	// Nothing was kept.
	r := env.Must(t, 200, "GET", "/api/v1/markers?timeline[]=home", alice.Token, nil)
	must(t, strings.TrimSpace(string(r.Body)) == "{}", "after POST: %s", r.Body)

	wantError(t, env.Do(t, "GET", "/api/v1/markers", writeOnly, nil), 403)
	wantError(t, env.Do(t, "POST", "/api/v1/markers", readOnly, url.Values{"home[last_read_id]": {st}}), 403)
	wantError(t, env.Do(t, "GET", "/api/v1/markers", "", nil), 401)
	wantError(t, env.Do(t, "POST", "/api/v1/markers", "", url.Values{"home[last_read_id]": {st}}), 401)
	wantError(t, env.Do(t, "GET", "/api/v1/markers", appToken, nil), 422)
}
