package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"publius/internal/config"
	"publius/internal/servertest"
)

func TestSignUp(t *testing.T) {
	env := servertest.Start(t)
	_, _, appToken := env.App(t)
	const email = "whistle.blower.7731@mail.example"
	r := env.Must(t, 200, "POST", "/api/v1/accounts", appToken, map[string]any{
		"username": "Alice", "password": servertest.Passphrase, "email": email, "agreement": true, "locale": "en"})
	tok := r.Map(t)
	must(t, tok["token_type"] == "Bearer" && tok["access_token"] != "", "token %v", tok)
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok["access_token"].(string), nil).Map(t)
	must(t, me["username"] == "alice" && me["acct"] == "alice", "uppercase not normalized: %v", me["username"])
	must(t, strings.HasSuffix(me["created_at"].(string), "T00:00:00.000Z"), "created_at finer than a day: %v", me["created_at"])

	// The email never reaches the data directory or the log.
	if err := env.Server.Store.Scrub(context.Background()); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(env.DataDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(email)) || bytes.Contains(b, []byte("whistle.blower")) {
			t.Errorf("email found in %s", p)
		}
		return nil
	})
	must(t, !strings.Contains(env.Log.String(), "whistle.blower"), "email in the log")

	// Form encoding works too.
	env.Must(t, 200, "POST", "/api/v1/accounts", appToken, url.Values{
		"username": {"bob"}, "password": {servertest.Passphrase}, "agreement": {"true"}, "locale": {"en"}})

	for _, c := range []struct {
		name string
		body map[string]any
	}{
		{"dash", map[string]any{"username": "a-b"}},
		{"31 chars", map[string]any{"username": strings.Repeat("a", 31)}},
		{"empty", map[string]any{"username": ""}},
		{"space", map[string]any{"username": "a b"}},
		{"unicode", map[string]any{"username": "ålice"}},
		{"short passphrase", map[string]any{"username": "carol", "password": "eleven char"}},
		{"long passphrase", map[string]any{"username": "carol", "password": strings.Repeat("x", 1025)}},
		{"taken", map[string]any{"username": "alice"}},
		{"taken other case", map[string]any{"username": "ALICE"}},
		{"reserved", map[string]any{"username": "admin"}},
		{"reserved legal", map[string]any{"username": "legal"}},
		{"no agreement", map[string]any{"username": "dave", "agreement": false}},
	} {
		body := map[string]any{"password": servertest.Passphrase, "agreement": true, "locale": "en"}
		for k, v := range c.body {
			body[k] = v
		}
		r := env.Do(t, "POST", "/api/v1/accounts", appToken, body)
		if r.Status != 422 {
			t.Errorf("%s: status %d, want 422: %s", c.name, r.Status, r.Body)
		}
	}
	// 30 characters is fine.
	env.Must(t, 200, "POST", "/api/v1/accounts", appToken, map[string]any{
		"username": strings.Repeat("z", 30), "password": servertest.Passphrase, "agreement": true})
	// Sign-up needs an app token.
	wantError(t, env.Do(t, "POST", "/api/v1/accounts", "", map[string]any{"username": "eve"}), 401)

	// The user token has the app token's scopes.
	clientID, secret, _ := env.App(t)
	readOnlyApp := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {clientID}, "client_secret": {secret}, "scope": {"read write:accounts"}}).Map(t)["access_token"].(string)
	tok = env.Must(t, 200, "POST", "/api/v1/accounts", readOnlyApp, map[string]any{
		"username": "frank", "password": servertest.Passphrase, "agreement": true}).Map(t)
	must(t, tok["scope"] == "read write:accounts", "user token scope %v, want the app token's", tok["scope"])
}

