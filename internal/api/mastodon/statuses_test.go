package mastodon_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"publius/internal/servertest"
)

func TestCreateStatus(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")

	st := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{
		"status": "hello world", "visibility": "unlisted", "language": "en", "spoiler_text": "cw"}).Map(t)
	for _, k := range []string{"id", "uri", "url", "created_at", "account", "content", "visibility", "sensitive",
		"spoiler_text", "media_attachments", "mentions", "tags", "emojis", "reblogs_count", "favourites_count",
		"replies_count", "in_reply_to_id", "in_reply_to_account_id", "reblog", "language", "edited_at", "card", "poll"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status lacks %q", k)
		}
	}
	must(t, st["content"] == "<p>hello world</p>" && st["visibility"] == "unlisted" && st["language"] == "en" &&
		st["sensitive"] == true && st["spoiler_text"] == "cw", "status %v", st)
	must(t, st["account"].(map[string]any)["id"] == alice.ID, "author %v", st["account"])
	must(t, len(st["id"].(string)) == 18, "id %v not fixed-width", st["id"])

	form := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{
		"status": {"from a form"}, "visibility": {"private"}, "sensitive": {"true"}}).Map(t)
	must(t, form["visibility"] == "private" && form["sensitive"] == true, "form status %v", form)

	// Length counts code points: 500 emoji fit, 501 do not.
	env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": strings.Repeat("😀", 500)})
	msg := wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": strings.Repeat("😀", 501)}), 422)
	must(t, strings.Contains(msg, "500"), "length message %q", msg)
	for name, body := range map[string]any{
		"empty":          map[string]any{"status": ""},
		"blank":          map[string]any{"status": "  \n "},
		"missing":        map[string]any{},
		"bad visibility": map[string]any{"status": "x", "visibility": "secret"},
		"bad language":   map[string]any{"status": "x", "language": "english!"},
		"media":          map[string]any{"status": "x", "media_ids": []string{"1"}},
		"poll":           map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", "b"}}},
		"scheduled":      map[string]any{"status": "x", "scheduled_at": "2030-01-01T00:00:00Z"},
		"reply to none":  map[string]any{"status": "x", "in_reply_to_id": "999999999999999999"},
	} {
		r := env.Do(t, "POST", "/api/v1/statuses", alice.Token, body)
		if r.Status != 422 && !(name == "reply to none" && r.Status == 404) {
			t.Errorf("%s: status %d: %s", name, r.Status, r.Body)
		}
	}
	msg = wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "psst", "visibility": "direct"}), 422)
	must(t, strings.Contains(msg, "direct messages are not supported"), "direct message %q", msg)
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", "", map[string]any{"status": "anon"}), 401)
}

func TestIdempotencyKey(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	post := func(u servertest.User, key, text string) string {
		return env.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text},
			"Idempotency-Key", key).Map(t)["id"].(string)
	}
	a1 := post(alice, "k1", "once")
	a2 := post(alice, "k1", "once")
	must(t, a1 == a2, "same key made two statuses: %s %s", a1, a2)
	must(t, post(alice, "k2", "once") != a1, "different key returned the same status")
	must(t, post(bob, "k1", "once") != a1, "keys are per account")
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
	must(t, num(me["statuses_count"]) == 2, "statuses_count %v", me["statuses_count"])
	wantError(t, env.Do(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x"},
		"Idempotency-Key", strings.Repeat("k", 201)), 422)
}

func TestRendering(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	env.Register(t, "bob")
	st := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{
		"status": "<script>alert(1)</script> & hi @bob and @nobody, see https://example.org/a?b=1&c=2. #Publius\nline two"}).Map(t)
	c := st["content"].(string)
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; &amp; hi",
		`<a href="` + env.URL + `/@bob" class="u-url mention">@<span>bob</span></a>`,
		"@nobody,",
		`<a href="https://example.org/a?b=1&amp;c=2"`,
		`</a>. <a href="` + env.URL + `/tags/publius" class="mention hashtag" rel="tag">#<span>Publius</span></a>`,
		"<br>line two",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("content lacks %q:\n%s", want, c)
		}
	}
	must(t, !strings.Contains(c, "<script>"), "unescaped script")
	mentions := st["mentions"].([]any)
	must(t, len(mentions) == 1 && mentions[0].(map[string]any)["username"] == "bob", "mentions %v", mentions)
	tags := st["tags"].([]any)
	must(t, len(tags) == 1 && tags[0].(map[string]any)["name"] == "publius", "tags %v", tags)
}

