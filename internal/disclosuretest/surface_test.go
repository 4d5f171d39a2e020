package disclosuretest_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"publius/internal/config"
	"publius/internal/disclosuretest"
	"publius/internal/servertest"
	"publius/internal/store/sqlite"
	"publius/internal/zk"
)

// headerSet is what a client, a proxy or a CDN might put in front of us.
type headerSet struct{ xff, forwarded, realIP, ua string }

var headerSets = []headerSet{
	{"203.0.113.7, 198.51.100.23", `for="[2001:db8:cafe::17]:4711";proto=https`, "192.0.2.44",
		"DisclosureProbe/7.3 (Quill; Marigold) Gecko/20260101"},
	{"198.51.100.99", `for=192.0.2.201;by=203.0.113.250`, "203.0.113.88",
		"Mozilla/5.0 (X11; Linux x86_64; ProbeFernCobalt) Firefox/131.0"},
	{"2001:db8::beef", `for="[2001:db8::feed]"`, "192.0.2.9", "Tusky/26.1 ProbeSableThistle"},
}

var headerIPs = []string{"203.0.113.7", "198.51.100.23", "2001:db8:cafe::17", "192.0.2.44", "198.51.100.99",
	"192.0.2.201", "203.0.113.250", "203.0.113.88", "2001:db8::beef", "2001:db8::feed", "192.0.2.9"}

func (h headerSet) list(extra ...string) []string {
	return append([]string{"X-Forwarded-For", h.xff, "Forwarded", h.forwarded, "X-Real-IP", h.realIP, "User-Agent", h.ua}, extra...)
}

// probe drives the server and records everything it sent that the server
// must not keep.
type probe struct {
	t       *testing.T
	env     *servertest.Env
	secrets disclosuretest.Secrets
}

// from makes every later request come from peer address ip (any 127/8
// address is local on Linux), so the real peer address varies too.
func (p *probe) from(ip string) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	p.env.HTTP = &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	p.secrets.IPs = append(p.secrets.IPs, ip)
}

func (p *probe) ident(v ...string) { p.secrets.Identifiers = append(p.secrets.Identifiers, v...) }

type user struct{ id, handle, token string }

func (p *probe) register(appToken, handle, email string, h headerSet) user {
	t := p.t
	p.secrets.Emails = append(p.secrets.Emails, email)
	r := p.env.Must(t, 200, "POST", "/api/v1/accounts", appToken, map[string]any{
		"username": handle, "password": servertest.Passphrase, "agreement": true, "locale": "en", "email": email,
		"reason": "signing up from " + h.realIP}, h.list()...)
	token := r.Map(t)["access_token"].(string)
	me := p.env.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", token, nil, h.list()...).Map(t)
	u := user{id: me["id"].(string), handle: handle, token: token}
	p.ident(u.id, u.handle, u.token)
	return u
}

func (p *probe) post(u user, text, visibility string, h headerSet, extra ...string) string {
	r := p.env.Must(p.t, 200, "POST", "/api/v1/statuses", u.token,
		map[string]any{"status": text, "visibility": visibility}, h.list(extra...)...)
	id := r.Map(p.t)["id"].(string)
	p.ident(id)
	return id
}

// deleteMarker posts a unique text and deletes it.
func (p *probe) deleteMarker(u user, marker string, h headerSet) {
	p.secrets.DeletedTexts = append(p.secrets.DeletedTexts, marker)
	id := p.post(u, marker+" (this post will be deleted)", "public", h)
	p.env.Must(p.t, 200, "DELETE", "/api/v1/statuses/"+id, u.token, nil, h.list()...)
}

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	codeField = regexp.MustCompile(`<output id="code" class="code">([^<]+)</output>`)
)

// authorizeLogin logs in through the OAuth authorize form, as a browser
// would, failing once first.
func (p *probe) authorizeLogin(clientID, clientSecret string, u user, h headerSet) {
	t := p.t
	q := url.Values{"client_id": {clientID}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"},
		"response_type": {"code"}, "scope": {"read"}}
	r := p.env.Must(t, 200, "GET", "/oauth/authorize?"+q.Encode(), "", nil, h.list()...)
	m := csrfField.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no csrf field in %d %v %s", r.Status, r.Header, r.Body)
	}
	cookie := "publius_csrf=" + string(m[1])
	form := url.Values{"csrf": {string(m[1])}, "client_id": {clientID}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"},
		"scope": {"read"}, "decision": {"approve"}, "handle": {u.handle}, "passphrase": {"wrong passphrase entirely"}}
	p.env.Must(t, 401, "POST", "/oauth/authorize", "", form, h.list("Cookie", cookie)...)
	form.Set("passphrase", servertest.Passphrase)
	r = p.env.Must(t, 200, "POST", "/oauth/authorize", "", form, h.list("Cookie", cookie)...)
	c := codeField.FindSubmatch(r.Body)
	if c == nil {
		t.Fatalf("no code in %s", r.Body)
	}
	tok := p.env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {string(c[1])}, "client_id": {clientID}, "client_secret": {clientSecret},
		"redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}}, h.list()...).Map(t)
	p.ident(tok["access_token"].(string))
}

