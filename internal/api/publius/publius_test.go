package publius_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"publius/internal/config"
	"publius/internal/servertest"
)

// adminToken makes u an operator and returns a token with the given scopes.
func adminToken(t *testing.T, env *servertest.Env, u servertest.User, admin bool, scopes ...string) string {
	t.Helper()
	ctx := context.Background()
	if err := env.Server.Store.SetAdmin(ctx, u.ID, admin); err != nil {
		t.Fatal(err)
	}
	clientID, _, _ := env.App(t)
	app, err := env.Server.Store.AppByClientID(ctx, clientID)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := env.Server.Accounts.IssueToken(ctx, app.ID, u.ID, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func demand(targets ...string) map[string]any {
	return map[string]any{
		"agency": "U.S. Customs and Border Protection", "office": "Office of Professional Responsibility",
		"agent": "Special Agent J. Doe", "authority": "19 U.S.C. § 1509", "process_type": "administrative_summons",
		"delivery_method": "fax", "received_on": "2017-03-14", "deadline_on": "2017-03-13", "targets": targets,
		"data_requested": "All records regarding the account: user names, account login, phone numbers, mailing addresses, and I.P. addresses.",
	}
}

const demands = "/api/v1/publius/admin/demands"

func TestDemandAPIIsForOperatorsOnly(t *testing.T) {
	env := servertest.Start(t)
	op, member := env.Register(t, "op"), env.Register(t, "member")
	opToken := adminToken(t, env, op, true, "read", "admin:read", "admin:write")
	opNoScope := adminToken(t, env, op, true, "read", "write")
	memberToken := adminToken(t, env, member, false, "read", "admin:read", "admin:write")
	_, _, appToken := env.App(t)

	for _, c := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"anonymous list", "GET", demands, "", 401},
		{"anonymous create", "POST", demands, "", 401},
		{"bad token", "GET", demands, "nope", 401},
		{"member list", "GET", demands, memberToken, 403},
		{"member create", "POST", demands, memberToken, 403},
		{"member show", "GET", demands + "/1", memberToken, 403},
		{"member update", "PATCH", demands + "/1", memberToken, 403},
		{"member attach", "POST", demands + "/1/documents?name=a.txt", memberToken, 403},
		{"app token", "GET", demands, appToken, 403},
		{"operator without admin scope", "GET", demands, opNoScope, 403},
		{"operator list", "GET", demands, opToken, 200},
	} {
		var body any
		if c.method != "GET" {
			body = demand()
		}
		if r := env.Do(t, c.method, c.path, c.token, body); r.Status != c.want {
			t.Errorf("%s: status %d, want %d (%s)", c.name, r.Status, c.want, r.Body)
		}
	}
	env.Must(t, 201, "POST", demands, opToken, demand())
	if r := env.Do(t, "GET", demands+"/1", memberToken, nil); r.Status != 403 || strings.Contains(string(r.Body), "Customs") {
		t.Fatalf("member read a demand: %d %s", r.Status, r.Body)
	}
}

