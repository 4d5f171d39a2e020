// Package disclosuretest measures the disclosure surface: it collects every
// artifact a running server leaves (every row and column of the database,
// every file under the data dir as raw bytes, the log, the metrics) and
// scans them for data Publius must never keep (DESIGN.md, "Data we never
// store"). The surface test drives a realistic workload and requires an
// empty scan; the scanner's own tests show it reports planted leaks.
package disclosuretest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Cell is one value of one row of one table.
type Cell struct {
	Table, Column string
	Value         any // int64, float64, string, []byte or nil
}

// Artifacts is everything a server left behind.
type Artifacts struct {
	Tables  []string
	Cells   []Cell
	Files   map[string][]byte // path relative to the data dir → raw bytes
	Log     string            // the JSON log lines
	Metrics string            // the /metrics output
}

// Secrets is what the workload sent or created that must not be kept.
type Secrets struct {
	IPs          []string // every address sent in headers, and every real peer address
	UserAgents   []string
	Emails       []string
	DeletedTexts []string // unique markers of deleted posts and accounts, or bytes of deleted rows
	// Identifiers (account IDs, handles, tokens, status IDs) may live in
	// the database but must never reach the log or the metrics.
	Identifiers []string
}

// Finding is one leak: where it was and what it was.
type Finding struct {
	Where string // "table accounts.note", "file publius.db-wal", "log line 3", "metrics"
	What  string // "IP address 203.0.113.7", "timestamp 2026-11-25T19:02:11Z"
}

func (f Finding) String() string { return f.Where + ": " + f.What }

// StatusIDColumns hold status IDs, which encode their post's time to the
// millisecond. Posts are public and timestamped by design (every client
// shows created_at), so a status ID reveals nothing the post itself does
// not; these columns are exempt from the timestamp scan. Nothing else is.
// A legal notice is a (direct) status of @legal like any other, kept with
// its ID in statuses and status_mentions; legal_demand_notices points at it.
var StatusIDColumns = map[string]bool{
	"statuses.id": true, "statuses.in_reply_to_id": true, "accounts.last_status_id": true,
	"status_mentions.status_id": true, "status_tags.status_id": true, "idempotency_keys.status_id": true,
	"membership_post_proofs.status_id": true, "legal_demand_notices.status_id": true,
}

