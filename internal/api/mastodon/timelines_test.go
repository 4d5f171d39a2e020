package mastodon_test

import (
	"fmt"
	"slices"
	"testing"

	"publius/internal/servertest"
)

func TestHomePublicAndAccountTimelines(t *testing.T) {
	env := servertest.Start(t)
	alice, bob, carol := env.Register(t, "alice"), env.Register(t, "bob"), env.Register(t, "carol")
	env.Follow(t, alice, bob)
	a1 := env.Post(t, alice, "alice 1")
	b1 := env.Post(t, bob, "bob 1")
	c1 := env.Post(t, carol, "carol 1")
	bUnlisted := env.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "bob unlisted", "visibility": "unlisted"}).Map(t)["id"].(string)
	bPrivate := env.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "bob private", "visibility": "private"}).Map(t)["id"].(string)
	bReply := env.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "bob reply", "in_reply_to_id": c1}).Map(t)["id"].(string)

	home := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil)))
	must(t, fmt.Sprint(home) == fmt.Sprint([]string{bReply, bPrivate, bUnlisted, b1, a1}), "alice home %v", home)
	carolHome := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", carol.Token, nil)))
	must(t, fmt.Sprint(carolHome) == fmt.Sprint([]string{c1}), "carol home %v", carolHome)
	wantError(t, env.Do(t, "GET", "/api/v1/timelines/home", "", nil), 401)

	public := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public", "", nil)))
	must(t, fmt.Sprint(public) == fmt.Sprint([]string{bReply, c1, b1, a1}), "public %v", public)
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public?remote=true", "", nil))) == 0, "remote timeline not empty")
	local := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public?local=true", "", nil)))
	must(t, fmt.Sprint(local) == fmt.Sprint(public), "local %v", local)

	bobs := ids(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID+"/statuses", "", nil)))
	must(t, fmt.Sprint(bobs) == fmt.Sprint([]string{bReply, bUnlisted, b1}), "bob statuses (anonymous) %v", bobs)
	bobs = ids(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID+"/statuses?exclude_replies=true", "", nil)))
	must(t, fmt.Sprint(bobs) == fmt.Sprint([]string{bUnlisted, b1}), "bob statuses without replies %v", bobs)
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID+"/statuses?pinned=true", "", nil))) == 0, "pinned")
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/999999999999999999/statuses", "", nil), 404)

	// A suspended account disappears from timelines and lookups.
	if err := env.Server.Store.SetSuspended(t.Context(), carol.ID, true); err != nil {
		t.Fatal(err)
	}
	public = ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public", "", nil)))
	must(t, !slices.Contains(public, c1), "suspended author's post in public timeline")
	wantError(t, env.Do(t, "GET", "/api/v1/statuses/"+c1, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/"+carol.ID, "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/accounts/"+carol.ID+"/statuses", "", nil), 404)
}

func TestPaginationParameters(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	var s []string // oldest first
	for i := range 45 {
		s = append(s, env.Post(t, alice, fmt.Sprintf("post %d", i)))
	}
	newestFirst := slices.Clone(s)
	slices.Reverse(newestFirst)
	get := func(query string) []string {
		return ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public?"+query, "", nil)))
	}
	eq := func(got, want []string, what string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", what, got, want)
		}
	}
	eq(get(""), newestFirst[:20], "default limit 20")
	eq(get("limit=40"), newestFirst[:40], "limit 40")
	eq(get("limit=1000"), newestFirst[:40], "limit clamped to 40")
	eq(get("limit=0"), newestFirst[:1], "limit 0 clamped to 1")
	eq(get("limit=-3"), newestFirst[:1], "negative limit clamped to 1")
	eq(get("limit=abc"), newestFirst[:20], "garbage limit is the default")
	eq(get("limit=99999999999999999999"), newestFirst[:40], "huge limit clamped to 40")

	eq(get("max_id="+s[10]+"&limit=3"), []string{s[9], s[8], s[7]}, "max_id")
	// since_id gives the newest page above it; min_id the page right after it.
	eq(get("since_id="+s[10]+"&limit=3"), []string{s[44], s[43], s[42]}, "since_id")
	eq(get("min_id="+s[10]+"&limit=3"), []string{s[13], s[12], s[11]}, "min_id")
	eq(get("since_id="+s[10]+"&max_id="+s[14]+"&limit=40"), []string{s[13], s[12], s[11]}, "since_id + max_id")
	eq(get("min_id="+s[10]+"&max_id="+s[12]), []string{s[11]}, "min_id + max_id")

	// Empty pages.
	eq(get("max_id="+s[0]), nil, "below the oldest")
	eq(get("min_id="+s[44]), nil, "above the newest (min_id)")
	eq(get("since_id="+s[44]), nil, "above the newest (since_id)")
	r := env.Must(t, 200, "GET", "/api/v1/timelines/public?since_id="+s[44], "", nil)
	must(t, string(r.Body) == "[]", "empty page body %q, want []", r.Body)

	// Garbage IDs behave as absent bounds or match nothing, never fail.
	for _, q := range []string{"max_id=abc", "since_id=-5", "min_id=" + "99999999999999999999999", "max_id="} {
		env.Must(t, 200, "GET", "/api/v1/timelines/public?"+q, "", nil)
	}
}

