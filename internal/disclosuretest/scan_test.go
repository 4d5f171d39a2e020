package disclosuretest_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"publius/internal/disclosuretest"
	"publius/internal/servertest"
	"publius/internal/store/sqlite"
)

// collect gathers a servertest server's artifacts.
func collect(t *testing.T, env *servertest.Env) disclosuretest.Artifacts {
	t.Helper()
	var a disclosuretest.Artifacts
	db := env.Server.Store.(*sqlite.DB)
	if err := disclosuretest.CollectDB(context.Background(), db.ReadDB(), &a); err != nil {
		t.Fatal(err)
	}
	if err := disclosuretest.CollectFiles(env.DataDir, &a); err != nil {
		t.Fatal(err)
	}
	a.Log = env.Log.String()
	a.Metrics = string(env.Must(t, 200, "GET", "/metrics", "", nil).Body)
	return a
}

// requireFinding fails unless some finding's text contains every part.
func requireFinding(t *testing.T, findings []disclosuretest.Finding, parts ...string) {
	t.Helper()
	for _, f := range findings {
		s := f.String()
		all := true
		for _, p := range parts {
			all = all && strings.Contains(s, p)
		}
		if all {
			return
		}
	}
	t.Errorf("no finding mentions %q; findings: %v", parts, findings)
}

const leakyUA = "LeakyClient/1.0 (fixture)"

// A middleware someone might add "for debugging": it logs the peer
// address, the user agent and the raw path. The scanner must name each.
func TestScannerCatchesLeakyRequestLog(t *testing.T) {
	env := servertest.Start(t)
	leakLog := slog.New(slog.NewJSONHandler(env.Log, nil))
	real := env.Server.Handler()
	leaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leakLog.Info("request", "remote", r.RemoteAddr, "ua", r.UserAgent(), "path", r.URL.Path,
			"at", time.Now().UTC().Format(time.RFC3339))
		real.ServeHTTP(w, r)
	}))
	defer leaky.Close()
	env.URL = leaky.URL
	u := env.Register(t, "leakfixture")
	env.Must(t, 200, "GET", "/api/v1/accounts/"+u.ID, "", nil, "User-Agent", leakyUA)

	findings := disclosuretest.Scan(collect(t, env), disclosuretest.Secrets{
		IPs: []string{"127.0.0.1"}, UserAgents: []string{leakyUA}, Identifiers: []string{u.ID, u.Handle},
	}, time.Now())
	requireFinding(t, findings, "log line", "IP address 127.0.0.1")
	requireFinding(t, findings, "log line", "user agent "+leakyUA)
	requireFinding(t, findings, "log line", "identifier "+u.ID)
	requireFinding(t, findings, "log line", "timestamp")
}

// A migration someone might write: a sessions table with the address,
// agent, email and last-seen time. The scanner must name the columns and
// the files, and the table check must name the table.
func TestScannerCatchesSessionTable(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "sessionfixture")
	db := env.Server.Store.(*sqlite.DB)
	now := time.Now()
	_, err := db.WriteDB().Exec(`CREATE TABLE sessions (account_id INTEGER, ip TEXT, agent TEXT, email TEXT,
		last_seen TEXT, seen_unix INTEGER, seen_ms INTEGER)`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.WriteDB().Exec(`INSERT INTO sessions VALUES (?, '203.0.113.7', ?, 'who@example.net', ?, ?, ?)`,
		u.ID, leakyUA, now.UTC().Format("2006-01-02 15:04:05"), now.Unix(), now.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	a := collect(t, env)
	findings := disclosuretest.Scan(a, disclosuretest.Secrets{
		IPs: []string{"203.0.113.7"}, UserAgents: []string{leakyUA}, Emails: []string{"who@example.net"},
	}, now)
	requireFinding(t, findings, "table sessions.ip", "IP address 203.0.113.7")
	requireFinding(t, findings, "table sessions.agent", "user agent "+leakyUA)
	requireFinding(t, findings, "table sessions.email", "email who@example.net")
	requireFinding(t, findings, "table sessions.last_seen", "timestamp")
	requireFinding(t, findings, "table sessions.seen_unix", "timestamp")
	requireFinding(t, findings, "table sessions.seen_ms", "timestamp")
	requireFinding(t, findings, "file publius.db", "contains 203.0.113.7")
	if got := undisclosedTables(a.Tables); len(got) != 1 || got[0] != "sessions" {
		t.Errorf("undisclosed tables %v, want [sessions]", got)
	}
}

// A delete without secure_delete and without Scrub leaves the text in the
// WAL; the scanner must find it there.
func TestScannerCatchesUnscrubbedDelete(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "scrubfixture")
	const marker = "UNSCRUBBED-MARKER-7731"
	id := env.Post(t, u, marker)
	db := env.Server.Store.(*sqlite.DB)
	if _, err := db.WriteDB().Exec(`PRAGMA secure_delete = 0`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.WriteDB().Exec(`PRAGMA secure_delete = 1`) })
	if _, err := db.WriteDB().Exec(`DELETE FROM statuses WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	findings := disclosuretest.Scan(collect(t, env), disclosuretest.Secrets{DeletedTexts: []string{marker}}, time.Now())
	requireFinding(t, findings, "file publius.db", "contains "+marker)
}

// Unit checks of the rules the fixtures do not reach.
func TestScanRules(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	statusID := int64(now.UnixMilli()) << 16
	a := disclosuretest.Artifacts{
		Cells: []disclosuretest.Cell{
			{Table: "statuses", Column: "id", Value: statusID},             // exempt: public post time
			{Table: "accounts", Column: "created_on", Value: "2026-11-25"}, // a day is fine
			{Table: "logins", Column: "id", Value: statusID},               // a time-bearing ID elsewhere is not
			{Table: "notes", Column: "body", Value: []byte("seen 10.1.2.3 at 2026-11-25T11:59")},
		},
		Files: map[string][]byte{"audit.log": []byte("x 2026-11-25T08:00:00Z y")},
		Log: `{"time":"2026-11-25T12:00:00Z","level":"INFO","msg":"listening","addr":"127.0.0.1:8080"}
{"time":"2026-11-25T12:00:01Z","level":"INFO","msg":"request","route":"GET /metrics","status":200}
not json`,
		Metrics: `x{route="/api/v1/accounts/000000000000000042"} 1`,
	}
	findings := disclosuretest.Scan(a, disclosuretest.Secrets{Identifiers: []string{"000000000000000042"}}, now)
	requireFinding(t, findings, "table logins.id", "timestamp")
	requireFinding(t, findings, "table notes.body", "IP address 10.1.2.3")
	requireFinding(t, findings, "table notes.body", "timestamp 2026-11-25T11:59")
	requireFinding(t, findings, "file audit.log", "timestamp")
	requireFinding(t, findings, "log line 3", "not a JSON log record")
	requireFinding(t, findings, "metrics", "identifier 000000000000000042")
	for _, f := range findings {
		if strings.Contains(f.Where, "statuses.id") || strings.Contains(f.Where, "created_on") ||
			f.Where == "log line 1" || f.Where == "log line 2" {
			t.Errorf("false positive: %s", f)
		}
	}
}
