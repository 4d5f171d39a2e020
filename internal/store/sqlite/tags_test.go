package sqlite

import (
	"context"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

func TestTagTimeline(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	newAccount := func(handle string) *store.Account {
		a := &store.Account{ID: id.AccountID(time.Now()), Handle: handle, CreatedOn: time.Now().UTC().Truncate(24 * time.Hour)}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	alice, mallory := newAccount("alice"), newAccount("mallory")
	ids := id.NewGenerator()
	post := func(a *store.Account, visibility string, tags ...string) string {
		s, err := db.CreateStatus(ctx, &store.Status{ID: ids.Next(), AccountID: a.ID, Text: "x", Content: "<p>x</p>",
			Visibility: visibility, Tags: tags}, "")
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	var want []string // newest first
	for i := 0; i < 5; i++ {
		want = append([]string{post(alice, store.VisibilityPublic, "go", "sqlite")}, want...)
		post(alice, store.VisibilityUnlisted, "go")
		post(alice, store.VisibilityPublic, "rust")
	}
	post(mallory, store.VisibilityPublic, "go")
	if err := db.SetSuspended(ctx, mallory.ID, true); err != nil {
		t.Fatal(err)
	}

	var got []string
	p := store.Page{Limit: 2}
	for range 10 {
		page, err := db.TagTimeline(ctx, "go", p)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			got = append(got, s.ID)
			if len(s.Tags) != 2 {
				t.Errorf("status %s has tags %v, want go and sqlite", s.ID, s.Tags)
			}
		}
		p.MaxID = page[len(page)-1].ID
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statuses %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("status %d is %s, want %s (no gaps, no duplicates, newest first)", i, got[i], want[i])
		}
	}
	newer, err := db.TagTimeline(ctx, "go", store.Page{MinID: want[2], Limit: 1})
	if err != nil || len(newer) != 1 || newer[0].ID != want[1] {
		t.Fatalf("min_id page = %v, %v; want [%s]", newer, err, want[1])
	}
	if none, err := db.TagTimeline(ctx, "nothing", store.Page{}); err != nil || len(none) != 0 {
		t.Fatalf("unknown tag: %v, %v", none, err)
	}
}
