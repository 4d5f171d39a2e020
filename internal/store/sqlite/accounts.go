package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"publius/internal/store"
)

const accountColumns = `id, handle, display_name, note, fields, hide_collections, bot, admin,
	suspended, deleted, passphrase_hash, created_on, followers_count, following_count,
	statuses_count, last_status_id`

func scanAccount(row interface{ Scan(...any) error }) (*store.Account, error) {
	var (
		a                                    store.Account
		id, lastStatus                       int64
		fields, createdOn                    string
		hide, bot, admin, suspended, deleted int
	)
	err := row.Scan(&id, &a.Handle, &a.DisplayName, &a.Note, &fields, &hide, &bot, &admin,
		&suspended, &deleted, &a.PassphraseHash, &createdOn, &a.FollowersCount, &a.FollowingCount,
		&a.StatusesCount, &lastStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan account: %w", err)
	}
	a.ID, a.LastStatusID = formatID(id), formatID(lastStatus)
	a.HideCollections, a.Bot, a.Admin = hide == 1, bot == 1, admin == 1
	a.Suspended, a.Deleted = suspended == 1, deleted == 1
	a.CreatedOn = parseDay(createdOn)
	if err := json.Unmarshal([]byte(fields), &a.Fields); err != nil {
		return nil, fmt.Errorf("sqlite: account fields: %w", err)
	}
	return &a, nil
}

// CreateAccount implements store.Accounts.
func (db *DB) CreateAccount(ctx context.Context, a *store.Account) error {
	id, ok := parseID(a.ID)
	if !ok {
		return fmt.Errorf("sqlite: account id %q invalid", a.ID)
	}
	fields, err := json.Marshal(nonNilFields(a.Fields))
	if err != nil {
		return err
	}
	createdOn := a.CreatedOn.UTC().Format(dayLayout)
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, handle, display_name, note, fields,
			hide_collections, bot, admin, suspended, passphrase_hash, created_on)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, strings.ToLower(a.Handle), a.DisplayName, a.Note, string(fields), boolInt(a.HideCollections),
			boolInt(a.Bot), boolInt(a.Admin), boolInt(a.Suspended), a.PassphraseHash, createdOn)
		if isUniqueViolation(err) {
			return fmt.Errorf("sqlite: handle %q: %w", a.Handle, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create account: %w", err)
		}
		// The follower history starts at 0 on the creation day, a day
		// the account row already holds (store.DayCount).
		if _, err := tx.ExecContext(ctx, `INSERT INTO follower_counts (account_id, day, followers) VALUES (?, ?, 0)`,
			id, createdOn); err != nil {
			return fmt.Errorf("sqlite: create account: %w", err)
		}
		return nil
	})
}

func nonNilFields(f []store.Field) []store.Field {
	if f == nil {
		return []store.Field{}
	}
	return f
}

// AccountByID implements store.Accounts.
func (db *DB) AccountByID(ctx context.Context, id string) (*store.Account, error) {
	v, ok := parseID(id)
	if !ok {
		return nil, store.ErrNotFound
	}
	return scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, v))
}