func TestVerifyAndUpdateCredentials(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
	for _, k := range []string{"id", "username", "acct", "url", "uri", "display_name", "note", "avatar", "avatar_static",
		"header", "header_static", "locked", "fields", "emojis", "bot", "group", "discoverable", "created_at",
		"last_status_at", "statuses_count", "followers_count", "following_count", "source", "role"} {
		if _, ok := me[k]; !ok {
			t.Errorf("account lacks %q", k)
		}
	}
	src := me["source"].(map[string]any)
	for _, k := range []string{"note", "fields", "privacy", "sensitive", "language", "follow_requests_count"} {
		if _, ok := src[k]; !ok {
			t.Errorf("source lacks %q", k)
		}
	}
	// The default avatar is served.
	avatar := strings.TrimPrefix(me["avatar"].(string), env.URL)
	r := env.Must(t, 200, "GET", avatar, "", nil)
	must(t, r.Header.Get("Content-Type") == "image/png", "avatar type %q", r.Header.Get("Content-Type"))

	// JSON update.
	up := env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{
		"display_name": "Alice <b>", "note": "line one\n\n<script>x</script>", "hide_collections": true,
		"fields_attributes": []map[string]string{{"name": "site", "value": "https://alice.example"}}}).Map(t)
	must(t, up["display_name"] == "Alice <b>", "display_name %v", up["display_name"])
	must(t, !strings.Contains(up["note"].(string), "<script>") && strings.Contains(up["note"].(string), "&lt;script&gt;"), "note %v", up["note"])
	must(t, up["hide_collections"] == true, "hide_collections %v", up["hide_collections"])
	fields := up["fields"].([]any)
	must(t, len(fields) == 1 && strings.Contains(fields[0].(map[string]any)["value"].(string), `href="https://alice.example"`), "fields %v", fields)
	must(t, up["source"].(map[string]any)["note"] == "line one\n\n<script>x</script>", "source note %v", up["source"])

	// Form update with Mastodon's bracket syntax; untouched values stay.
	up = env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{
		"fields_attributes[0][name]": {"pgp"}, "fields_attributes[0][value]": {"ABCD"},
		"fields_attributes[1][name]": {"pronouns"}, "fields_attributes[1][value]": {"she/her"},
		"hide_collections": {"false"}}).Map(t)
	fields = up["fields"].([]any)
	must(t, len(fields) == 2 && fields[0].(map[string]any)["name"] == "pgp" && fields[1].(map[string]any)["value"] == "she/her", "form fields %v", fields)
	must(t, up["display_name"] == "Alice <b>" && up["hide_collections"] == false, "form update %v", up)

	for name, body := range map[string]any{
		"long display name": map[string]any{"display_name": strings.Repeat("é", 31)},
		"long note":         map[string]any{"note": strings.Repeat("n", 501)},
		"five fields": map[string]any{"fields_attributes": []map[string]string{{"name": "1", "value": "1"},
			{"name": "2", "value": "2"}, {"name": "3", "value": "3"}, {"name": "4", "value": "4"}, {"name": "5", "value": "5"}}},
		"long field": map[string]any{"fields_attributes": []map[string]string{{"name": "x", "value": strings.Repeat("v", 256)}}},
	} {
		r := env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, body)
		if r.Status != 422 {
			t.Errorf("%s: status %d, want 422: %s", name, r.Status, r.Body)
		}
	}
	// Exactly at the limits is fine.
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{
		"display_name": strings.Repeat("é", 30), "note": strings.Repeat("n", 500)})
	wantError(t, env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"display_name": 5}), 400)
	wantError(t, env.Do(t, "PATCH", "/api/v1/accounts/update_credentials", "", map[string]any{}), 401)
}

