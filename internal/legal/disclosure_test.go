package legal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"publius/internal/legal"
	"publius/internal/servertest"
	"publius/internal/store"
)

// freshAccountFields is exactly what the export holds for an account that
// just signed up through the API: the closing note of issue 5 lists it.
var freshAccountFields = []string{
	"account", "account.id", "account.handle", "account.created_on", "account.display_name", "account.note",
	"account.fields", "account.bot", "account.hide_collections", "account.admin", "account.suspended",
	"account.deleted", "account.passphrase_hash_held", "account.followers_count", "account.following_count",
	"account.statuses_count", "posts", "following", "followers", "follower_history", "follower_history[].day",
	"follower_history[].followers", "tokens", "tokens[].app", "tokens[].scopes", "tokens[].created_on",
	"idempotency_keys", "badges", "not_held",
}

// keys flattens a decoded JSON object into dotted key paths.
func keys(prefix string, v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			*out = append(*out, p)
			if _, isObj := e.(map[string]any); isObj {
				keys(p, e, out)
			}
			if list, isList := e.([]any); isList && len(list) > 0 {
				if m, ok := list[0].(map[string]any); ok {
					keys(p+"[]", m, out)
				}
			}
		}
	}
}

func TestDiscloseFreshAccount(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "freshling")
	x, err := legal.Disclose(context.Background(), env.Server.Store, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(x.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	var got []string
	keys("", m, &got)
	sort.Strings(got)
	want := append([]string(nil), freshAccountFields...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fresh account export fields\n got %v\nwant %v", got, want)
	}
	if x.Account.CreatedOn != time.Now().UTC().Format(time.DateOnly) || x.Account.Handle != "freshling" {
		t.Errorf("account record %+v", x.Account)
	}
	if len(x.Tokens) != 1 || x.Tokens[0].App != "servertest" || x.Tokens[0].CreatedOn != x.Account.CreatedOn {
		t.Errorf("tokens %+v, want the sign-up token of app servertest, dated by day", x.Tokens)
	}
	if want := (legal.FollowerDay{Day: x.Account.CreatedOn, Followers: 0}); len(x.FollowerHistory) != 1 || x.FollowerHistory[0] != want {
		t.Errorf("follower history %+v, want the creation day's 0 alone", x.FollowerHistory)
	}
	text := x.Text()
	for _, s := range []string{"@freshling", "created on (day only):", "Access tokens (1", "Not held by this server", "email address",
		"Follower count by day (1 days", "  " + x.Account.CreatedOn + "  0\n"} {
		if !strings.Contains(text, s) {
			t.Errorf("text export lacks %q:\n%s", s, text)
		}
	}
}

func TestDiscloseActiveAndDeletedAccount(t *testing.T) {
	env := servertest.Start(t)
	a, b := env.Register(t, "talker"), env.Register(t, "listener")
	env.Follow(t, b, a)
	env.Follow(t, a, b)
	env.Must(t, 200, "POST", "/api/v1/statuses", a.Token, map[string]any{"status": "hi @listener #news"},
		"Idempotency-Key", "k-123")
	env.Must(t, 200, "POST", "/api/v1/statuses", a.Token, map[string]any{"status": "friends only", "visibility": "private"})
	gone := env.Post(t, a, "deleted soon")
	env.Must(t, 200, "DELETE", "/api/v1/statuses/"+gone, a.Token, nil)

	x, err := legal.Disclose(context.Background(), env.Server.Store, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Posts) != 2 || x.Posts[0].Visibility != "private" || x.Posts[1].Text != "hi @listener #news" {
		t.Fatalf("posts %+v", x.Posts)
	}
	if !reflect.DeepEqual(x.Posts[1].Mentions, []string{"listener"}) || !reflect.DeepEqual(x.Posts[1].Tags, []string{"news"}) {
		t.Errorf("mentions/tags %+v", x.Posts[1])
	}
	if !reflect.DeepEqual(x.Followers, []string{"listener"}) || !reflect.DeepEqual(x.Following, []string{"listener"}) {
		t.Errorf("follows %v / %v", x.Followers, x.Following)
	}
	if len(x.IdempotencyKeys) != 1 || x.IdempotencyKeys[0].Key != "k-123" {
		t.Errorf("idempotency keys %+v", x.IdempotencyKeys)
	}
	if h := x.FollowerHistory; len(h) == 0 || h[len(h)-1].Followers != 1 || len(h[len(h)-1].Day) != len(time.DateOnly) {
		t.Errorf("follower history %+v, want to end with today's 1", h)
	}
	env.Must(t, 200, "POST", "/api/v1/publius/account/delete", a.Token, map[string]any{"passphrase": servertest.Passphrase})
	x, err = legal.Disclose(context.Background(), env.Server.Store, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Account.Deleted || len(x.Posts)+len(x.Followers)+len(x.FollowerHistory)+len(x.Tokens)+len(x.IdempotencyKeys) != 0 || x.Account.PassphraseHashHeld {
		t.Errorf("deleted account export should be a bare tombstone: %s", x.JSON())
	}
	// The tombstone's export skips the history because none is held.
	if h, err := env.Server.Store.FollowerHistory(context.Background(), a.ID, time.Time{}, time.Now().AddDate(1, 0, 0)); err != nil || len(h) != 0 {
		t.Errorf("deleted account's follower history is still held: %v, %v", h, err)
	}
}

func TestDiscloseBadges(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "badged")
	ctx := context.Background()
	g := &store.Group{Slug: "uscis-employees", Name: "USCIS employees"}
	if err := env.Server.Store.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	b := &store.Badge{GroupID: g.ID, Nullifier: bytes.Repeat([]byte{0x1f}, 32), AccountID: u.ID,
		Root: make([]byte, 32), CreatedOn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	if err := env.Server.Store.CreateBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	x, err := legal.Disclose(ctx, env.Server.Store, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Badges) != 1 || x.Badges[0].Group != "uscis-employees" || x.Badges[0].GroupName != "USCIS employees" ||
		len(x.Badges[0].BoundOn) != len(time.DateOnly) || x.Badges[0].Nullifier != strings.Repeat("1f", 32) {
		t.Errorf("badges %+v", x.Badges)
	}
	if !strings.Contains(x.Summary(), "1 verified badges") {
		t.Errorf("summary %q", x.Summary())
	}
}

func TestDisclosureAPI(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "asker")
	_, _, appToken := env.App(t)
	env.Must(t, 401, "GET", "/api/v1/publius/me/disclosure", "", nil)
	env.Must(t, 422, "GET", "/api/v1/publius/me/disclosure", appToken, nil)
	env.Must(t, 400, "GET", "/api/v1/publius/me/disclosure?format=xml", u.Token, nil)
	m := env.Must(t, 200, "GET", "/api/v1/publius/me/disclosure", u.Token, nil).Map(t)
	if m["account"].(map[string]any)["handle"] != "asker" {
		t.Errorf("export %v", m)
	}
	r := env.Must(t, 200, "GET", "/api/v1/publius/me/disclosure?format=text", u.Token, nil)
	if !strings.HasPrefix(string(r.Body), "Disclosure export for @asker") {
		t.Errorf("text export %s", r.Body)
	}
	// A token without read:accounts is refused.
	clientID, secret, _ := env.App(t)
	tok := env.Must(t, 200, "POST", "/oauth/token", "", map[string]any{"grant_type": "password", "client_id": clientID,
		"client_secret": secret, "username": "asker", "password": servertest.Passphrase, "scope": "write"}).Map(t)
	env.Must(t, 403, "GET", "/api/v1/publius/me/disclosure", tok["access_token"].(string), nil)
}
