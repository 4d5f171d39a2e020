package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// The store dates history rows with the wall clock's UTC day. These tests
// never assume that day stays the same: they read "today" before and after
// acting and accept either, and insist on a single row only when the day
// did not change in between.

var (
	// dawn and dusk bound every stored day.
	dawn = time.Time{}
	dusk = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func sameDays(a, b []store.DayCount) bool {
	return slices.EqualFunc(a, b, func(x, y store.DayCount) bool { return x.Day.Equal(y.Day) && x.Followers == y.Followers })
}

// history reads a's stored follower counts in [from, to].
func (e *env) history(a *store.Account, from, to time.Time) []store.DayCount {
	e.t.Helper()
	rows, err := e.s.FollowerHistory(e.ctx, a.ID, from, to)
	if err != nil {
		e.t.Fatalf("FollowerHistory(%s): %v", a.Handle, err)
	}
	return rows
}

// checkHistory checks that a's history is well formed (ascending, one row
// a day, midnight UTC) and that its last row is on a day in [first, last]
// and equals the account's follower count, which must be want.
func (e *env) checkHistory(a *store.Account, first, last time.Time, want int64) []store.DayCount {
	e.t.Helper()
	rows := e.history(a, dawn, dusk)
	for i, r := range rows {
		if !r.Day.Equal(r.Day.UTC().Truncate(24*time.Hour)) || r.Day.Location() != time.UTC {
			e.t.Errorf("@%s history row %d: day %v is not midnight UTC", a.Handle, i, r.Day)
		}
		if i > 0 && !r.Day.After(rows[i-1].Day) {
			e.t.Errorf("@%s history not one row a day, ascending: %v", a.Handle, rows)
		}
	}
	if len(rows) == 0 {
		e.t.Fatalf("@%s has no follower history", a.Handle)
	}
	end := rows[len(rows)-1]
	if end.Day.Before(first) || end.Day.After(last) {
		e.t.Errorf("@%s last history day %s, want between %s and %s", a.Handle,
			end.Day.Format(time.DateOnly), first.Format(time.DateOnly), last.Format(time.DateOnly))
	}
	if got := e.reload(a).FollowersCount; end.Followers != got || got != want {
		e.t.Errorf("@%s last history count %d, followers_count %d, want both %d", a.Handle, end.Followers, got, want)
	}
	return rows
}

var historyTests = map[string]func(*testing.T, *env){
	"StartsAtZeroOnCreationDay": func(t *testing.T, e *env) {
		created := day(2021, 6, 3)
		a := &store.Account{ID: id.AccountID(created), Handle: "early", CreatedOn: created.Add(15 * time.Hour)}
		if err := e.s.CreateAccount(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		got := e.history(a, dawn, dusk)
		if want := []store.DayCount{{Day: created, Followers: 0}}; !sameDays(got, want) {
			t.Errorf("history of a new account = %v, want %v", got, want)
		}
	},
	"SameDayKeepsOneRowWithLatestCount": func(t *testing.T, e *env) {
		first := today()
		a, f1, f2, f3 := e.account("alice"), e.account("f1"), e.account("f2"), e.account("f3")
		e.follow(f1, a)
		e.follow(f2, a)
		e.follow(f2, a) // no change
		e.follow(f3, a)
		for _, f := range []*store.Account{f1, f3, f1} { // the second is a no-op
			if err := e.s.Unfollow(e.ctx, f.ID, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		last := today()
		rows := e.checkHistory(a, first, last, 1)
		if first.Equal(last) && len(rows) != 1 {
			t.Errorf("history after same-day follows = %v, want one row for %s", rows, first.Format(time.DateOnly))
		}
		// The followers' own follower counts never moved: still the creation row.
		e.checkHistory(f1, first, last, 0)
		if first.Equal(last) && len(e.history(f1, dawn, dusk)) != 1 {
			t.Errorf("follower's history grew: %v", e.history(f1, dawn, dusk))
		}
	},
	"ConcurrentFollowsMatchCount": func(t *testing.T, e *env) {
		first := today()
		target := e.account("target")
		followers := make([]*store.Account, 40)
		for i := range followers {
			followers[i] = e.account(fmt.Sprintf("c%02d", i))
		}
		run := func(op func(f *store.Account) error, fs []*store.Account) {
			var wg sync.WaitGroup
			errs := make(chan error, 2*len(fs))
			for _, f := range fs {
				for range 2 { // each acts twice, concurrently with itself too
					wg.Go(func() { errs <- op(f) })
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		run(func(f *store.Account) error { return e.s.Follow(e.ctx, f.ID, target.ID) }, followers)
		e.checkHistory(target, first, today(), 40)
		run(func(f *store.Account) error { return e.s.Unfollow(e.ctx, f.ID, target.ID) }, followers[:15])
		e.checkHistory(target, first, today(), 25)
	},
	"DeletedFollowerUpdatesTarget": func(t *testing.T, e *env) {
		first := today()
		target, gone, stays := e.account("target"), e.account("gone"), e.account("stays")
		e.follow(gone, target)
		e.follow(stays, target)
		e.follow(target, gone)
		e.checkHistory(target, first, today(), 2)
		if err := e.s.DeleteAccount(e.ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		e.checkHistory(target, first, today(), 1)
		e.checkHistory(stays, first, today(), 0)
	},
	"DeletedAccountHistoryGone": func(t *testing.T, e *env) {
		first := today()
		created := day(2022, 1, 10)
		a := &store.Account{ID: id.AccountID(created), Handle: "leaving", CreatedOn: created}
		if err := e.s.CreateAccount(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		f, other := e.account("fan"), e.account("other")
		e.follow(f, a)
		e.follow(a, other)
		e.follow(a, a) // the store allows a self-follow (the API refuses it)
		if got := e.history(a, dawn, dusk); len(got) < 2 {
			t.Fatalf("history before deletion = %v, want the creation row and today's", got)
		}
		if err := e.s.DeleteAccount(e.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.history(a, dawn, dusk); len(got) != 0 {
			t.Errorf("deleted account keeps follower history %v", got)
		}
		e.checkHistory(other, first, today(), 0)
		e.checkHistory(f, first, today(), 0)
	},
	"RangeFiltering": func(t *testing.T, e *env) {
		created := day(2020, 3, 1)
		a := &store.Account{ID: id.AccountID(created), Handle: "ranged", CreatedOn: created}
		if err := e.s.CreateAccount(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		first := today()
		e.follow(e.account("fan"), a)
		all := e.checkHistory(a, first, today(), 1)
		if len(all) != 2 || !all[0].Day.Equal(created) || all[0].Followers != 0 {
			t.Fatalf("history = %v, want the creation row and today's", all)
		}
		now := all[1].Day
		cases := []struct {
			name     string
			from, to time.Time
			want     []store.DayCount
		}{
			{"everything", dawn, dusk, all},
			{"the creation day alone", created, created, all[:1]},
			{"bounds are days, times of day ignored", created.Add(23 * time.Hour), now.Add(time.Hour), all},
			{"from after the creation day", created.AddDate(0, 0, 1), dusk, all[1:]},
			{"to before today", dawn, now.AddDate(0, 0, -1), all[:1]},
			{"a range between the rows", created.AddDate(0, 0, 1), now.AddDate(0, 0, -1), nil},
			{"before the first row", dawn, created.AddDate(0, 0, -1), nil},
			{"after the last row", now.AddDate(0, 0, 1), dusk, nil},
			{"from after to", now, created, nil},
			{"today alone", now, now, all[1:]},
		}
		for _, c := range cases {
			got := e.history(a, c.from, c.to)
			if !sameDays(got, c.want) {
				t.Errorf("%s [%s, %s]: got %v, want %v", c.name, c.from.Format(time.DateOnly),
					c.to.Format(time.DateOnly), got, c.want)
			}
		}
	},
	"UnknownAccountHasNoHistory": func(t *testing.T, e *env) {
		for _, x := range []string{id.AccountID(today()), "not-an-id", ""} {
			got, err := e.s.FollowerHistory(e.ctx, x, dawn, dusk)
			if err != nil || len(got) != 0 {
				t.Errorf("FollowerHistory(%q) = %v, %v; want empty", x, got, err)
			}
		}
	},
}