func TestPrivateVisibility(t *testing.T) {
	env := servertest.Start(t)
	alice, follower, stranger := env.Register(t, "alice"), env.Register(t, "follower"), env.Register(t, "stranger")
	env.Follow(t, follower, alice)
	priv := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "friends only", "visibility": "private"}).Map(t)["id"].(string)
	pub := env.Post(t, alice, "everyone")

	env.Must(t, 200, "GET", "/api/v1/statuses/"+priv, alice.Token, nil)
	env.Must(t, 200, "GET", "/api/v1/statuses/"+priv, follower.Token, nil)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+priv, stranger.Token, nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+priv, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+priv+"/context", stranger.Token, nil), 404)

	acct := func(tok string) []string {
		return ids(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses", tok, nil)))
	}
	must(t, fmt.Sprint(acct(follower.Token)) == fmt.Sprint([]string{pub, priv}), "follower sees %v", acct(follower.Token))
	must(t, fmt.Sprint(acct(stranger.Token)) == fmt.Sprint([]string{pub}), "stranger sees %v", acct(stranger.Token))
	must(t, fmt.Sprint(acct("")) == fmt.Sprint([]string{pub}), "anonymous sees %v", acct(""))
	home := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", follower.Token, nil)))
	must(t, fmt.Sprint(home) == fmt.Sprint([]string{pub, priv}), "follower home %v", home)
	public := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public", "", nil)))
	must(t, fmt.Sprint(public) == fmt.Sprint([]string{pub}), "public timeline %v", public)

	// A stranger cannot delete it, and cannot learn it exists.
	wantError(t, env.Do(t, "DELETE", "/api/v1/statuses/"+priv, stranger.Token, nil), 404)
	// The follower can see it but cannot delete it.
	wantError(t, env.Do(t, "DELETE", "/api/v1/statuses/"+priv, follower.Token, nil), 403)
	wantError(t, env.Do(t, "DELETE", "/api/v1/statuses/"+pub, stranger.Token, nil), 403)
	// After unfollowing, it is hidden again.
	env.Must(t, 200, "POST", "/api/v1/accounts/"+alice.ID+"/unfollow", follower.Token, nil)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+priv, follower.Token, nil), 404)
}

func TestRepliesContextAndDelete(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	root := env.Post(t, alice, "root")
	reply := func(u servertest.User, to, text string) string {
		return env.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text, "in_reply_to_id": to}).Map(t)["id"].(string)
	}
	r1 := reply(bob, root, "r1")
	r2 := reply(alice, r1, "r2")
	r3 := reply(bob, root, "r3")

	st := env.Must(t, 200, "GET", "/api/v1/statuses/"+r1, "", nil).Map(t)
	must(t, st["in_reply_to_id"] == root && st["in_reply_to_account_id"] == alice.ID, "reply fields %v", st)
	must(t, num(env.Must(t, 200, "GET", "/api/v1/statuses/"+root, "", nil).Map(t)["replies_count"]) == 2, "replies_count")

	ctx := env.Must(t, 200, "GET", "/api/v1/statuses/"+r1+"/context", "", nil).Map(t)
	var anc, desc []map[string]any
	for _, v := range ctx["ancestors"].([]any) {
		anc = append(anc, v.(map[string]any))
	}
	for _, v := range ctx["descendants"].([]any) {
		desc = append(desc, v.(map[string]any))
	}
	must(t, fmt.Sprint(ids(anc)) == fmt.Sprint([]string{root}) && fmt.Sprint(ids(desc)) == fmt.Sprint([]string{r2}), "context of r1: %v %v", ids(anc), ids(desc))
	ctx = env.Must(t, 200, "GET", "/api/v1/statuses/"+root+"/context", "", nil).Map(t)
	must(t, len(ctx["ancestors"].([]any)) == 0 && len(ctx["descendants"].([]any)) == 3, "context of root %v", ctx)

	// Deleting returns the status with its source text.
	del := env.Must(t, 200, "DELETE", "/api/v1/statuses/"+r1, bob.Token, nil).Map(t)
	must(t, del["id"] == r1 && del["text"] == "r1", "delete response %v", del)
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+r1, "", nil), 404)
	wantError(t, env.Do(t, "DELETE", "/api/v1/statuses/"+r1, bob.Token, nil), 404)
	must(t, num(env.Must(t, 200, "GET", "/api/v1/statuses/"+root, "", nil).Map(t)["replies_count"]) == 1, "replies_count after delete")
	// Its reply survives and still points at it.
	env.Must(t, 200, "GET", "/api/v1/statuses/"+r2, "", nil)
	_ = r3
	for _, id := range []string{"999999999999999999", "abc", "0", "-1", strings.Repeat("9", 30)} {
		wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+id, "", nil), 404)
		wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+id+"/context", "", nil), 404)
		wantError(t, env.Do(t, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil), 404)
	}
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", bob.Token, nil).Map(t)
	must(t, num(me["statuses_count"]) == 1, "bob statuses_count %v", me["statuses_count"])
}

func TestConcurrentIdempotentPosts(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	const n = 12
	got := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", env.URL+"/api/v1/statuses", strings.NewReader(`{"status":"retry storm"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+alice.Token)
			req.Header.Set("Idempotency-Key", "same-key")
			resp, err := env.HTTP.Do(req)
			if err != nil {
				got <- "error: " + err.Error()
				return
			}
			defer resp.Body.Close()
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			got <- fmt.Sprintf("%d %v", resp.StatusCode, m["id"])
		}()
	}
	wg.Wait()
	close(got)
	seen := map[string]int{}
	for g := range got {
		seen[g]++
	}
	must(t, len(seen) == 1, "concurrent retries got different answers: %v", seen)
	me := env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
	must(t, num(me["statuses_count"]) == 1, "statuses_count %v", me["statuses_count"])
}