// TestDisclosureSurface is the "disclosure surface" test of DESIGN.md.
func TestDisclosureSurface(t *testing.T) {
	keys, err := zkKeys()
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t, func(c *config.Config) {
		c.PublicURL = "https://publius.example" // rendered links must not carry the loopback address
		c.RateLimitScale = 1                    // limits on, as in production
		// Membership keys, as `publius admin zk setup` leaves them.
		if err := zk.WriteKeys(c.DataDir, keys.pk, keys.vk); err != nil {
			t.Fatal(err)
		}
	})
	p := &probe{t: t, env: env}
	for _, h := range headerSets {
		p.secrets.UserAgents = append(p.secrets.UserAgents, h.ua)
	}
	p.secrets.IPs = append(p.secrets.IPs, headerIPs...)
	p.secrets.IPs = append(p.secrets.IPs, "127.0.0.1") // the loopback default, also the server's own address

	p.from("127.0.0.9")
	clientID, clientSecret, appToken := env.App(t)
	p.ident(appToken, clientSecret)

	quill := p.register(appToken, "quillmarigold", "quill.marigold@example.net", headerSets[0])
	p.from("127.0.0.10")
	fern := p.register(appToken, "ferncobalt", "Fern.Cobalt+publius@mail.example.org", headerSets[1])
	p.from("127.0.0.11")
	sable := p.register(appToken, "sablethistle", "sable@example.com", headerSets[2])
	p.from("127.0.0.12")
	heron := p.register(appToken, "doomedheron", "heron@example.org", headerSets[0])

	// Sign-up rate limit: one address, more sign-ups than its burst.
	p.from("127.0.0.13")
	limited := false
	for i := range 8 {
		h := headerSets[i%len(headerSets)]
		r := env.Do(t, "POST", "/api/v1/accounts", appToken, map[string]any{
			"username": fmt.Sprintf("wrenspam%d", i), "password": servertest.Passphrase, "agreement": true,
			"email": fmt.Sprintf("wren%d@spam.example", i)}, h.list()...)
		p.secrets.Emails = append(p.secrets.Emails, fmt.Sprintf("wren%d@spam.example", i))
		p.ident(fmt.Sprintf("wrenspam%d", i))
		limited = limited || r.Status == 429
	}
	if !limited {
		t.Error("workload never hit the sign-up rate limit")
	}

	// Password logins: one good, then failures until the login limit.
	p.from("127.0.0.14")
	good := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
		"client_id": {clientID}, "client_secret": {clientSecret}, "username": {quill.handle},
		"password": {servertest.Passphrase}, "scope": {"read write"}}, headerSets[1].list()...).Map(t)
	p.ident(good["access_token"].(string))
	limited = false
	for i := range 14 {
		r := env.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
			"client_id": {clientID}, "client_secret": {clientSecret}, "username": {fern.handle},
			"password": {fmt.Sprintf("guess number %d", i)}, "scope": {"read"}}, headerSets[i%3].list()...)
		limited = limited || r.Status == 429
	}
	if !limited {
		t.Error("workload never hit the failed-login rate limit")
	}

	// Browser logins through the authorize form.
	p.from("127.0.0.15")
	p.authorizeLogin(clientID, clientSecret, sable, headerSets[2])
	p.authorizeLogin(clientID, clientSecret, quill, headerSets[0])

	// Profiles, posts, replies, follows.
	p.from("127.0.0.9")
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", quill.token, map[string]any{
		"display_name": "Quill M.", "note": "Writes about import records.",
		"fields_attributes": map[string]any{"0": map[string]any{"name": "topic", "value": "customs"}}},
		headerSets[0].list()...)
	first := p.post(quill, "Hello from #publius, @ferncobalt", "public", headerSets[0], "Idempotency-Key", "probe-idem-7f3a")
	p.post(quill, "An unlisted thought", "unlisted", headerSets[0])
	p.post(quill, "Followers only", "private", headerSets[1])
	r := env.Must(t, 200, "POST", "/api/v1/statuses", fern.token, map[string]any{"status": "@quillmarigold welcome",
		"in_reply_to_id": first}, headerSets[1].list()...)
	p.ident(r.Map(t)["id"].(string))
	env.Follow(t, servertest.User{Token: quill.token}, servertest.User{ID: fern.id})
	env.Follow(t, servertest.User{Token: fern.token}, servertest.User{ID: quill.id})
	env.Follow(t, servertest.User{Token: sable.token}, servertest.User{ID: quill.id})
	env.Follow(t, servertest.User{Token: heron.token}, servertest.User{ID: quill.id})
	env.Follow(t, servertest.User{Token: quill.token}, servertest.User{ID: heron.id})

	// Deletions with unique markers, including a hashtag (status_tags).
	p.deleteMarker(quill, "ZEBRAQUARTZ-DELETED-POST-0001", headerSets[0])
	p.deleteMarker(fern, "#zebraquartztag0002", headerSets[1])

	// An operator records legal demands naming quill and heron (notified
	// by @legal at once) and fern (under a gag order), and runs a
	// membership group: sable verifies, fern and heron hold badges, quill
	// posts with proofs.
	p.from("127.0.0.17")
	_, admin := p.operator(appToken, headerSets[1])
	p.legalWorkload(admin, []user{quill, heron}, fern, headerSets[2])
	p.from("127.0.0.18")
	p.memberWorkload(keys, admin, sable, quill, []user{fern, heron})

	// An account that posts, writes a bio, holds a badge and legal notice,
	// and deletes itself.
	p.from("127.0.0.12")
	p.secrets.DeletedTexts = append(p.secrets.DeletedTexts, "ZEBRAQUARTZ-DELETED-ACCOUNT-0003", "ZEBRAQUARTZ-DELETED-NOTE-0004")
	p.post(heron, "ZEBRAQUARTZ-DELETED-ACCOUNT-0003 last words", "public", headerSets[0])
	p.post(heron, "@quillmarigold a reply that goes with me", "private", headerSets[0])
	env.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", heron.token,
		map[string]any{"note": "ZEBRAQUARTZ-DELETED-NOTE-0004"}, headerSets[0].list()...)
	env.Must(t, 200, "POST", "/api/v1/publius/account/delete", heron.token,
		map[string]any{"passphrase": servertest.Passphrase}, headerSets[0].list()...)

	// Deletions under a concurrent workload: scrubbing must hold while
	// others write and read.
	p.from("127.0.0.16")
	concurrentDeletes(t, p, []user{quill, fern, sable})

	// Follower history, as the API and the profile page's chart read it.
	env.Must(t, 200, "GET", "/api/v1/publius/accounts/"+quill.id+"/follower_history?days=730", "", nil, headerSets[2].list()...)
	if body := string(env.Must(t, 200, "GET", "/@"+quill.handle, "", nil, headerSets[1].list()...).Body); !strings.Contains(body, "<svg") {
		t.Error("quill's profile page has no follower chart")
	}

	// The owner's view of the disclosure export.
	x := env.Must(t, 200, "GET", "/api/v1/publius/me/disclosure", quill.token, nil, headerSets[0].list()...).Map(t)
	if got := len(x["posts"].([]any)); got < 3 {
		t.Errorf("export lists %d posts for quill, want at least 3", got)
	}
	proved := 0
	for _, post := range x["posts"].([]any) {
		if post.(map[string]any)["proved_member_of"] == "cbp-staff" {
			proved++
		}
	}
	if proved != 1 {
		t.Errorf("export lists %d posts of quill with a proof, want 1 (the other was deleted)", proved)
	}
	r = env.Must(t, 200, "GET", "/api/v1/publius/me/disclosure", fern.token, nil, headerSets[1].list()...)
	if got := len(r.Map(t)["badges"].([]any)); got != 1 {
		t.Errorf("export lists %d badges for fern, want 1", got)
	}
	if b := string(r.Body); strings.Contains(b, "1:26-mj-00042") || strings.Contains(b, "Federal Bureau") {
		t.Errorf("fern's export reveals the gagged demand: %s", b)
	}

	// Collect every artifact.
	var a disclosuretest.Artifacts
	a.Metrics = string(env.Must(t, 200, "GET", "/metrics", "", nil).Body)
	if !strings.Contains(a.Metrics, `publius_http_requests_total{method="POST",route="POST /api/v1/statuses",status="2xx"}`) {
		t.Errorf("metrics lack the statuses counter:\n%s", a.Metrics)
	}
	db, ok := env.Server.Store.(*sqlite.DB)
	if !ok {
		t.Fatalf("store is %T, want *sqlite.DB", env.Server.Store)
	}
	if err := disclosuretest.CollectDB(context.Background(), db.ReadDB(), &a); err != nil {
		t.Fatal(err)
	}
	if err := disclosuretest.CollectFiles(env.DataDir, &a); err != nil {
		t.Fatal(err)
	}
	a.Log = env.Log.String()
	if len(a.Cells) < 100 || len(a.Files) < 2 || strings.Count(a.Log, "\n") < 50 {
		t.Fatalf("collected too little to mean anything: %d cells, %d files, %d log lines",
			len(a.Cells), len(a.Files), strings.Count(a.Log, "\n"))
	}
	for _, f := range disclosuretest.Scan(a, p.secrets, time.Now()) {
		t.Errorf("leak: %s", f)
	}
	for _, table := range undisclosedTables(a.Tables) {
		t.Errorf("table %s is not accounted for in the disclosure export: add it to legal.Disclose "+
			"if it can name an account, and to disclosedTables here either way", table)
	}
}