func TestDemandAPIValidatesEveryField(t *testing.T) {
	env := servertest.Start(t)
	op := env.Register(t, "op")
	env.Register(t, "alice")
	tok := adminToken(t, env, op, true, "admin:read", "admin:write")
	bad := map[string]func(map[string]any){
		"unknown status":          func(m map[string]any) { m["status"] = "lost" },
		"unknown process type":    func(m map[string]any) { m["process_type"] = "letter" },
		"unknown delivery method": func(m map[string]any) { m["delivery_method"] = "pigeon" },
		"bad received_on":         func(m map[string]any) { m["received_on"] = "14/03/2017" },
		"bad deadline_on":         func(m map[string]any) { m["deadline_on"] = "2017-13-01" },
		"bad gag_ends_on":         func(m map[string]any) { m["gag_order"], m["gag_ends_on"] = true, "2017-03" },
		"unknown account":         func(m map[string]any) { m["targets"] = []string{"alice", "ghost"} },
		"missing agency":          func(m map[string]any) { delete(m, "agency") },
		"missing authority":       func(m map[string]any) { m["authority"] = "" },
		"unknown field":           func(m map[string]any) { m["agencyy"] = "typo" },
		"wrong type":              func(m map[string]any) { m["gag_order"] = "maybe" },
		"challenged without case": func(m map[string]any) { m["status"] = "challenged" },
	}
	for name, mutate := range bad {
		body := demand("alice")
		mutate(body)
		r := env.Do(t, "POST", demands, tok, body)
		if r.Status != 422 || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%s: status %d, want 422 with an error; body %s", name, r.Status, r.Body)
		}
	}
	if r := env.Do(t, "POST", demands, tok, `{"agency": `); r.Status != 400 {
		t.Errorf("malformed JSON: status %d, want 400", r.Status)
	}
	var list []any
	env.Must(t, 200, "GET", demands, tok, nil).JSON(t, &list)
	if len(list) != 0 {
		t.Fatalf("%d invalid demands recorded", len(list))
	}

	created := env.Must(t, 201, "POST", demands, tok, demand("alice")).Map(t)
	id := created["id"].(string)
	path := demands + "/" + id
	for name, body := range map[string]string{
		"unknown status":      `{"status": "lost"}`,
		"illegal transition":  `{"status": "quashed"}`,
		"bad date":            `{"deadline_on": "tomorrow"}`,
		"bad status day":      `{"status": "under_review", "on": "2017-3-15"}`,
		"unknown account":     `{"targets": ["ghost"]}`,
		"unknown field":       `{"stauts": "complied"}`,
		"note without status": `{"note": "hello"}`,
	} {
		if r := env.Do(t, "PATCH", path, tok, body); r.Status != 422 {
			t.Errorf("PATCH %s: status %d, want 422; body %s", name, r.Status, r.Body)
		}
	}
	env.Must(t, 404, "GET", demands+"/999", tok, nil)
	env.Must(t, 404, "PATCH", demands+"/999", tok, `{"notes": "x"}`)
	got := env.Must(t, 200, "PATCH", path, tok, `{"status": "challenged", "court": "N.D. Cal.", "case_number": "3:17-cv-01701", "note": "motion to quash"}`).Map(t)
	if got["status"] != "challenged" || len(got["history"].([]any)) != 2 {
		t.Fatalf("after challenge: %v", got)
	}
}

