package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// benchData is a seeded database: a viewer following benchFollows accounts
// among benchAccounts, benchPosts posts spread over 30 days.
type benchData struct {
	db       *DB
	viewer   string
	accounts []int64
}

const (
	benchAccounts = 5000
	benchPosts    = 100_000
	benchFollows  = 1000
)

// seedBench bulk-loads rows straight through the writer connection; going
// through CreateStatus for 100k posts would take most of a minute.
func seedBench(b *testing.B) *benchData {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	r := rand.New(rand.NewPCG(1, 2))
	d := &benchData{db: db}
	day := time.Now().UTC().Format(dayLayout)
	for i := range benchAccounts {
		d.accounts = append(d.accounts, int64(i+1)*1_000_003)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		ins := func(table, cols string, n, width int, row func(i int) []any) error {
			one := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
			for i := 0; i < n; i += 200 {
				k := min(200, n-i)
				var args []any
				for j := range k {
					args = append(args, row(i+j)...)
				}
				q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", k), ",")
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		}
		if err := ins("accounts", "id, handle, created_on", benchAccounts, 3, func(i int) []any {
			return []any{d.accounts[i], fmt.Sprintf("user%d", i), day}
		}); err != nil {
			return err
		}
		// Account 0 is the viewer; it follows accounts 1..benchFollows.
		if err := ins("follows", "follower_id, target_id", benchFollows, 2, func(i int) []any {
			return []any{d.accounts[0], d.accounts[i+1]}
		}); err != nil {
			return err
		}
		start := time.Now().Add(-30 * 24 * time.Hour).UnixMilli()
		step := int64(30*24*time.Hour/time.Millisecond) / benchPosts
		return ins("statuses", "id, account_id, text, content, visibility", benchPosts, 5, func(i int) []any {
			text := fmt.Sprintf("post %d", i)
			return []any{(start+int64(i)*step)<<16 | int64(i&0xffff), d.accounts[r.IntN(benchAccounts)], text, "<p>" + text + "</p>", "public"}
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	d.viewer = formatID(d.accounts[0])
	return d
}

// BenchmarkHomeTimeline reads the first page of a home timeline that merges
// about 20k posts of 1,000 followed accounts.
func BenchmarkHomeTimeline(b *testing.B) {
	d := seedBench(b)
	ctx := context.Background()
	for b.Loop() {
		list, err := d.db.HomeTimeline(ctx, d.viewer, store.Page{Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != 20 {
			b.Fatalf("got %d statuses, want 20", len(list))
		}
	}
}

// BenchmarkHomeTimelineDeep reads a page 10,000 posts into the past (an
// old max_id), where recent posts cannot help.
func BenchmarkHomeTimelineDeep(b *testing.B) {
	d := seedBench(b)
	ctx := context.Background()
	var v int64
	if err := d.db.read.QueryRowContext(ctx, `SELECT id FROM statuses ORDER BY id DESC LIMIT 1 OFFSET 10000`).Scan(&v); err != nil {
		b.Fatal(err)
	}
	maxID := formatID(v)
	for b.Loop() {
		list, err := d.db.HomeTimeline(ctx, d.viewer, store.Page{MaxID: maxID, Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != 20 {
			b.Fatalf("got %d statuses, want 20", len(list))
		}
	}
}

// BenchmarkCreateStatus posts as one account, serially and from parallel
// goroutines (the writer connection serialises them).
func BenchmarkCreateStatus(b *testing.B) {
	d := seedBench(b)
	ctx := context.Background()
	gen := id.NewGenerator()
	var n atomic.Int64
	author := formatID(d.accounts[1])
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			text := fmt.Sprintf("bench %d", i)
			_, err := d.db.CreateStatus(ctx, &store.Status{ID: gen.Next(), AccountID: author, Text: text,
				Content: "<p>" + text + "</p>", Visibility: store.VisibilityPublic}, "")
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
