package mastodon_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"publius/internal/config"
	"publius/internal/servertest"
)

// searchFixture is a server with accounts and hashtags to find:
// handles alice, alicia and albert; bob whose display name mentions
// Alice; carol (display name "Ali Carol", suspended); alina (deleted).
type searchFixture struct {
	env                        *servertest.Env
	alice, alicia, albert, bob servertest.User
	host                       string
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	env := servertest.Start(t)
	f := &searchFixture{env: env, host: strings.TrimPrefix(env.URL, "http://")}
	f.alice, f.alicia, f.albert, f.bob = env.Register(t, "alice"), env.Register(t, "alicia"), env.Register(t, "albert"), env.Register(t, "bob")
	carol, alina := env.Register(t, "carol"), env.Register(t, "alina")
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", f.bob.Token, map[string]any{"display_name": "Alice's friend"})
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, map[string]any{"display_name": "Ali Carol"})

	env.Post(t, f.alice, "hello #Golang and #gopher, says alice")
	env.Post(t, f.bob, "#GoLang again")
	env.Must(t, 200, "POST", "/api/v1/statuses", f.alice.Token, map[string]any{"status": "#gossip", "visibility": "private"})
	env.Must(t, 200, "POST", "/api/v1/statuses", f.alice.Token, map[string]any{"status": "#goblin", "visibility": "unlisted"})
	env.Post(t, carol, "#goat")
	env.Post(t, alina, "#gone")

	ctx := context.Background()
	if err := env.Server.Store.SetSuspended(ctx, carol.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := env.Server.Store.DeleteAccount(ctx, alina.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// search runs GET /api/v2/search?query as token and returns the decoded entity.
func (f *searchFixture) search(t *testing.T, token, query string) map[string]any {
	t.Helper()
	m := f.env.Must(t, 200, "GET", "/api/v2/search?"+query, token, nil).Map(t)
	for _, k := range []string{"accounts", "statuses", "hashtags"} {
		if _, ok := m[k].([]any); !ok {
			t.Fatalf("search?%s: %q is %v, want an array", query, k, m[k])
		}
	}
	return m
}

// usernames lists the username of each account in a search result (or a
// plain array of accounts).
func usernames(v any) []string {
	out := []string{}
	for _, a := range v.([]any) {
		out = append(out, a.(map[string]any)["username"].(string))
	}
	return out
}

func tagNames(m map[string]any) []string {
	out := []string{}
	for _, h := range m["hashtags"].([]any) {
		out = append(out, h.(map[string]any)["name"].(string))
	}
	return out
}

func q(v string, more ...string) string {
	vals := url.Values{"q": {v}}
	for i := 0; i+1 < len(more); i += 2 {
		vals.Set(more[i], more[i+1])
	}
	return vals.Encode()
}

func TestSearchAccounts(t *testing.T) {
	f := newSearchFixture(t)
	tok := f.alice.Token
	for _, c := range []struct {
		query string
		want  []string
	}{
		// Handle prefix matches first, then display-name prefix matches;
		// carol (suspended) and alina (deleted) never.
		{"ali", []string{"alice", "alicia", "bob"}},
		{"ALI", []string{"alice", "alicia", "bob"}},
		{"@Ali", []string{"alice", "alicia", "bob"}},
		{"al", []string{"albert", "alice", "alicia", "bob"}},
		{"alice", []string{"alice", "bob"}},
		{"@alice@" + f.host, []string{"alice", "bob"}},
		{"alice@" + strings.ToUpper(f.host), []string{"alice", "bob"}},
		{"@alice@", []string{"alice", "bob"}},
		{"alice@other.example", []string{}},
		{"alice's f", []string{"bob"}},
		{"friend", []string{}}, // inside the display name, not at its start
		{"carol", []string{}},
		{"alina", []string{}},
		{"lice", []string{}},
		{"a%", []string{}},
		{"a_", []string{}},
		{"#ali", []string{}},
	} {
		got := usernames(f.search(t, tok, q(c.query))["accounts"])
		must(t, slices.Equal(got, c.want), "accounts for %q: %v, want %v", c.query, got, c.want)
	}
	// Accounts are full Account entities.
	a := f.search(t, tok, q("alice", "type", "accounts"))["accounts"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "username", "acct", "url", "display_name", "note", "avatar", "followers_count", "created_at"} {
		_, ok := a[k]
		must(t, ok, "account lacks %q: %v", k, a)
	}
	must(t, a["id"] == f.alice.ID && a["acct"] == "alice", "account %v", a)
	// Statuses are never found, though one says "alice".
	must(t, len(f.search(t, tok, q("alice"))["statuses"].([]any)) == 0, "statuses found")
	must(t, len(f.search(t, tok, q("alice", "type", "statuses"))["statuses"].([]any)) == 0, "statuses found")
}

func TestSearchHashtags(t *testing.T) {
	f := newSearchFixture(t)
	for _, c := range []struct {
		query string
		want  []string
	}{
		// Only tags on public posts of live accounts: not gossip (private),
		// goblin (unlisted), goat (suspended author) or gone (deleted).
		{"#go", []string{"golang", "gopher"}},
		{"go", []string{"golang", "gopher"}},
		{"#GO", []string{"golang", "gopher"}},
		{"#gol", []string{"golang"}},
		{"#golang", []string{"golang"}},
		{"#golangs", []string{}},
		{"lang", []string{}},
		{"@go", []string{}},
		{"go%", []string{}},
		{"#", []string{}},
	} {
		got := tagNames(f.search(t, f.alice.Token, q(c.query)))
		must(t, slices.Equal(got, c.want), "hashtags for %q: %v, want %v", c.query, got, c.want)
	}
	tags := f.search(t, f.alice.Token, q("#golang"))["hashtags"].([]any)
	tag := tags[0].(map[string]any)
	must(t, tag["url"] == f.env.URL+"/tags/golang", "url %v", tag["url"])
	h, ok := tag["history"].([]any)
	must(t, ok && len(h) == 0, "history %v", tag["history"])
	must(t, tag["following"] == false, "following %v", tag["following"])
	// Anonymous: the same tags, without following.
	anon := f.search(t, "", q("#golang"))["hashtags"].([]any)[0].(map[string]any)
	_, ok = anon["following"]
	must(t, !ok && anon["name"] == "golang", "anonymous tag %v", anon)
}

func TestSearchTypeLimitOffset(t *testing.T) {
	f := newSearchFixture(t)
	env, tok := f.env, f.alice.Token
	quickUsers(t, env, "go", 45) // go0 … go44, whose handles also match "go"

	both := f.search(t, tok, q("go"))
	must(t, len(both["accounts"].([]any)) == 20 && len(tagNames(both)) == 2, "default: %d accounts, tags %v", len(both["accounts"].([]any)), tagNames(both))
	accts := f.search(t, tok, q("go", "type", "accounts"))
	must(t, len(accts["accounts"].([]any)) == 20 && len(tagNames(accts)) == 0, "type=accounts: %v", tagNames(accts))
	tags := f.search(t, tok, q("go", "type", "hashtags"))
	must(t, len(tags["accounts"].([]any)) == 0 && len(tagNames(tags)) == 2, "type=hashtags: %d accounts", len(tags["accounts"].([]any)))
	for _, kind := range []string{"statuses", "bogus"} {
		m := f.search(t, tok, q("go", "type", kind))
		must(t, len(m["accounts"].([]any)) == 0 && len(m["hashtags"].([]any)) == 0 && len(m["statuses"].([]any)) == 0,
			"type=%s: %v", kind, m)
	}

	count := func(limit string) int {
		return len(f.search(t, tok, q("go", "type", "accounts", "limit", limit))["accounts"].([]any))
	}
	for limit, want := range map[string]int{"5": 5, "40": 40, "41": 40, "1000": 40, "0": 1, "-3": 1,
		"abc": 20, "": 20, "99999999999999999999": 40, "-99999999999999999999": 1} {
		must(t, count(limit) == want, "limit=%q: %d accounts, want %d", limit, count(limit), want)
	}
	must(t, len(tagNames(f.search(t, tok, q("go", "limit", "1")))) == 1, "limit applies to hashtags")

	// Offset pages through the same order as one long page.
	all := usernames(anyList(t, env.Must(t, 200, "GET", "/api/v1/accounts/search?"+q("go", "limit", "80"), tok, nil)))
	must(t, len(all) == 45, "%d accounts match go, want 45", len(all))
	for _, off := range []int{0, 5, 38, 43} {
		page := usernames(f.search(t, tok, q("go", "type", "accounts", "limit", "5", "offset", fmt.Sprint(off)))["accounts"])
		want := all[off:min(off+5, len(all))]
		must(t, slices.Equal(page, want), "offset %d: %v, want %v", off, page, want)
	}
	must(t, slices.Equal(tagNames(f.search(t, tok, q("go", "type", "hashtags", "offset", "1"))), []string{"gopher"}), "hashtag offset")
	for off, want := range map[string]int{"45": 0, "1000": 0, "99999999999999999999": 0, "-1": 20, "abc": 20} {
		m := f.search(t, tok, q("go", "type", "accounts", "offset", off))
		must(t, len(m["accounts"].([]any)) == want, "offset=%q: %d accounts, want %d", off, len(m["accounts"].([]any)), want)
	}
}

func TestSearchAuth(t *testing.T) {
	f := newSearchFixture(t)
	env := f.env
	_, _, appToken := env.App(t)

	// Anyone may search accounts and hashtags.
	anon := f.search(t, "", q("ali"))
	must(t, slices.Equal(usernames(anon["accounts"]), []string{"alice", "alicia", "bob"}), "anonymous accounts %v", usernames(anon["accounts"]))
	must(t, slices.Equal(tagNames(f.search(t, "", q("#go"))), []string{"golang", "gopher"}), "anonymous hashtags")
	f.search(t, appToken, q("ali"))
	f.search(t, scopedToken(t, env, f.alice, "read:search"), q("ali"))
	f.search(t, scopedToken(t, env, f.alice, "read"), q("ali"))
	// As on Mastodon, paging and resolving need a user.
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali", "offset", "1"), "", nil), 401)
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali", "resolve", "true"), "", nil), 401)
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali", "resolve", "true"), appToken, nil), 401)
	f.search(t, "", q("ali", "resolve", "false"))
	f.search(t, f.alice.Token, q("ali", "resolve", "true", "offset", "1"))
	// A token must be valid and carry read:search.
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali"), scopedToken(t, env, f.alice, "read:accounts"), nil), 403)
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali"), scopedToken(t, env, f.alice, "write"), nil), 403)
	wantError(t, env.Do(t, "GET", "/api/v2/search?"+q("ali"), "not-a-token", nil), 401)
	// q is required.
	for _, query := range []string{"", "q=", "q=%20%20", "type=accounts"} {
		wantError(t, env.Do(t, "GET", "/api/v2/search?"+query, f.alice.Token, nil), 400)
	}
}

func TestAccountsSearchV1(t *testing.T) {
	f := newSearchFixture(t)
	env := f.env
	_, _, appToken := env.App(t)
	get := func(token, query string) []string {
		t.Helper()
		return usernames(anyList(t, env.Must(t, 200, "GET", "/api/v1/accounts/search?"+query, token, nil)))
	}
	for _, tok := range []string{f.alice.Token, scopedToken(t, env, f.alice, "read:accounts")} {
		got := get(tok, q("ALI"))
		must(t, slices.Equal(got, []string{"alice", "alicia", "bob"}), "accounts/search: %v", got)
	}
	must(t, slices.Equal(get(f.alice.Token, q("@alice@"+f.host)), []string{"alice", "bob"}), "with host")
	must(t, len(get(f.alice.Token, q("carol"))) == 0, "suspended found")
	must(t, len(get(f.alice.Token, q("alina"))) == 0, "deleted found")
	must(t, len(get(f.alice.Token, "")) == 0, "no q found something")
	must(t, len(get(f.alice.Token, q(""))) == 0, "empty q found something")

	quickUsers(t, env, "zed", 90)
	for limit, want := range map[string]int{"": 40, "2": 2, "80": 80, "81": 80, "1000": 80, "0": 1, "x": 40} {
		got := len(get(f.alice.Token, q("zed", "limit", limit)))
		must(t, got == want, "limit=%q: %d accounts, want %d", limit, got, want)
	}
	first := get(f.alice.Token, q("zed", "limit", "10"))
	page := get(f.alice.Token, q("zed", "limit", "5", "offset", "5"))
	must(t, slices.Equal(page, first[5:]), "offset page %v, want %v", page, first[5:])

	wantError(t, env.Do(t, "GET", "/api/v1/accounts/search?"+q("ali"), "", nil), 401)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/search?"+q("ali"), scopedToken(t, env, f.alice, "read:statuses"), nil), 403)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/search?"+q("ali"), appToken, nil), 422)
}

// anyList decodes a JSON array.
func anyList(t *testing.T, r *servertest.Response) []any {
	t.Helper()
	var out []any
	r.JSON(t, &out)
	return out
}

func TestSearchHostAnyCase(t *testing.T) {
	env := servertest.Start(t, func(c *config.Config) { c.PublicURL = "https://pub.example" })
	alice := env.Register(t, "alice")
	for query, want := range map[string][]string{
		"alice@pub.example":      {"alice"},
		"@Alice@PUB.Example":     {"alice"},
		"alice@pub.ex":           {"alice"}, // the host is being typed
		"alice@pub.example.evil": {},
		"alice@example":          {},
	} {
		got := usernames(env.Must(t, 200, "GET", "/api/v2/search?"+q(query), alice.Token, nil).Map(t)["accounts"])
		must(t, slices.Equal(got, want), "accounts for %q: %v, want %v", query, got, want)
	}
}