func TestShowAndLookup(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	a := account(t, env, alice.ID, "")
	must(t, a["username"] == "alice" && a["source"] == nil && a["role"] == nil, "show %v", a)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/999999999999999999", "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/not-an-id", "", nil), 404)

	host := strings.TrimPrefix(env.URL, "http://")
	for _, acct := range []string{"alice", "@alice", "ALICE", "alice@" + host, "@alice@" + host} {
		m := env.Must(t, 200, "GET", "/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), "", nil).Map(t)
		must(t, m["id"] == alice.ID, "lookup %q: %v", acct, m["id"])
	}
	for _, acct := range []string{"bob", "alice@other.example", "", "a-b", "@"} {
		wantError(t, env.Do(t, "GET", "/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), "", nil), 404)
	}
}

func TestFollowsAndCollections(t *testing.T) {
	env := servertest.Start(t)
	alice, bob, carol := env.Register(t, "alice"), env.Register(t, "bob"), env.Register(t, "carol")
	path := func(u servertest.User, what string) string { return "/api/v1/accounts/" + u.ID + "/" + what }

	// Idempotent follow and unfollow with exact counts.
	for i := 0; i < 3; i++ {
		rel := env.Must(t, 200, "POST", path(bob, "follow"), alice.Token, nil).Map(t)
		must(t, rel["following"] == true && rel["id"] == bob.ID, "follow rel %v", rel)
	}
	env.Follow(t, carol, bob)
	env.Follow(t, bob, alice)
	must(t, num(account(t, env, bob.ID, "")["followers_count"]) == 2, "bob followers")
	must(t, num(account(t, env, alice.ID, "")["following_count"]) == 1, "alice following")
	wantError(t, env.Do(t, "POST", path(alice, "follow"), alice.Token, nil), 422) // self
	wantError(t, env.Do(t, "POST", "/api/v1/accounts/123/follow", alice.Token, nil), 404)

	// Relationships with repeated id[].
	rels := list(t, env.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.ID+"&id[]="+carol.ID+"&id[]="+bob.ID+"&id[]=nope", alice.Token, nil))
	must(t, len(rels) == 2 && rels[0]["id"] == bob.ID && rels[1]["id"] == carol.ID, "relationships %v", rels)
	must(t, rels[0]["following"] == true && rels[0]["followed_by"] == true && rels[1]["following"] == false, "relationships %v", rels)
	for _, k := range []string{"id", "following", "showing_reblogs", "notifying", "languages", "followed_by", "blocking",
		"blocked_by", "muting", "muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed", "note"} {
		if _, ok := rels[0][k]; !ok {
			t.Errorf("relationship lacks %q", k)
		}
	}
	one := list(t, env.Must(t, 200, "GET", "/api/v1/accounts/relationships?id="+bob.ID, alice.Token, nil))
	must(t, len(one) == 1, "single id %v", one)

	// Lists.
	followers := ids(list(t, env.Must(t, 200, "GET", path(bob, "followers"), "", nil)))
	must(t, fmt.Sprint(followers) == fmt.Sprint([]string{carol.ID, alice.ID}), "followers %v (newest first)", followers)
	following := ids(list(t, env.Must(t, 200, "GET", path(alice, "following"), "", nil)))
	must(t, fmt.Sprint(following) == fmt.Sprint([]string{bob.ID}), "following %v", following)
	page := env.Must(t, 200, "GET", path(bob, "followers")+"?limit=1", "", nil)
	must(t, len(list(t, page)) == 1 && page.Header.Get("Link") != "", "followers page %s", page.Header.Get("Link"))
	next := links(t, env, page.Header.Get("Link"))["next"]
	rest := ids(list(t, env.Must(t, 200, "GET", next, "", nil)))
	must(t, fmt.Sprint(rest) == fmt.Sprint([]string{alice.ID}), "followers next page %v", rest)

	// hide_collections hides lists from others but not from the owner.
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, map[string]any{"hide_collections": true})
	must(t, len(list(t, env.Must(t, 200, "GET", path(bob, "followers"), alice.Token, nil))) == 0, "hidden followers shown")
	must(t, len(list(t, env.Must(t, 200, "GET", path(bob, "following"), "", nil))) == 0, "hidden following shown")
	must(t, len(list(t, env.Must(t, 200, "GET", path(bob, "followers"), bob.Token, nil))) == 2, "owner cannot see own followers")

	// Unfollow twice; counts drop once.
	for i := 0; i < 2; i++ {
		rel := env.Must(t, 200, "POST", path(bob, "unfollow"), alice.Token, nil).Map(t)
		must(t, rel["following"] == false, "unfollow rel %v", rel)
	}
	must(t, num(account(t, env, bob.ID, "")["followers_count"]) == 1, "bob followers after unfollow")
	must(t, num(account(t, env, alice.ID, "")["following_count"]) == 0, "alice following after unfollow")
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/123/followers", "", nil), 404)
}

func TestConcurrentFollowsKeepCountsExact(t *testing.T) {
	env := servertest.Start(t)
	star := env.Register(t, "star")
	fans := quickUsers(t, env, "fan", 20)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, f := range fans {
		for range 2 { // each fan follows twice at once: still one follow
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, body, err := rawDo(env, "POST", "/api/v1/accounts/"+star.ID+"/follow", f.Token)
				if err == nil && status != 200 {
					err = fmt.Errorf("status %d: %s", status, body)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	a := account(t, env, star.ID, "")
	must(t, num(a["followers_count"]) == 20, "followers_count %v, want 20", a["followers_count"])
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+star.ID+"/followers?limit=80", "", nil))) == 20, "followers list")

	// And concurrent unfollows bring it back to exactly 0.
	for _, f := range fans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rawDo(env, "POST", "/api/v1/accounts/"+star.ID+"/unfollow", f.Token)
		}()
	}
	wg.Wait()
	must(t, num(account(t, env, star.ID, "")["followers_count"]) == 0, "followers_count after unfollows")
	for _, f := range fans[:3] {
		must(t, num(account(t, env, f.ID, "")["following_count"]) == 0, "fan following_count")
	}
}