func TestDemandNoticeReachesTheTargetAsANotification(t *testing.T) {
	env := servertest.Start(t)
	op, alice, bob := env.Register(t, "op"), env.Register(t, "alice"), env.Register(t, "bob")
	tok := adminToken(t, env, op, true, "admin:read", "admin:write")
	// Bob mentions alice publicly: an ordinary mention notification.
	env.Post(t, bob, "hello @alice")
	d := env.Must(t, 201, "POST", demands, tok, demand("alice")).Map(t)
	if tg := d["targets"].([]any)[0].(map[string]any); tg["notice"] != "sent" || tg["handle"] != "alice" {
		t.Fatalf("target %v, want notice sent", tg)
	}

	var notes []map[string]any
	r := env.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil)
	r.JSON(t, &notes)
	var legalNotes []map[string]any
	for _, n := range notes {
		if n["type"] != "mention" {
			t.Fatalf("notification type %v", n["type"])
		}
		acct := n["account"].(map[string]any)
		st := n["status"].(map[string]any)
		if n["id"] != st["id"] {
			t.Fatalf("notification id %v != status id %v", n["id"], st["id"])
		}
		if acct["username"] == "legal" {
			if st["visibility"] != "direct" {
				t.Fatalf("notice visibility %v", st["visibility"])
			}
			legalNotes = append(legalNotes, n)
		}
	}
	if len(legalNotes) == 0 || len(notes) != len(legalNotes)+1 {
		t.Fatalf("alice has %d notifications, %d from @legal", len(notes), len(legalNotes))
	}
	all := ""
	for _, n := range legalNotes {
		all += n["status"].(map[string]any)["content"].(string)
	}
	for _, want := range []string{"Customs and Border Protection", "1509", "administrative summons", "I.P. addresses", "verified badges"} {
		if !strings.Contains(all, want) {
			t.Errorf("notice lacks %q", want)
		}
	}
	if !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
		t.Errorf("no Link header: %q", r.Header.Get("Link"))
	}
	first := legalNotes[0]["id"].(string)
	env.Must(t, 200, "GET", "/api/v1/notifications/"+first, alice.Token, nil)
	env.Must(t, 404, "GET", "/api/v1/notifications/"+first, bob.Token, nil)
	env.Must(t, 401, "GET", "/api/v1/notifications", "", nil)

	// Bob is not named: he sees no notice anywhere.
	for _, path := range []string{"/api/v1/notifications", "/api/v1/timelines/home", "/api/v1/timelines/public"} {
		if body := string(env.Must(t, 200, "GET", path, bob.Token, nil).Body); strings.Contains(body, "Customs") {
			t.Errorf("bob sees the notice in %s", path)
		}
	}
	env.Must(t, 404, "GET", "/api/v1/statuses/"+first, bob.Token, nil)
	// Alice also finds it in her home timeline, as any client shows it.
	if body := string(env.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil).Body); !strings.Contains(body, "Customs") {
		t.Error("the notice is not in alice's home timeline")
	}

	// Clients that see a 4.3 server ask for grouped notifications.
	v2 := env.Must(t, 200, "GET", "/api/v2/notifications", alice.Token, nil).Map(t)
	if groups := v2["notification_groups"].([]any); len(groups) != len(notes) ||
		groups[0].(map[string]any)["status_id"] != notes[0]["id"] || len(v2["statuses"].([]any)) != len(notes) {
		t.Fatalf("v2 notifications: %v", v2)
	}
	if body := string(env.Must(t, 200, "GET", "/api/v2/notifications", bob.Token, nil).Body); strings.Contains(body, "Customs") {
		t.Error("bob sees the notice in /api/v2/notifications")
	}

	// Filters: mentions are the only type.
	for q, want := range map[string]int{"?types[]=follow": 0, "?exclude_types[]=mention": 0, "?types[]=mention": len(notes),
		"?limit=1": 1, "?account_id=" + bob.ID: 1} {
		var got []any
		env.Must(t, 200, "GET", "/api/v1/notifications"+q, alice.Token, nil).JSON(t, &got)
		if len(got) != want {
			t.Errorf("notifications%s: %d, want %d", q, len(got), want)
		}
	}
	// Pagination walks every notification once.
	seen := map[string]bool{}
	for max := ""; ; {
		var page []map[string]any
		env.Must(t, 200, "GET", "/api/v1/notifications?limit=2"+max, alice.Token, nil).JSON(t, &page)
		if len(page) == 0 {
			break
		}
		for _, n := range page {
			id := n["id"].(string)
			if seen[id] {
				t.Fatalf("notification %s twice", id)
			}
			seen[id] = true
		}
		max = "&max_id=" + page[len(page)-1]["id"].(string)
	}
	if len(seen) != len(notes) {
		t.Fatalf("paging saw %d notifications, want %d", len(seen), len(notes))
	}
}

func TestGaggedDemandSendsNoNoticeThroughTheAPI(t *testing.T) {
	env := servertest.Start(t)
	op, alice := env.Register(t, "op"), env.Register(t, "alice")
	tok := adminToken(t, env, op, true, "admin:read", "admin:write")
	body := demand("alice")
	body["gag_order"], body["gag_ends_on"] = true, "2999-01-01"
	d := env.Must(t, 201, "POST", demands, tok, body).Map(t)
	if tg := d["targets"].([]any)[0].(map[string]any); tg["notice"] != "delayed" {
		t.Fatalf("target %v, want notice delayed", tg)
	}
	var notes []any
	env.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).JSON(t, &notes)
	if len(notes) != 0 {
		t.Fatalf("alice got %d notifications under a gag order", len(notes))
	}
	// Lifting the order sends the notice at once.
	env.Must(t, 200, "PATCH", demands+"/"+d["id"].(string), tok, `{"gag_order": false}`)
	env.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).JSON(t, &notes)
	if len(notes) == 0 {
		t.Fatal("no notice after the gag order was lifted")
	}
}

