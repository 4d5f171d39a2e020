package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"publius/internal/servertest"
)

var articleID = regexp.MustCompile(`id="by-(\d+)"`)

// postIDs lists the posts a page shows, in order.
func postIDs(body []byte) []string {
	var out []string
	for _, m := range articleID.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func page(t *testing.T, e *servertest.Env, want int, path string) string {
	t.Helper()
	r := e.Must(t, want, "GET", path, "", nil)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options"} {
		if r.Header.Get(h) == "" {
			t.Errorf("GET %s: no %s header", path, h)
		}
	}
	return string(r.Body)
}

func post(t *testing.T, e *servertest.Env, u servertest.User, text, visibility, inReplyTo string) string {
	t.Helper()
	body := map[string]any{"status": text, "visibility": visibility}
	if inReplyTo != "" {
		body["in_reply_to_id"] = inReplyTo
	}
	return e.Must(t, 200, "POST", "/api/v1/statuses", u.Token, body).Map(t)["id"].(string)
}

func TestHomePaginatesPublicTimeline(t *testing.T) {
	e := servertest.Start(t)
	alice := e.Register(t, "alice")
	var want []string // newest first
	for i := range 25 {
		want = append([]string{e.Post(t, alice, fmt.Sprintf("post number %d", i))}, want...)
	}
	post(t, e, alice, "quiet unlisted words", "unlisted", "")
	post(t, e, alice, "secret follower words", "private", "")

	first := page(t, e, 200, "/")
	if !strings.Contains(first, "Latest public posts") || !strings.Contains(first, "Publius") {
		t.Fatalf("home page lacks its heading or title: %s", first)
	}
	if strings.Contains(first, "unlisted words") || strings.Contains(first, "follower words") {
		t.Fatal("home lists an unlisted or private post")
	}
	got := postIDs([]byte(first))
	next := regexp.MustCompile(`href="(/\?max_id=\d+)" rel="next"`).FindStringSubmatch(first)
	if len(got) != 20 || next == nil {
		t.Fatalf("first page: %d posts, next link %v", len(got), next)
	}
	second := page(t, e, 200, next[1])
	if strings.Contains(second, `rel="next"`) {
		t.Error("last page links to a next page")
	}
	got = append(got, postIDs([]byte(second))...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pages show %v, want %v (no gaps or duplicates)", got, want)
	}
	if r := e.Must(t, 200, "GET", "/", "", nil); !strings.HasPrefix(r.Header.Get("Cache-Control"), "public") {
		t.Errorf("public page Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	page(t, e, 400, "/?max_id=abc")
}

func TestProfileEscapesAndCounts(t *testing.T) {
	e := servertest.Start(t)
	alice, bob := e.Register(t, "alice"), e.Register(t, "bob")
	e.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{
		"display_name": `<script>alert("name")</script>`, "note": "line one\n<img src=x onerror=alert(1)>",
		"fields_attributes": []map[string]string{{"name": "<b>site</b>", "value": "https://example.org/a"},
			{"name": "js", "value": "javascript:alert(1)"}},
	})
	e.Follow(t, bob, alice)
	id := post(t, e, alice, "hello <script>alert('post')</script> #Hello", "public", "")
	post(t, e, alice, "for followers only", "private", "")

	body := page(t, e, 200, "/@alice")
	for _, bad := range []string{"<script>", "<img src=x", "<b>site", `href="javascript:`} {
		if strings.Contains(body, bad) {
			t.Errorf("profile contains unescaped %q", bad)
		}
	}
	for _, good := range []string{
		"&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
		`<a href="https://example.org/a" rel="nofollow noopener noreferrer me">`,
		"@alice@127.0.0.1", "<strong>2</strong> posts", "<strong>0</strong> following", "<strong>1</strong> follower<",
		`href="/@alice/` + id + `"`, `href="http://` + strings.TrimPrefix(e.URL, "http://") + `/tags/hello"`,
	} {
		if !strings.Contains(body, good) {
			t.Errorf("profile lacks %q", good)
		}
	}
	if strings.Contains(body, "for followers only") {
		t.Error("profile shows a private post")
	}
	if got := postIDs([]byte(body)); len(got) != 1 || got[0] != id {
		t.Errorf("profile lists %v, want [%s]", got, id)
	}
	// Handles match case-insensitively, as in the API.
	page(t, e, 200, "/@ALICE")

	e.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"hide_collections": true})
	body = page(t, e, 200, "/@alice")
	if !strings.Contains(body, "Followers and following are hidden") || strings.Contains(body, "follower<") {
		t.Error("hidden collections still show follower counts")
	}
}