// walk follows rel links from path and returns every ID seen, in order.
func walk(t *testing.T, env *servertest.Env, path, token, rel string, between func(page int)) []string {
	t.Helper()
	var all []string
	for page := 0; path != ""; page++ {
		if page > 50 {
			t.Fatalf("pagination does not end")
		}
		r := env.Must(t, 200, "GET", path, token, nil)
		items := ids(list(t, r))
		if len(items) == 0 {
			break
		}
		all = append(all, items...)
		path = links(t, env, r.Header.Get("Link"))[rel]
		if between != nil {
			between(page)
		}
	}
	return all
}

func TestLinkHeaderWalk(t *testing.T) {
	env := servertest.Start(t)
	users := quickUsers(t, env, "u", 3)
	reader := users[0]
	for _, u := range users[1:] {
		env.Follow(t, reader, u)
	}
	var want []string // newest first
	for i := range 95 {
		want = append(want, env.Post(t, users[i%3], fmt.Sprintf("post %d", i)))
	}
	slices.Reverse(want)

	for _, path := range []string{"/api/v1/timelines/home?limit=20", "/api/v1/timelines/public?limit=20",
		"/api/v1/timelines/public?limit=7"} {
		down := walk(t, env, path, reader.Token, "next", nil)
		if fmt.Sprint(down) != fmt.Sprint(want) {
			t.Fatalf("%s: walking next gave %d items, want the 95 in order (duplicates or gaps)", path, len(down))
		}
		// From the oldest item, prev links climb back up without overlap.
		oldest := want[len(want)-1]
		up := walk(t, env, path+"&min_id="+oldest, reader.Token, "prev", nil)
		var upOrdered []string
		// Each page is newest first; pages come oldest first.
		pageSize := 20
		if path[len(path)-1] == '7' {
			pageSize = 7
		}
		for i := 0; i < len(up); i += pageSize {
			page := up[i:min(i+pageSize, len(up))]
			upOrdered = append(slices.Clone(page), upOrdered...)
		}
		if fmt.Sprint(upOrdered) != fmt.Sprint(want[:len(want)-1]) {
			t.Fatalf("%s: walking prev gave %d items, want the 94 above the oldest in order", path, len(up))
		}
	}

	// Account statuses paginate the same way.
	var uWant []string
	for i, id := range want {
		if (94-i)%3 == 1 {
			uWant = append(uWant, id)
		}
	}
	got := walk(t, env, "/api/v1/accounts/"+users[1].ID+"/statuses?limit=6", "", "next", nil)
	must(t, fmt.Sprint(got) == fmt.Sprint(uWant), "account walk: %d items, want %d", len(got), len(uWant))
}

