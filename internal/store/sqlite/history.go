package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"publius/internal/store"
)

// recordFollowersSQL writes today's (?2) follower count of the accounts the
// condition selects, as it stands in the transaction: one row per account
// and day, overwritten by later changes the same day (see store.DayCount).
const recordFollowersSQL = `INSERT INTO follower_counts (account_id, day, followers)
	SELECT id, ?2, followers_count FROM accounts WHERE %s
	ON CONFLICT (account_id, day) DO UPDATE SET followers = excluded.followers`

var (
	// recordTargetFollowers records account ?1's count.
	recordTargetFollowers = fmt.Sprintf(recordFollowersSQL, `id = ?1`)
	// recordUnfollowedByDeleted records the count of every other account
	// that account ?1 follows; DeleteAccount runs it after lowering their
	// counts and before removing the follows.
	recordUnfollowedByDeleted = fmt.Sprintf(recordFollowersSQL,
		`id IN (SELECT target_id FROM follows WHERE follower_id = ?1) AND id <> ?1`)
)

// recordFollowers writes target's follower count for today; Follow and
// Unfollow call it in their transaction after changing the count.
func recordFollowers(ctx context.Context, tx *sql.Tx, target int64) error {
	_, err := tx.ExecContext(ctx, recordTargetFollowers, target, today())
	return err
}

// FollowerHistory implements store.Follows.
func (db *DB) FollowerHistory(ctx context.Context, accountID string, from, to time.Time) ([]store.DayCount, error) {
	out := []store.DayCount{}
	v, ok := parseID(accountID)
	if !ok {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT day, followers FROM follower_counts
		WHERE account_id = ? AND day >= ? AND day <= ? ORDER BY day`,
		v, from.UTC().Format(dayLayout), to.UTC().Format(dayLayout))
	if err != nil {
		return nil, fmt.Errorf("sqlite: follower history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			return nil, fmt.Errorf("sqlite: follower history: %w", err)
		}
		out = append(out, store.DayCount{Day: parseDay(day), Followers: n})
	}
	return out, rows.Err()
}