// concurrentDeletes runs writers and readers while markers are posted and
// deleted, then the scan requires that none of the markers survived in the
// database file or its WAL.
func concurrentDeletes(t *testing.T, p *probe, users []user) {
	env := p.env
	client := env.HTTP
	do := func(method, path, token, body string) (int, string, error) {
		req, _ := http.NewRequest(method, env.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", headerSets[2].ua)
		req.Header.Set("X-Forwarded-For", headerSets[2].xff)
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, u := range users[:2] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := do("POST", "/api/v1/statuses", u.token, fmt.Sprintf(`{"status":"busy writer %d post %d"}`, i, n)); err != nil {
					t.Error(err)
					return
				}
				do("GET", "/api/v1/timelines/home?limit=40", u.token, "")
				do("GET", "/api/v1/timelines/public?limit=40", "", "")
			}
		}()
	}
	deleter := users[2]
	idPattern := regexp.MustCompile(`"id":"(\d+)"`)
	for n := range 25 {
		marker := fmt.Sprintf("ZEBRAQUARTZ-CONCURRENT-%04d", n)
		p.secrets.DeletedTexts = append(p.secrets.DeletedTexts, marker)
		status, body, err := do("POST", "/api/v1/statuses", deleter.token, `{"status":"`+marker+` #zq`+fmt.Sprint(n)+`"}`)
		m := idPattern.FindStringSubmatch(body)
		if err != nil || status != 200 || m == nil {
			t.Fatalf("post marker: %d %s %v", status, body, err)
		}
		if status, body, err := do("DELETE", "/api/v1/statuses/"+m[1], deleter.token, ""); err != nil || status != 200 {
			t.Fatalf("delete marker: %d %s %v", status, body, err)
		}
	}
	close(stop)
	wg.Wait()
}