func TestSelfDeletion(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	env.Follow(t, alice, bob)
	env.Follow(t, bob, alice)
	const secret = "a very distinctive sentence about the agency"
	post := env.Post(t, alice, secret)
	bobPost := env.Post(t, bob, "hello")
	reply := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "reply", "in_reply_to_id": bobPost}).Map(t)["id"].(string)
	otherToken := passwordToken(t, env, "alice", "read")

	wantError(t, env.Do(t, "POST", "/api/v1/publius/account/delete", alice.Token, map[string]any{"passphrase": "wrong passphrase"}), 403)
	env.Must(t, 200, "POST", "/api/v1/publius/account/delete", alice.Token, map[string]any{"passphrase": servertest.Passphrase})

	// Every token is gone.
	for _, tok := range []string{alice.Token, otherToken} {
		r := env.Do(t, "GET", "/api/v1/accounts/verify_credentials", tok, nil)
		must(t, r.Status == 401, "deleted account's token: %d", r.Status)
	}
	// Posts, follows and the profile are gone.
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+post, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+reply, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/"+alice.ID, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/lookup?acct=alice", "", nil), 404)
	b := account(t, env, bob.ID, "")
	must(t, num(b["followers_count"]) == 0 && num(b["following_count"]) == 0, "bob counts %v/%v", b["followers_count"], b["following_count"])
	st := env.Must(t, 200, "GET", "/api/v1/statuses/"+bobPost, "", nil).Map(t)
	must(t, num(st["replies_count"]) == 0, "replies_count %v", st["replies_count"])
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID+"/followers", "", nil))) == 0, "bob followers list")
	home := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", bob.Token, nil)))
	must(t, fmt.Sprint(home) == fmt.Sprint([]string{bobPost}), "bob home %v", home)
	// The text is gone from the files too.
	filepath.Walk(env.DataDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("deleted post text remains in %s", p)
		}
		return nil
	})
	// The handle stays reserved.
	_, _, appToken := env.App(t)
	r := env.Do(t, "POST", "/api/v1/accounts", appToken, map[string]any{"username": "alice", "password": servertest.Passphrase, "agreement": true})
	must(t, r.Status == 422, "re-register deleted handle: %d %s", r.Status, r.Body)
	// And the old passphrase no longer logs in.
	clientID, csecret, _ := env.App(t)
	r = env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {clientID},
		"client_secret": {csecret}, "username": {"alice"}, "password": {servertest.Passphrase}})
	must(t, r.Status == 400, "deleted account logs in: %d", r.Status)
}

func TestConcurrentSignUpSameHandle(t *testing.T) {
	env := servertest.Start(t)
	_, _, appToken := env.App(t)
	const n = 6
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", env.URL+"/api/v1/accounts", strings.NewReader(
				`{"username":"race","password":"`+servertest.Passphrase+`","agreement":true}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+appToken)
			resp, err := env.HTTP.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	must(t, count[200] == 1 && count[422] == n-1, "statuses %v, want one 200 and %d 422", count, n-1)
}

func TestRegistrationsClosed(t *testing.T) {
	env := servertest.Start(t, func(c *config.Config) { c.OpenRegistrations = false })
	_, _, appToken := env.App(t)
	wantError(t, env.Do(t, "POST", "/api/v1/accounts", appToken, map[string]any{
		"username": "alice", "password": servertest.Passphrase, "agreement": true}), 403)
	must(t, env.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)["registrations"].(map[string]any)["enabled"] == false,
		"instance says registrations are open")
}

// Mastodon's web UI and several apps send update_credentials as
// multipart/form-data (it can carry an avatar).
func TestUpdateCredentialsMultipart(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("display_name", "Multi Part")
	mw.WriteField("fields_attributes[0][name]", "k")
	mw.WriteField("fields_attributes[0][value]", "v")
	fw, _ := mw.CreateFormFile("avatar", "a.png")
	fw.Write([]byte("not really a png"))
	mw.Close()
	req, _ := http.NewRequest("PATCH", env.URL+"/api/v1/accounts/update_credentials", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	must(t, resp.StatusCode == 200 && m["display_name"] == "Multi Part", "multipart update: %d %v", resp.StatusCode, m)
	must(t, len(m["fields"].([]any)) == 1, "fields %v", m["fields"])
}
