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

// The windowed home query must return exactly the pages of the plain merge,
// for dense and sparse timelines, at every depth, with since_id too.
func TestHomeTimelineWindowsMatchFullMerge(t *testing.T) {
	db := openTest(t)
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
		vis := []string{"public", "unlisted", "private"}[i%3]
		st := &store.Status{ID: formatID(v), AccountID: formatID(int64(1 + r.IntN(accounts))), Text: "x", Content: "x", Visibility: vis}
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
