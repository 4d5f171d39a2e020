package timeline

import (
	"context"
	"time"

	"publius/internal/store"
)

// MaxHistoryDays is the longest follower-history window served.
const MaxHistoryDays = 730

// FollowerSeries returns a's follower count for each day of the days days
// that end today (UTC), oldest first, one entry a day: a day without a
// stored row repeats the row before it (store.DayCount).
//
// Days before the first stored row are left out, not guessed: an account
// created since follower history exists starts with 0 on its creation day,
// so nothing of its life is missing; an account older than the feature
// starts on the day history began, and its counts before then were never
// kept (a zero there would be a lie, and so would the first count). The
// series may therefore be shorter than days, and never starts with an
// unknown day. An account with no stored row at all (one written to the
// database by other means) gets today's count alone.
//
// Counts are public, as on Mastodon, where followers_count is shown even
// when the follower lists are hidden; the series holds nothing a reader
// polling the count once a day would not see.
func (s *Service) FollowerSeries(ctx context.Context, a *store.Account, days int) ([]store.DayCount, error) {
	to := today()
	from := to.AddDate(0, 0, 1-max(days, 1))
	rows, err := s.store.FollowerHistory(ctx, a.ID, from, to)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].Day.After(from) {
		// The count on from is the last row before it. Look back a year
		// first: an account has a row a day at most, and reading all of a
		// busy account's years (1,826 rows for five) costs milliseconds.
		yearBefore := from.AddDate(-1, 0, 0)
		for _, w := range [][2]time.Time{{yearBefore, from.AddDate(0, 0, -1)}, {{}, yearBefore.AddDate(0, 0, -1)}} {
			prev, err := s.store.FollowerHistory(ctx, a.ID, w[0], w[1])
			if err != nil {
				return nil, err
			}
			if len(prev) > 0 {
				rows = append(prev[len(prev)-1:], rows...)
				break
			}
		}
	}
	if len(rows) == 0 {
		return []store.DayCount{{Day: to, Followers: a.FollowersCount}}, nil
	}
	return FillDays(rows, from, to), nil
}

// FillDays turns stored rows (ascending, one a day, any range) into one
// entry for each day of [from, to], each carrying the last row on or before
// it. Days before the first row are unknown and left out.
func FillDays(rows []store.DayCount, from, to time.Time) []store.DayCount {
	from, to = dayOf(from), dayOf(to)
	out := []store.DayCount{}
	i := 0
	known := false
	var count int64
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		for i < len(rows) && !dayOf(rows[i].Day).After(d) {
			count, known = rows[i].Followers, true
			i++
		}
		if known {
			out = append(out, store.DayCount{Day: d, Followers: count})
		}
	}
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func today() time.Time { return dayOf(time.Now()) }