var (
	ipv4Pattern = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	// An ISO-8601/SQL datetime with a time of day: finer than a day.
	dateTimePattern = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?`)
	emailPattern    = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// CollectDB reads every table (from sqlite_master) and every column of
// every row with SELECT *.
func CollectDB(ctx context.Context, db *sql.DB, a *Artifacts) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	a.Tables = tables
	for _, table := range tables {
		if err := collectTable(ctx, db, table, a); err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
	}
	return nil
}

func collectTable(ctx context.Context, db *sql.DB, table string, a *Artifacts) error {
	rows, err := db.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			a.Cells = append(a.Cells, Cell{Table: table, Column: cols[i], Value: v})
		}
	}
	return rows.Err()
}

// CollectFiles reads every regular file under dir as raw bytes.
func CollectFiles(dir string, a *Artifacts) error {
	if a.Files == nil {
		a.Files = map[string][]byte{}
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		a.Files[rel] = data
		return nil
	})
}

// Scan reports every leak of s in a. now anchors the timestamp scan: an
// integer within two days of it, as Unix seconds or milliseconds or as a
// status-style ID, is a time finer than a day.
func Scan(a Artifacts, s Secrets, now time.Time) []Finding {
	var out []Finding
	add := func(where, what string) { out = append(out, Finding{where, what}) }
	needles := func(where, text string) {
		for _, ip := range s.IPs {
			if strings.Contains(text, ip) {
				add(where, "IP address "+ip)
			}
		}
		for _, m := range ipv4Pattern.FindAllString(text, -1) {
			if !slices.Contains(s.IPs, m) {
				add(where, "IP address "+m)
			}
		}
		for _, ua := range s.UserAgents {
			if strings.Contains(text, ua) {
				add(where, "user agent "+ua)
			}
		}
		for _, e := range s.Emails {
			if strings.Contains(strings.ToLower(text), strings.ToLower(e)) {
				add(where, "email "+e)
			}
		}
		for _, d := range s.DeletedTexts {
			if strings.Contains(text, d) {
				add(where, "deleted text "+printable(d))
			}
		}
	}
	// Database: every value, by table and column.
	for _, c := range a.Cells {
		where := "table " + c.Table + "." + c.Column
		switch v := c.Value.(type) {
		case int64:
			if !StatusIDColumns[c.Table+"."+c.Column] {
				if t, ok := nearInt(v, now); ok {
					add(where, "timestamp "+t)
				}
			}
		case float64:
			if t, ok := nearInt(int64(v), now); ok {
				add(where, "timestamp "+t)
			}
		case string, []byte:
			text := fmt.Sprint(asString(v))
			needles(where, text)
			if m := dateTimePattern.FindString(text); m != "" {
				add(where, "timestamp "+m)
			}
			if n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64); err == nil && !StatusIDColumns[c.Table+"."+c.Column] {
				if t, ok := nearInt(n, now); ok {
					add(where, "timestamp "+t)
				}
			}
			for _, m := range emailPattern.FindAllString(text, -1) {
				add(where, "email-like value "+m)
			}
		}
	}
	// Files: raw bytes, including the WAL and anything a future feature adds.
	names := make([]string, 0, len(a.Files))
	for n := range a.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := a.Files[n]
		where := "file " + n
		for _, lst := range [][]string{s.IPs, s.UserAgents, s.Emails, s.DeletedTexts} {
			for _, needle := range lst {
				if bytes.Contains(data, []byte(needle)) {
					add(where, "contains "+printable(needle))
				}
			}
		}
		for _, m := range dateTimePattern.FindAll(data, -1) {
			add(where, "timestamp "+string(m))
		}
	}
	// Log: one JSON object per line; only the record's own "time" may carry
	// a time of day, and no line may name an account, session or post.
	for i, line := range strings.Split(strings.TrimSpace(a.Log), "\n") {
		if line == "" {
			continue
		}
		where := fmt.Sprintf("log line %d", i+1)
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			add(where, "not a JSON log record: "+line)
			continue
		}
		delete(rec, "time")
		// The startup line names the server's own listen address, which is
		// configuration, not a client's address; nothing else may.
		if rec["msg"] == "listening" {
			delete(rec, "addr")
		}
		rest, _ := json.Marshal(rec)
		text := string(rest)
		needles(where, text)
		identifiers(where, text, s.Identifiers, add)
		if m := dateTimePattern.FindString(text); m != "" {
			add(where, "timestamp "+m)
		}
	}
	// Metrics: labels are methods, route patterns and status classes.
	needles("metrics", a.Metrics)
	identifiers("metrics", a.Metrics, s.Identifiers, add)
	if m := dateTimePattern.FindString(a.Metrics); m != "" {
		add("metrics", "timestamp "+m)
	}
	return out
}

func identifiers(where, text string, ids []string, add func(string, string)) {
	for _, v := range ids {
		if v != "" && strings.Contains(text, v) {
			add(where, "identifier "+v)
		}
	}
}

// nearInt reports whether v, read as Unix seconds, Unix milliseconds or a
// status-style ID (milliseconds << 16), falls within two days of now.
func nearInt(v int64, now time.Time) (string, bool) {
	const window = 48 * time.Hour
	candidates := []time.Time{time.Unix(v, 0), time.UnixMilli(v)}
	if v > 0 {
		candidates = append(candidates, time.UnixMilli(v>>16))
	}
	for _, t := range candidates {
		if d := t.Sub(now); d > -window && d < window {
			return fmt.Sprintf("%d (%s)", v, t.UTC().Format(time.RFC3339)), true
		}
	}
	return "", false
}

// printable shows a secret as is, or in hex when it is binary (a deleted
// proof's nullifier, say).
func printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	return "0x" + hex.EncodeToString([]byte(s))
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
