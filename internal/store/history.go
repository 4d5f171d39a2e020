package store

import "time"

// DayCount is an account's follower count at the end of one UTC calendar
// day (or as last written that day). Backends keep one per account and day
// on which the count changed, written in the same transaction as the
// change:
//   - CreateAccount writes 0 on the creation day;
//   - Follow and Unfollow, when they change the target's count, write the
//     new count on today's day (UTC);
//   - DeleteAccount writes today's count of every account that loses the
//     deleted account as a follower, and removes the deleted account's own
//     history.
//
// The last row therefore equals Account.FollowersCount (for every account
// made by CreateAccount; a backend that starts keeping history records each
// existing account's count on that day). Nothing finer than a day is kept,
// and no row says who followed.
type DayCount struct {
	Day       time.Time // midnight UTC
	Followers int64
}