// AccountByHandle implements store.Accounts.
func (db *DB) AccountByHandle(ctx context.Context, handle string) (*store.Account, error) {
	return scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE handle = ?`, strings.ToLower(handle)))
}

// AccountsByIDs implements store.Accounts.
func (db *DB) AccountsByIDs(ctx context.Context, ids []string) (map[string]*store.Account, error) {
	out := make(map[string]*store.Account, len(ids))
	args := make([]any, 0, len(ids))
	for _, s := range ids {
		if v, ok := parseID(s); ok {
			args = append(args, v)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: accounts by ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out[a.ID] = a
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// UpdateProfile implements store.Accounts.
func (db *DB) UpdateProfile(ctx context.Context, id string, p store.Profile) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	var sets []string
	var args []any
	if p.DisplayName != nil {
		sets, args = append(sets, "display_name = ?"), append(args, *p.DisplayName)
	}
	if p.Note != nil {
		sets, args = append(sets, "note = ?"), append(args, *p.Note)
	}
	if p.Fields != nil {
		b, err := json.Marshal(nonNilFields(*p.Fields))
		if err != nil {
			return err
		}
		sets, args = append(sets, "fields = ?"), append(args, string(b))
	}
	if p.HideCollections != nil {
		sets, args = append(sets, "hide_collections = ?"), append(args, boolInt(*p.HideCollections))
	}
	if p.Bot != nil {
		sets, args = append(sets, "bot = ?"), append(args, boolInt(*p.Bot))
	}
	if len(sets) == 0 {
		a, err := db.AccountByID(ctx, id)
		if err == nil && a.Deleted {
			err = store.ErrNotFound
		}
		return err
	}
	args = append(args, v)
	return db.execOne(ctx, `UPDATE accounts SET `+strings.Join(sets, ", ")+` WHERE id = ? AND deleted = 0`, args...)
}

// execOne runs a statement that must change exactly one live row.
func (db *DB) execOne(ctx context.Context, query string, args ...any) error {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// SetPassphraseHash implements store.Accounts.
func (db *DB) SetPassphraseHash(ctx context.Context, id, hash string) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	return db.execOne(ctx, `UPDATE accounts SET passphrase_hash = ? WHERE id = ? AND deleted = 0`, hash, v)
}

// SetSuspended implements store.Accounts.
func (db *DB) SetSuspended(ctx context.Context, id string, suspended bool) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	return db.execOne(ctx, `UPDATE accounts SET suspended = ? WHERE id = ? AND deleted = 0`, boolInt(suspended), v)
}

// SetAdmin implements store.Accounts.
func (db *DB) SetAdmin(ctx context.Context, id string, admin bool) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	return db.execOne(ctx, `UPDATE accounts SET admin = ? WHERE id = ? AND deleted = 0`, boolInt(admin), v)
}

// DeleteAccount implements store.Accounts.
func (db *DB) DeleteAccount(ctx context.Context, id string) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var deleted int
		err := tx.QueryRowContext(ctx, `SELECT deleted FROM accounts WHERE id = ?`, v).Scan(&deleted)
		if errors.Is(err, sql.ErrNoRows) || deleted == 1 {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		// Every step gets ?1 = the account and ?2 = today's day.
		steps := []string{
			`UPDATE accounts SET followers_count = followers_count - 1
				WHERE id IN (SELECT target_id FROM follows WHERE follower_id = ?1)`,
			recordUnfollowedByDeleted,
			// The follower history goes with the account.
			`DELETE FROM follower_counts WHERE account_id = ?1`,
			`UPDATE accounts SET following_count = following_count - 1
				WHERE id IN (SELECT follower_id FROM follows WHERE target_id = ?1)`,
			`DELETE FROM follows WHERE follower_id = ?1 OR target_id = ?1`,
			// Others' posts this account replied to lose those replies.
			`UPDATE statuses SET replies_count = replies_count -
				(SELECT count(*) FROM statuses r WHERE r.in_reply_to_id = statuses.id AND r.account_id = ?1)
				WHERE account_id <> ?1 AND id IN (SELECT in_reply_to_id FROM statuses WHERE account_id = ?1 AND in_reply_to_id IS NOT NULL)`,
			`DELETE FROM statuses WHERE account_id = ?1`,
			`DELETE FROM idempotency_keys WHERE account_id = ?1`,
			`DELETE FROM tokens WHERE account_id = ?1`,
			// Badges would keep linking a member's nullifier to the account.
			`DELETE FROM membership_badges WHERE account_id = ?1`,
			`DELETE FROM membership_verifiers WHERE account_id = ?1`,
			`UPDATE accounts SET display_name = '', note = '', fields = '[]', hide_collections = 0,
				bot = 0, admin = 0, passphrase_hash = '', deleted = 1, followers_count = 0,
				following_count = 0, statuses_count = 0, last_status_id = 0 WHERE id = ?1`,
		}
		day := today()
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q, v, day); err != nil {
				return fmt.Errorf("sqlite: delete account: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.recent.mu.Lock()
	db.recent.forgetAuthor(v)
	db.recent.mu.Unlock()
	return db.Scrub(ctx)
}

// CountAccounts implements store.Accounts.
func (db *DB) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE deleted = 0`).Scan(&n)
	return n, err
}

// qualify prefixes every column of a comma-separated list after the first
// with alias (the caller writes the first one's alias itself).
func qualify(columns, alias string) string {
	parts := strings.Split(columns, ",")
	for i := 1; i < len(parts); i++ {
		parts[i] = " " + alias + strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ",")
}