func TestProfilePaginates(t *testing.T) {
	e := servertest.Start(t)
	alice := e.Register(t, "alice")
	for i := range 21 {
		e.Post(t, alice, fmt.Sprintf("post %d", i))
	}
	body := page(t, e, 200, "/@alice")
	next := regexp.MustCompile(`href="(/@alice\?max_id=\d+)" rel="next"`).FindStringSubmatch(body)
	if len(postIDs([]byte(body))) != 20 || next == nil {
		t.Fatalf("first profile page: %d posts, next %v", len(postIDs([]byte(body))), next)
	}
	rest := page(t, e, 200, next[1])
	if n := len(postIDs([]byte(rest))); n != 1 || !strings.Contains(rest, "post 0<") {
		t.Fatalf("second profile page has %d posts: %s", n, rest)
	}
}

func TestStatusPageShowsThread(t *testing.T) {
	e := servertest.Start(t)
	alice, bob := e.Register(t, "alice"), e.Register(t, "bob")
	root := post(t, e, alice, "the question", "public", "")
	reply := post(t, e, bob, "the answer", "public", root)
	unlisted := post(t, e, alice, "quiet one", "unlisted", "")
	private := post(t, e, alice, "followers only", "private", "")

	body := page(t, e, 200, "/@bob/"+reply)
	if got := postIDs([]byte(body)); strings.Join(got, ",") != root+","+reply {
		t.Fatalf("thread shows %v, want [%s %s]", got, root, reply)
	}
	if !strings.Contains(body, `class="status focus" aria-labelledby="by-`+reply) {
		t.Error("the requested post is not the focus")
	}
	if !strings.Contains(body, "<title>bob: the answer · Publius</title>") {
		t.Error("title does not summarize the post")
	}
	if !strings.Contains(body, `<a href="/@alice/`+root+`">In reply to @alice</a>`) {
		t.Error("the reply does not link to its parent")
	}
	page(t, e, 200, "/@alice/"+unlisted)
	page(t, e, 404, "/@alice/"+private)
	page(t, e, 404, "/@bob/"+root) // the post is alice's
	page(t, e, 404, "/@alice/123456789012345678")
	page(t, e, 404, "/@alice/not-an-id")
}

func TestNotFoundPages(t *testing.T) {
	e := servertest.Start(t)
	carol := e.Register(t, "carol")
	id := e.Post(t, carol, "soon gone")
	page(t, e, 200, "/@carol/"+id)

	a, err := e.Server.Store.AccountByHandle(context.Background(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Server.Store.SetSuspended(context.Background(), a.ID, true); err != nil {
		t.Fatal(err)
	}
	dave := e.Register(t, "dave")
	if err := e.Server.Store.DeleteAccount(context.Background(), dave.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/@carol", "/@carol/" + id, "/@dave", "/@nobody", "/@", "/@bad%20handle", "/nothing-here", "/tags/no%20such"} {
		if body := page(t, e, 404, p); !strings.Contains(body, "Not found") {
			t.Errorf("GET %s: no not-found page", p)
		}
	}
	if body := page(t, e, 200, "/"); strings.Contains(body, "soon gone") {
		t.Error("home lists a suspended account's post")
	}
	// Unknown API paths keep their JSON error.
	for _, p := range []string{"/api/v1", "/oauth/nope", "/api/v1/nope"} {
		r := e.Must(t, 404, "GET", p, "", nil)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: Content-Type %q, want JSON", p, r.Header.Get("Content-Type"))
		}
	}
}

func TestTagPage(t *testing.T) {
	e := servertest.Start(t)
	alice := e.Register(t, "alice")
	tagged := e.Post(t, alice, "learning #Golang today")
	post(t, e, alice, "private #golang thoughts", "private", "")
	post(t, e, alice, "unlisted #golang thoughts", "unlisted", "")
	e.Post(t, alice, "about #rust instead")

	body := page(t, e, 200, "/tags/GoLang")
	if got := postIDs([]byte(body)); len(got) != 1 || got[0] != tagged {
		t.Fatalf("tag page lists %v, want [%s]", got, tagged)
	}
	if !strings.Contains(body, "<h1 id=\"tag\">#golang</h1>") {
		t.Error("tag page lacks its heading")
	}
	if body := page(t, e, 200, "/tags/nothing"); !strings.Contains(body, "No posts yet.") {
		t.Error("empty tag page does not say so")
	}
}

func TestAboutPage(t *testing.T) {
	e := servertest.Start(t)
	body := page(t, e, 200, "/about")
	for _, want := range []string{"What it keeps", "What it never keeps", "IP addresses"} {
		if !strings.Contains(body, want) {
			t.Errorf("about page lacks %q", want)
		}
	}
}
