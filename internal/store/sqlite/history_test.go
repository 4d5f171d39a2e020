package sqlite

import (
	"context"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// TestFollowerHistoryMigrationSeedsToday checks what migration 0006 does
// to accounts that existed before it: their history starts with today's
// count (what is true today) and nothing before it, and deleted accounts
// get none.
func TestFollowerHistoryMigrationSeedsToday(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDir(t, dir)
	old := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	var accounts []*store.Account
	for _, h := range []string{"star", "fan1", "fan2", "gone"} {
		a := &store.Account{ID: id.AccountID(old), Handle: h, CreatedOn: old}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	star, gone := accounts[0], accounts[3]
	for _, f := range accounts[1:] {
		if err := db.Follow(ctx, f.ID, star.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteAccount(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 0006, then reopen to apply it again.
	for _, q := range []string{`DROP TABLE follower_counts`, `DELETE FROM schema_migrations WHERE version = 6`} {
		if _, err := db.WriteDB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	first := time.Now().UTC().Truncate(24 * time.Hour)
	db = openDir(t, dir)
	last := time.Now().UTC().Truncate(24 * time.Hour)
	never := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := db.FollowerHistory(ctx, star.ID, time.Time{}, never)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Followers != 2 || got[0].Day.Before(first) || got[0].Day.After(last) {
		t.Errorf("star's seeded history = %v, want one row of 2 on today's day", got)
	}
	if got, _ := db.FollowerHistory(ctx, accounts[1].ID, time.Time{}, never); len(got) != 1 || got[0].Followers != 0 {
		t.Errorf("fan's seeded history = %v, want one row of 0", got)
	}
	if got, _ := db.FollowerHistory(ctx, gone.ID, time.Time{}, never); len(got) != 0 {
		t.Errorf("deleted account's seeded history = %v, want none", got)
	}
}