// disclosedTables says how the disclosure export covers each table, so a
// new table cannot hold account data the export forgets. A feature that
// adds a table adds it here, and to legal.Disclose if it names an account.
var disclosedTables = map[string]string{
	"accounts":          "Export.Account",
	"statuses":          "Export.Posts",
	"status_mentions":   "Export.Posts[].Mentions",
	"status_tags":       "Export.Posts[].Tags",
	"idempotency_keys":  "Export.IdempotencyKeys",
	"follows":           "Export.Following and Export.Followers",
	"follower_counts":   "Export.FollowerHistory (a count per day; nothing names a follower)",
	"tokens":            "Export.Tokens",
	"apps":              "Export.Tokens[].App (apps belong to client developers, not accounts)",
	"secrets":           "server keys; no account data",
	"oauth_spent_codes": "hashes of redeemed authorization codes and the day; nothing names an account",
	"schema_migrations": "migration versions; no account data",

	"membership_badges":      "Export.Badges",
	"membership_post_proofs": "Export.Posts[].ProvedMemberOf (the proof is public with the post)",
	"membership_groups":      "groups belong to the operator; no account data",
	"membership_verifiers":   "verifier appointments: accounts acting for a group, public on the group page",
	"membership_leaves":      "commitments; by design nothing links a leaf to an account",
	"membership_roots":       "Merkle roots and group sizes; no account data",

	// The demand registry is the operator's record of legal process, not
	// data about the account; the owner learns of a demand through the
	// notice (unless a gag order is in force, which the export must not break).
	"legal_demands":          "operator records of legal process",
	"legal_demand_targets":   "operator records: which accounts a demand names",
	"legal_demand_events":    "operator records: status history of a demand",
	"legal_demand_documents": "operator records: documents served, by SHA-256",
	"legal_demand_notices":   "operator records: notices sent (the notices are statuses of @legal)",
}

// undisclosedTables lists the tables disclosedTables does not explain.
func undisclosedTables(tables []string) []string {
	var out []string
	for _, table := range tables {
		if _, ok := disclosedTables[table]; !ok {
			out = append(out, table)
		}
	}
	return out
}
