package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"publius/internal/store"
)

// Follow implements store.Follows. Counters change in the same transaction
// as the edge, so they stay exact under concurrent follows.
func (db *DB) Follow(ctx context.Context, followerID, targetID string) error {
	f, ok1 := parseID(followerID)
	t, ok2 := parseID(targetID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Both ends must be live: an edge to a tombstone would leave
		// counters that DeleteAccount already settled off by one.
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id IN (?1, ?2) AND deleted = 0`, f, t).Scan(&live); err != nil {
			return fmt.Errorf("sqlite: follow: %w", err)
		}
		if live != 2 && !(f == t && live == 1) {
			return store.ErrNotFound
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO follows (follower_id, target_id) VALUES (?, ?)
			ON CONFLICT (follower_id, target_id) DO NOTHING`, f, t)
		if err != nil {
			return fmt.Errorf("sqlite: follow: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return bumpFollowCounters(ctx, tx, f, t, +1)
	})
}

// bumpFollowCounters changes both counters by delta and records the
// target's new follower count for today (its history, one row a day).
func bumpFollowCounters(ctx context.Context, tx *sql.Tx, follower, target int64, delta int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET following_count = following_count + ? WHERE id = ?`, delta, follower); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET followers_count = followers_count + ? WHERE id = ?`, delta, target); err != nil {
		return err
	}
	return recordFollowers(ctx, tx, target)
}

// Unfollow implements store.Follows.
func (db *DB) Unfollow(ctx context.Context, followerID, targetID string) error {
	f, ok1 := parseID(followerID)
	t, ok2 := parseID(targetID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE follower_id = ? AND target_id = ?`, f, t)
		if err != nil {
			return fmt.Errorf("sqlite: unfollow: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return bumpFollowCounters(ctx, tx, f, t, -1)
	})
}

// Relationships implements store.Follows.
func (db *DB) Relationships(ctx context.Context, accountID string, targetIDs []string) (map[string]store.Relationship, error) {
	out := make(map[string]store.Relationship, len(targetIDs))
	me, ok := parseID(accountID)
	if !ok {
		return out, nil
	}
	args := []any{me}
	for _, s := range targetIDs {
		if v, ok := parseID(s); ok {
			args = append(args, v)
		}
	}
	if len(args) == 1 {
		return out, nil
	}
	in := numberPlaceholders(placeholders(len(args) - 1))
	rows, err := db.read.QueryContext(ctx, `
		SELECT target_id, 1 FROM follows WHERE follower_id = ?1 AND target_id IN (`+in+`)
		UNION ALL
		SELECT follower_id, 2 FROM follows WHERE target_id = ?1 AND follower_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: relationships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var other int64
		var kind int
		if err := rows.Scan(&other, &kind); err != nil {
			return nil, err
		}
		id := formatID(other)
		r := out[id]
		if kind == 1 {
			r.Following = true
		} else {
			r.FollowedBy = true
		}
		out[id] = r
	}
	return out, rows.Err()
}

// Followers implements store.Follows.
func (db *DB) Followers(ctx context.Context, accountID string, p store.Page) ([]store.FollowEdge, error) {
	return db.followEdges(ctx, "target_id", "follower_id", accountID, p)
}

// Following implements store.Follows.
func (db *DB) Following(ctx context.Context, accountID string, p store.Page) ([]store.FollowEdge, error) {
	return db.followEdges(ctx, "follower_id", "target_id", accountID, p)
}

func (db *DB) followEdges(ctx context.Context, byCol, otherCol, accountID string, p store.Page) ([]store.FollowEdge, error) {
	v, ok := parseID(accountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	where, order, args, ascending := pageClause("f.id", p, []any{v})
	rows, err := db.read.QueryContext(ctx, `SELECT f.id, a.`+accountColumnsPrefixed+`
		FROM follows f JOIN accounts a ON a.id = f.`+otherCol+`
		WHERE f.`+byCol+` = ?`+where+order, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: follow list: %w", err)
	}
	defer rows.Close()
	var out []store.FollowEdge
	for rows.Next() {
		var edge int64
		a, err := scanAccount(prefixScanner{rows, &edge})
		if err != nil {
			return nil, err
		}
		out = append(out, store.FollowEdge{ID: formatID(edge), Account: a})
	}
	if ascending {
		slices.Reverse(out)
	}
	return out, rows.Err()
}

// accountColumnsPrefixed is accountColumns qualified with the "a." alias
// (the first "a." is written by the caller).
var accountColumnsPrefixed = qualify(accountColumns, "a.")

// prefixScanner scans one leading column into first, the rest into dest.
type prefixScanner struct {
	row   interface{ Scan(...any) error }
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append([]any{p.first}, dest...)...)
}
