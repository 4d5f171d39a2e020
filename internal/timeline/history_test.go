package timeline

import (
	"context"
	"fmt"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
	"publius/internal/store/sqlite"
)

func d(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }

func series(s []store.DayCount) string {
	out := ""
	for _, c := range s {
		out += fmt.Sprintf("%d:%d ", c.Day.Day(), c.Followers)
	}
	return out
}

func TestFillDays(t *testing.T) {
	rows := []store.DayCount{{Day: d(3), Followers: 0}, {Day: d(5), Followers: 32000}, {Day: d(6), Followers: 150000}, {Day: d(9), Followers: 149990}}
	cases := []struct {
		name     string
		rows     []store.DayCount
		from, to time.Time
		want     string
	}{
		{"no rows: nothing is known", nil, d(1), d(9), ""},
		{"days before the first row are left out", rows, d(1), d(6), "3:0 4:0 5:32000 6:150000 "},
		{"filled forward from a row before the range", rows, d(7), d(10), "7:150000 8:150000 9:149990 10:149990 "},
		{"a row on from", rows, d(5), d(6), "5:32000 6:150000 "},
		{"rows after to are ignored", rows, d(4), d(5), "4:0 5:32000 "},
		{"one day", rows, d(8), d(8), "8:150000 "},
		{"from after to", rows, d(8), d(7), ""},
		{"times of day are ignored", rows, d(5).Add(20 * time.Hour), d(6).Add(time.Hour), "5:32000 6:150000 "},
	}
	for _, c := range cases {
		if got := series(FillDays(c.rows, c.from, c.to)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if got := FillDays(nil, d(1), d(2)); got == nil {
		t.Error("FillDays returns nil for no days; want an empty list (JSON [])")
	}
	// Across a month end and a DST change in some zone: days stay UTC days.
	long := FillDays([]store.DayCount{{Day: d(1), Followers: 7}}, d(1), d(31).AddDate(0, 0, 5))
	if len(long) != 36 || !long[35].Day.Equal(time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC)) || long[35].Followers != 7 {
		t.Errorf("36-day fill: %d entries, last %v", len(long), long[len(long)-1])
	}
}

func TestFollowerSeries(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := NewService(db, "https://example.org", "example.org")
	first := today()
	account := func(handle string, created time.Time) *store.Account {
		t.Helper()
		a := &store.Account{ID: id.AccountID(created), Handle: handle, CreatedOn: created}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	fan := account("fan", first)
	reload := func(a *store.Account) *store.Account {
		t.Helper()
		got, err := db.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		name string
		age  int // days since creation
		want string
	}{
		{"created within the window", 10, "starts on the creation day"},
		{"last change within a year before the window", 200, "full window"},
		{"last change years before the window", 3 * 365, "full window"},
	} {
		a := account(fmt.Sprintf("a%d", c.age), first.AddDate(0, 0, -c.age))
		if err := db.Follow(ctx, fan.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.FollowerSeries(ctx, reload(a), 90)
		if err != nil {
			t.Fatal(err)
		}
		last := today()
		end := got[len(got)-1]
		if end.Followers != 1 || end.Day.Before(first) || end.Day.After(last) {
			t.Errorf("%s: ends with %v, want today's 1", c.name, end)
		}
		for _, d := range got[:len(got)-2] {
			if d.Followers != 0 {
				t.Errorf("%s: %v before today's follow, want 0", c.name, d)
			}
		}
		wantLen, wantStart := 90, end.Day.AddDate(0, 0, -89)
		if c.age < 89 {
			wantLen, wantStart = c.age+1+int(end.Day.Sub(first).Hours()/24), first.AddDate(0, 0, -c.age)
		}
		if len(got) != wantLen || !got[0].Day.Equal(wantStart) {
			t.Errorf("%s: %d days from %s, want %d from %s (%s)", c.name, len(got), got[0].Day.Format(time.DateOnly),
				wantLen, wantStart.Format(time.DateOnly), c.want)
		}
	}
	// An account whose rows were never written (bulk-loaded data) gets
	// today's count alone.
	bare := account("bare", first.AddDate(0, 0, -5))
	if err := db.Follow(ctx, fan.ID, bare.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WriteDB().ExecContext(ctx, `DELETE FROM follower_counts`); err != nil {
		t.Fatal(err)
	}
	got, err := s.FollowerSeries(ctx, reload(bare), 90)
	if err != nil || len(got) != 1 || got[0].Followers != 1 {
		t.Errorf("account without rows: %v, %v; want today's 1 alone", got, err)
	}
}