// A follow in the middle of paging brings older posts into later pages,
// but never repeats one already seen (GoToSocial did, in our probe).
func TestFollowDuringPagingNoDuplicates(t *testing.T) {
	env := servertest.Start(t)
	users := quickUsers(t, env, "p", 3)
	reader, early, late := users[0], users[1], users[2]
	env.Follow(t, reader, early)
	for i := range 30 {
		env.Post(t, early, fmt.Sprintf("early %d", i))
		env.Post(t, late, fmt.Sprintf("late %d", i))
	}
	seen := walk(t, env, "/api/v1/timelines/home?limit=10", reader.Token, "next", func(page int) {
		if page == 0 {
			env.Follow(t, reader, late)
			env.Post(t, late, "newest, above the walk")
		}
	})
	set := map[string]bool{}
	for i, id := range seen {
		must(t, !set[id], "duplicate %s in the walk", id)
		set[id] = true
		must(t, i == 0 || seen[i-1] > id, "walk is not strictly newest first at %d", i)
	}
	// Pages after the follow include late's posts older than the cursor.
	must(t, len(seen) > 30+10, "walk saw %d items; the followed account's older posts are missing", len(seen))
}

func TestSuspendedAuthorLeavesHomeTimeline(t *testing.T) {
	env := servertest.Start(t)
	users := quickUsers(t, env, "s", 2)
	reader, author := users[0], users[1]
	env.Follow(t, reader, author)
	p := env.Post(t, author, "soon hidden")
	own := env.Post(t, reader, "mine")
	home := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", reader.Token, nil)))
	must(t, fmt.Sprint(home) == fmt.Sprint([]string{own, p}), "home before %v", home)
	if err := env.Server.Store.SetSuspended(t.Context(), author.ID, true); err != nil {
		t.Fatal(err)
	}
	home = ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/home", reader.Token, nil)))
	must(t, fmt.Sprint(home) == fmt.Sprint([]string{own}), "suspended author's post in home: %v", home)
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+reader.ID+"/following", "", nil))) == 0, "following lists a suspended account")
}

// Clients send booleans in the query as "true", "1" or "on" (Mastodon's
// truthy_param); Publius has no media, so only_media lists are empty.
func TestTimelineQueryFlags(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	p := env.Post(t, alice, "top")
	r := env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "reply", "in_reply_to_id": p}).Map(t)["id"].(string)
	bob := env.Register(t, "bob")
	other := env.Post(t, bob, "bob's")
	env.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "@bob hi", "in_reply_to_id": other})
	_ = r
	for _, v := range []string{"true", "1", "on", "TRUE"} {
		got := ids(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses?exclude_replies="+v, "", nil)))
		must(t, len(got) == 2, "exclude_replies=%s: %v (self-replies stay, replies to others go)", v, got)
		must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses?pinned="+v, "", nil))) == 0, "pinned=%s", v)
		must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses?only_media="+v, "", nil))) == 0, "only_media=%s", v)
		must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public?only_media="+v, "", nil))) == 0, "public only_media=%s", v)
		must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/public?remote="+v, "", nil))) == 0, "remote=%s", v)
	}
	got := ids(list(t, env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID+"/statuses?exclude_replies=false&only_media=0", "", nil)))
	must(t, len(got) == 3, "false flags: %v", got)
}

func TestTagTimeline(t *testing.T) {
	env := servertest.Start(t)
	alice, bob := env.Register(t, "alice"), env.Register(t, "bob")
	var want []string // newest first
	for i := range 5 {
		want = append([]string{env.Post(t, alice, fmt.Sprintf("post %d about #GoLang", i))}, want...)
	}
	env.Post(t, bob, "about #rust")
	env.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "unlisted #golang", "visibility": "unlisted"})

	got := ids(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/tag/golang", "", nil)))
	must(t, fmt.Sprint(got) == fmt.Sprint(want), "tag timeline %v, want %v (public only, any case)", got, want)
	page := env.Must(t, 200, "GET", "/api/v1/timelines/tag/GoLang?limit=2&max_id="+want[1], "", nil)
	must(t, fmt.Sprint(ids(list(t, page))) == fmt.Sprint(want[2:4]), "max_id page %v", ids(list(t, page)))
	must(t, page.Header.Get("Link") != "", "no Link header on a tag page")
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/tag/nothing", "", nil))) == 0, "unknown tag not empty")
	must(t, len(list(t, env.Must(t, 200, "GET", "/api/v1/timelines/tag/golang?only_media=true", "", nil))) == 0, "only_media not empty")
}
