package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

func openDir(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPragmas(t *testing.T) {
	db := openDir(t, t.TempDir())
	want := map[string]string{
		"journal_mode":  "wal",
		"foreign_keys":  "1",
		"secure_delete": "1",
		"synchronous":   "1", // NORMAL
	}
	for pragma, v := range want {
		var got string
		if err := db.WriteDB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("writer PRAGMA %s = %s, want %s", pragma, got, v)
		}
	}
	for pragma, v := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "query_only": "1"} {
		var got string
		if err := db.ReadDB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("reader PRAGMA %s = %s, want %s", pragma, got, v)
		}
	}
	if fi, err := os.Stat(db.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDir(t, dir)
	a := &store.Account{ID: id.AccountID(time.Now()), Handle: "keep", CreatedOn: time.Now()}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for range 2 {
		db = openDir(t, dir)
		if _, err := db.AccountByHandle(ctx, "keep"); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		db.Close()
	}
	db = openDir(t, dir)
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var applied, distinct int
	if err := db.ReadDB().QueryRow(`SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != len(names) || distinct != len(names) {
		t.Errorf("schema_migrations has %d rows (%d distinct), want %d", applied, distinct, len(names))
	}
}

// TestDeletedTextLeavesNoBytes writes unique markers, deletes them, and scans
// the raw database, WAL and shared-memory files for any trace.
func TestDeletedTextLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDir(t, dir)
	marker := "publius-scrub-marker-" + rand.Text()
	bio := "publius-bio-marker-" + rand.Text()
	ids := id.NewGenerator()
	alice := &store.Account{ID: id.AccountID(time.Now()), Handle: "alice", CreatedOn: time.Now()}
	bob := &store.Account{ID: id.AccountID(time.Now()), Handle: "bob", CreatedOn: time.Now(), Note: bio}
	for _, a := range []*store.Account{alice, bob} {
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	post := func(author *store.Account, text string) string {
		s := &store.Status{ID: ids.Next(), AccountID: author.ID, Text: text, Content: "<p>" + text + "</p>",
			Visibility: store.VisibilityPublic}
		if _, err := db.CreateStatus(ctx, s, "key-"+s.ID); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	var doomed []string
	for i := range 20 {
		post(alice, "neighbour "+strings.Repeat("x", i*50))
		doomed = append(doomed, post(alice, "short "+marker))
	}
	// Long enough to spill onto overflow pages.
	doomed = append(doomed, post(alice, strings.Repeat(marker+" ", 600)))
	post(bob, "bob stays")

	files := []string{"publius.db", "publius.db-wal", "publius.db-shm"}
	found := func(m string) []string {
		var in []string
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(m)) {
				in = append(in, f)
			}
		}
		return in
	}
	// The scan must see the markers before deletion, or it proves nothing.
	if len(found(marker)) == 0 || len(found(bio)) == 0 {
		t.Fatalf("markers not found before deletion (status in %v, bio in %v)", found(marker), found(bio))
	}
	for _, sid := range doomed {
		if err := db.DeleteStatus(ctx, sid); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteAccount(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Scrub(ctx); err != nil {
		t.Fatal(err)
	}
	if in := found(marker); len(in) > 0 {
		t.Errorf("deleted status text still present in %v", in)
	}
	if in := found(bio); len(in) > 0 {
		t.Errorf("deleted account's bio still present in %v", in)
	}
	// The survivors are intact.
	if n, _ := db.CountStatuses(ctx); n != 20 {
		t.Errorf("CountStatuses = %d, want 20", n)
	}
}

// TestDeleteAccountLeavesNoRows checks, below the interface, that nothing
// but the tombstone row refers to a deleted account.
func TestDeleteAccountLeavesNoRows(t *testing.T) {
	ctx := context.Background()
	db := openDir(t, t.TempDir())
	ids := id.NewGenerator()
	alice := &store.Account{ID: id.AccountID(time.Now()), Handle: "alice", CreatedOn: time.Now()}
	bob := &store.Account{ID: id.AccountID(time.Now()), Handle: "bob", CreatedOn: time.Now()}
	for _, a := range []*store.Account{alice, bob} {
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		s := &store.Status{ID: ids.Next(), AccountID: alice.ID, Text: "t #tag", Content: "t", Visibility: store.VisibilityPublic,
			Mentions: []string{bob.ID}, Tags: []string{"tag"}}
		if _, err := db.CreateStatus(ctx, s, fmt.Sprint("key-", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Follow(ctx, alice.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Follow(ctx, bob.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	app := &store.App{Name: "a", ClientID: "c", ClientSecret: "s", RedirectURIs: []string{"x"}, Scopes: []string{"read"}}
	if err := db.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateToken(ctx, &store.Token{Hash: "h", AppID: app.ID, AccountID: alice.ID, CreatedOn: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAccount(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	v, _ := parseID(alice.ID)
	for _, q := range []string{
		`SELECT count(*) FROM statuses WHERE account_id = ?1`,
		`SELECT count(*) FROM status_mentions m JOIN statuses s ON s.id = m.status_id WHERE s.account_id = ?1`,
		`SELECT count(*) FROM status_tags`,
		`SELECT count(*) FROM status_mentions`,
		`SELECT count(*) FROM idempotency_keys WHERE account_id = ?1`,
		`SELECT count(*) FROM follows WHERE follower_id = ?1 OR target_id = ?1`,
		`SELECT count(*) FROM tokens WHERE account_id = ?1`,
		`SELECT count(*) FROM accounts WHERE id = ?1 AND (display_name <> '' OR note <> '' OR fields <> '[]' OR passphrase_hash <> '')`,
	} {
		var n int
		if err := db.ReadDB().QueryRow(q, v).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s = %d after DeleteAccount, want 0", q, n)
		}
	}
}
