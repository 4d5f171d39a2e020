package sqlite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"publius/internal/store"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The same query run again while its first rows are still open (possible
// inside one transaction) must not reset the cached statement under them.
func TestCachedStatementWhileRowsOpen(t *testing.T) {
	db := openTest(t)
	// Without the busy guard the inner query loops forever: bound it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		a := &store.Account{ID: formatID(int64(i + 1)), Handle: fmt.Sprintf("a%d", i), CreatedOn: time.Now()}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT id FROM accounts ORDER BY id`
	outer, err := tx.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for outer.Next() {
		var id int64
		if err := outer.Scan(&id); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("inner query: %v", err)
		}
		got = append(got, id)
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("outer rows = %v, want [1 2 3]", got)
	}
}

// Driver errors keep their type through the cache: a duplicate handle is
// still recognised as a conflict, on the cached path and off it.
func TestCachedStatementErrors(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for i := range 3 {
		a := &store.Account{ID: formatID(int64(i + 10)), Handle: "same", CreatedOn: time.Now()}
		err := db.CreateAccount(ctx, a)
		if i == 0 && err != nil {
			t.Fatal(err)
		}
		if i > 0 && !errors.Is(err, store.ErrConflict) {
			t.Fatalf("attempt %d: err = %v, want ErrConflict", i, err)
		}
	}
	// Scripts (several statements) run unprepared and completely.
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t1 (x); CREATE TABLE t2 (y); INSERT INTO t2 VALUES (1);`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM t2`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("script ran partly: n=%d err=%v", n, err)
	}
}
