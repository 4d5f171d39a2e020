package membership_test

import (
	"context"
	"encoding/binary"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"publius/internal/membership"
	"publius/internal/membership/merkle"
	"publius/internal/store"
	"publius/internal/store/sqlite"
	"publius/internal/zk"
)

// fillGroup creates group slug holding n pseudo-random commitments, written
// straight into SQLite in one transaction (going through AddMember a
// million times would take minutes), with the matching root.
func fillGroup(tb testing.TB, db *sqlite.DB, slug string, n int) *store.Group {
	tb.Helper()
	ctx := context.Background()
	g := &store.Group{Slug: slug, Name: slug}
	if err := db.CreateGroup(ctx, g); err != nil {
		tb.Fatal(err)
	}
	leaves := make([]zk.Element, n)
	for i := range leaves {
		var b [32]byte
		binary.BigEndian.PutUint64(b[24:], uint64(i)+1)
		binary.BigEndian.PutUint64(b[8:], uint64(i)*0x9e3779b97f4a7c15)
		leaves[i].SetBytes(b[:])
	}
	tx, err := db.WriteDB().Begin()
	if err != nil {
		tb.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO membership_leaves (group_id, idx, commitment) VALUES (?, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range leaves {
		b := leaves[i].Bytes()
		if _, err := stmt.Exec(g.ID, i, b[:]); err != nil {
			tb.Fatal(err)
		}
	}
	t, err := merkle.FromLeaves(leaves)
	if err != nil {
		tb.Fatal(err)
	}
	root := t.Root()
	rb := root.Bytes()
	if _, err := tx.Exec(`UPDATE membership_groups SET leaf_count = ?1, member_count = ?1, version = 1 WHERE id = ?2`, n, g.ID); err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO membership_roots (group_id, seq, leaf_idx, root, size, created_on) VALUES (?, 1, ?, ?, ?, '2026-01-01')`, g.ID, n-1, rb[:], n); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	g, err = db.GroupBySlug(ctx, slug)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func openDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkLoad1M loads a 1M-leaf group from SQLite into the service's
// tree (target: 20 s) and reports the process RSS with it loaded.
func BenchmarkLoad1M(b *testing.B) {
	db := openDB(b)
	fillGroup(b, db, "big", 1<<20)
	runtime.GC()
	before := rssMiB()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		svc := membership.NewService(db, nil, 64, nil)
		start := time.Now()
		if err := svc.Preload(context.Background(), "big"); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/load")
		runtime.GC()
		b.ReportMetric(rssMiB(), "MiB-rss")
		b.ReportMetric(before, "MiB-rss-before")
	}
}

// BenchmarkAddMember measures AddMember on a loaded 100k-leaf group: the
// duplicate check, the O(depth) tree update and the SQLite transaction.
func BenchmarkAddMember(b *testing.B) {
	db := openDB(b)
	fillGroup(b, db, "gg", 100_000)
	svc := membership.NewService(db, nil, 64, nil)
	ctx := context.Background()
	if err := svc.Preload(ctx, "gg"); err != nil {
		b.Fatal(err)
	}
	op := &store.Account{Admin: true}
	ids := make([]string, b.N)
	for i := range ids {
		id, err := zk.NewIdentity()
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = zk.EncodeElement(id.Commitment())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.AddMember(ctx, op, "gg", ids[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendLeafStore isolates the database write of AddMember.
func BenchmarkAppendLeafStore(b *testing.B) {
	db := openDB(b)
	g := fillGroup(b, db, "gg", 100_000)
	ctx := context.Background()
	root := make([]byte, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := make([]byte, 32)
		binary.BigEndian.PutUint64(c[8:], uint64(i)+7)
		c[0] = 1
		if _, err := db.AppendLeaf(ctx, store.LeafChange{GroupID: g.ID, Version: g.Version + int64(i),
			Index: g.LeafCount + uint64(i), Commitment: c, Root: root}); err != nil {
			b.Fatal(err)
		}
	}
}