func TestDemandDocuments(t *testing.T) {
	env := servertest.Start(t)
	op := env.Register(t, "op")
	tok := adminToken(t, env, op, true, "admin:read", "admin:write")
	id := env.Must(t, 201, "POST", demands, tok, demand()).Map(t)["id"].(string)
	content := "%PDF-1.4 administrative summons"
	req, _ := http.NewRequest("POST", env.URL+demands+"/"+id+"/documents?name=summons.pdf", strings.NewReader(content))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("attach: %d", resp.StatusCode)
	}
	d := env.Must(t, 200, "GET", demands+"/"+id, tok, nil).Map(t)
	doc := d["documents"].([]any)[0].(map[string]any)
	sum := sha256.Sum256([]byte(content))
	if doc["sha256"] != hex.EncodeToString(sum[:]) || doc["name"] != "summons.pdf" {
		t.Fatalf("document %v", doc)
	}
	r := env.Must(t, 200, "GET", demands+"/"+id+"/documents/"+doc["id"].(string), tok, nil)
	if string(r.Body) != content || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %q %q", r.Body, r.Header.Get("Content-Type"))
	}
	env.Must(t, 422, "POST", demands+"/"+id+"/documents", tok, "x") // no name
	env.Must(t, 404, "POST", demands+"/999/documents?name=a.txt", tok, "x")
}

func TestTransparencyReportAndGuidelines(t *testing.T) {
	env := servertest.Start(t)
	op := env.Register(t, "op")
	env.Register(t, "alice")
	tok := adminToken(t, env, op, true, "admin:read", "admin:write")
	env.Must(t, 201, "POST", demands, tok, demand("alice"))

	rep := env.Must(t, 200, "GET", "/api/v1/publius/transparency", "", nil).Map(t)
	var found bool
	for _, p := range rep["periods"].([]any) {
		p := p.(map[string]any)
		if p["period"] == "2017-H1" {
			found = true
			if p["demands"] != float64(1) || p["users_notified"] != float64(1) || p["accounts_specified"] != float64(1) {
				t.Fatalf("2017-H1: %v", p)
			}
		}
	}
	if !found {
		t.Fatalf("no 2017-H1 period: %v", rep)
	}
	page := string(env.Must(t, 200, "GET", "/transparency", "", nil).Body)
	for _, want := range []string{"2017-H1", "administrative summons", "19 U.S.C. § 1509", "Users notified", `href="/law-enforcement"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/transparency lacks %q", want)
		}
	}
	if strings.Contains(page, "alice") || strings.Contains(page, "I.P. addresses") {
		t.Error("/transparency names a target or the data requested")
	}

	guide := string(env.Must(t, 200, "GET", "/law-enforcement", "", nil).Body)
	for _, want := range []string{"IP addresses", "email addresses or phone numbers", "login, session or last-seen times",
		"which group member owns which account", "direct or private messages", "unless a court", "the day the account was created"} {
		if !strings.Contains(guide, want) {
			t.Errorf("/law-enforcement lacks %q", want)
		}
	}
	custom := `{{template "top" .}}<p>Operator page for {{.Instance}}</p><ul>{{range .NotHeld}}<li>{{.}}</li>{{end}}</ul>{{template "bottom" .}}`
	if err := os.WriteFile(filepath.Join(env.DataDir, "law-enforcement.html"), []byte(custom), 0o600); err != nil {
		t.Fatal(err)
	}
	guide = string(env.Must(t, 200, "GET", "/law-enforcement", "", nil).Body)
	if !strings.Contains(guide, "Operator page for Publius") || !strings.Contains(guide, "IP addresses") {
		t.Fatalf("operator page not served: %s", guide)
	}
	os.WriteFile(filepath.Join(env.DataDir, "law-enforcement.html"), []byte(`{{template "nope"}`), 0o600)
	if r := env.Do(t, "GET", "/law-enforcement", "", nil); r.Status != 200 || !strings.Contains(string(r.Body), "Data that does not exist") {
		t.Fatalf("broken operator page: %d, want the default", r.Status)
	}
}

func TestTransparencyRangesSetting(t *testing.T) {
	env := servertest.Start(t, func(c *config.Config) { c.TransparencyRanges = true })
	op := env.Register(t, "op")
	tok := adminToken(t, env, op, true, "admin:write")
	env.Must(t, 201, "POST", demands, tok, demand())
	rep := env.Must(t, 200, "GET", "/api/v1/publius/transparency", "", nil).Map(t)
	for _, p := range rep["periods"].([]any) {
		p := p.(map[string]any)
		if p["demands"] != "0-9" {
			t.Fatalf("%v demands = %v, want \"0-9\"", p["period"], p["demands"])
		}
	}
	resp, err := http.Get(env.URL + "/transparency")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "<td>0-9</td>") || strings.Contains(string(b), "<td>1</td>") {
		t.Fatal("/transparency shows exact small counts with ranges on")
	}
}
