package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"publius/internal/store"
)

// Home pages (the in-memory recent index, its floor, the windowed query
// below it) must be exactly the pages of the plain merge, for dense and
// sparse timelines, at every depth, with since_id too.
func TestHomeTimelineMatchesFullMerge(t *testing.T) {
	// 0: the default capacity holds everything; 60 and 7 put most of the
	// timeline below the index's floor.
	for _, capacity := range []int{0, 60, 7} {
		t.Run(fmt.Sprint("capacity ", capacity), func(t *testing.T) { checkHomeMatchesMerge(t, capacity) })
	}
}

func checkHomeMatchesMerge(t *testing.T, capacity int) {
	db := openTest(t)
	db.recent.capacity = capacity
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	const accounts = 30
	for i := 1; i <= accounts; i++ {
		a := &store.Account{ID: formatID(int64(i)), Handle: fmt.Sprintf("h%d", i), CreatedOn: time.Now()}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i > 1 && i%3 != 0 { // viewer 1 follows two in three
			if err := db.Follow(ctx, formatID(1), formatID(int64(i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A few recent posts, then gaps of hours to months: every widening step.
	now := time.Now()
	var all []int64
	for i := range 300 {
		age := time.Duration(r.Int64N(int64(time.Hour)))
		switch {
		case i > 250:
			age = time.Duration(r.Int64N(int64(400 * 24 * time.Hour)))
		case i > 100:
			age = time.Duration(r.Int64N(int64(20 * 24 * time.Hour)))
		}
		v := now.Add(-age).UnixMilli()<<16 | int64(i)
		all = append(all, v)
		vis := []string{"public", "unlisted", "private", "direct"}[i%4]
		st := &store.Status{ID: formatID(v), AccountID: formatID(int64(1 + r.IntN(accounts))), Text: "x", Content: "x", Visibility: vis}
		if vis == "direct" && i%8 == 3 {
			st.Mentions = []string{formatID(1)} // the viewer sees these
		}
		if _, err := db.CreateStatus(ctx, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(all)
	viewer := formatID(1)
	check := func(p store.Page) {
		t.Helper()
		got, err := db.HomeTimeline(ctx, viewer, p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.homeIDs(ctx, 1, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("page %+v: %d statuses, want %d", p, len(got), len(want))
		}
		for i := range got {
			if v, _ := parseID(got[i].ID); v != want[i].(int64) {
				t.Fatalf("page %+v: item %d is %d, want %d", p, i, v, want[i])
			}
		}
	}
	for _, limit := range []int{1, 20, 40} {
		check(store.Page{Limit: limit})
		for _, i := range []int{0, 5, 50, 150, 260, 299} {
			check(store.Page{Limit: limit, MaxID: formatID(all[i])})
			check(store.Page{Limit: limit, SinceID: formatID(all[i])})
			check(store.Page{Limit: limit, MaxID: formatID(all[len(all)-1]), SinceID: formatID(all[i])})
		}
	}
	// Walking max_id pages visits every visible status once, newest first.
	seen := map[string]bool{}
	p := store.Page{Limit: 20}
	for {
		page, err := db.HomeTimeline(ctx, viewer, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if seen[s.ID] {
				t.Fatalf("status %s twice", s.ID)
			}
			seen[s.ID] = true
		}
		p.MaxID = page[len(page)-1].ID
	}
	full, err := db.homeIDs(ctx, 1, store.Page{Limit: 1000}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(full) || len(full) < 150 {
		t.Fatalf("walked %d statuses, the timeline has %d", len(seen), len(full))
	}
}

// The recent index follows this process's writes at once, and another
// process's (an admin command on the same file) after the tail query: its
// inserts appear, its deletions are noticed when the rows are loaded.
func TestHomeTimelineFollowsWritesAfterLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.recent.capacity = 30
	other, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := 1; i <= 5; i++ {
		a := &store.Account{ID: formatID(int64(i)), Handle: fmt.Sprintf("h%d", i), CreatedOn: time.Now()}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i > 2 {
			if err := db.Follow(ctx, formatID(1), formatID(int64(i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	next := time.Now().UnixMilli() << 16
	post := func(on *DB, author int) int64 {
		t.Helper()
		next += 1 << 16
		st := &store.Status{ID: formatID(next), AccountID: formatID(int64(author)), Text: "x", Content: "x", Visibility: "public"}
		if _, err := on.CreateStatus(ctx, st, ""); err != nil {
			t.Fatal(err)
		}
		return next
	}
	check := func(when string) {
		t.Helper()
		for _, p := range []store.Page{{Limit: 20}, {Limit: 40}, {Limit: 5, MaxID: formatID(next - 10<<16)}} {
			got, err := db.HomeTimeline(ctx, formatID(1), p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.homeIDs(ctx, 1, p, 0)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]any, len(got))
			for i, s := range got {
				v, _ := parseID(s.ID)
				ids[i] = v
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("%s, page %+v:\n got %v\nwant %v", when, p, ids, want)
			}
		}
	}
	for i := range 20 {
		post(db, 1+i%5)
	}
	check("after loading")
	var mine []int64
	for i := range 60 { // past capacity: the index trims and raises its floor
		mine = append(mine, post(db, 1+i%5))
	}
	check("after this process's posts")
	for _, id := range mine[len(mine)-10:] {
		if err := db.DeleteStatus(ctx, formatID(id)); err != nil {
			t.Fatal(err)
		}
	}
	check("after this process's deletions")
	theirs := []int64{post(other, 3), post(other, 4), post(other, 1)}
	time.Sleep(recentSyncEvery + 50*time.Millisecond)
	check("after another process's posts")
	for _, id := range append(theirs, mine[len(mine)-20:len(mine)-15]...) {
		if err := other.DeleteStatus(ctx, formatID(id)); err != nil {
			t.Fatal(err)
		}
	}
	check("after another process's deletions")
}
