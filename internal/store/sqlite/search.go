package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"publius/internal/store"
)

// prefixRange returns bounds such that s starts with prefix exactly when
// lo <= s < hi, so a prefix search is an index range scan with no LIKE
// pattern (and so no wildcard) involved. U+10FFFF is the largest code
// point: its UTF-8 bytes sort after any character a name can continue with.
func prefixRange(prefix string) (lo, hi string) {
	return prefix, prefix + "\U0010FFFF"
}

// Account search runs in two steps inside one read transaction. Handle
// prefix matches are a range on the handle index (its NOCASE collation
// makes them case-insensitive) and usually fill the page. A page they do
// not fill goes on to display names that start with the query, a range on
// accounts_by_display_name (also NOCASE). Both read only matching index
// entries, so an anonymous search cannot make the server read the table.
const (
	accountsByHandlePrefix = `SELECT ` + accountColumns + ` FROM accounts
		WHERE handle >= ?1 AND handle < ?2 AND deleted = 0 AND suspended = 0
		ORDER BY handle LIMIT ?3 OFFSET ?4`
	countHandlePrefix = `SELECT count(*) FROM accounts
		WHERE handle >= ?1 AND handle < ?2 AND deleted = 0 AND suspended = 0`
	accountsByDisplayName = `SELECT ` + accountColumns + ` FROM accounts
		WHERE display_name >= ?3 COLLATE NOCASE AND display_name < ?4 COLLATE NOCASE
		AND NOT (handle >= ?1 AND handle < ?2) AND deleted = 0 AND suspended = 0
		ORDER BY display_name COLLATE NOCASE, handle LIMIT ?5 OFFSET ?6`
)

// SearchAccounts implements store.Accounts.
func (db *DB) SearchAccounts(ctx context.Context, query string, offset, limit int) ([]*store.Account, error) {
	query = strings.TrimSpace(query)
	if query == "" || limit <= 0 {
		return nil, nil
	}
	offset = max(offset, 0)
	lo, hi := prefixRange(strings.ToLower(query))
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: search accounts: %w", err)
	}
	defer tx.Rollback()
	out, err := queryAccounts(ctx, tx, accountsByHandlePrefix, lo, hi, limit, offset)
	if err != nil || len(out) == limit {
		return out, err
	}
	// The handle matches ran out: the page goes on with display names,
	// skipping what of offset the handle matches did not use up.
	handles := int64(offset) + int64(len(out))
	if len(out) == 0 && offset > 0 {
		if err := tx.QueryRowContext(ctx, countHandlePrefix, lo, hi).Scan(&handles); err != nil {
			return nil, fmt.Errorf("sqlite: search accounts: %w", err)
		}
	}
	nameLo, nameHi := prefixRange(query)
	more, err := queryAccounts(ctx, tx, accountsByDisplayName, lo, hi, nameLo, nameHi,
		limit-len(out), max(int64(offset)-handles, 0))
	return append(out, more...), err
}

func queryAccounts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]*store.Account, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search accounts: %w", err)
	}
	defer rows.Close()
	var out []*store.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// searchTagsQuery walks the distinct names in status_tags_by_name one
// index seek at a time (a loose index scan), so a popular prefix costs
// one seek per name returned, not one row per tagged status; each name is
// kept if some public status of a live account carries it.
const searchTagsQuery = `WITH RECURSIVE names(name) AS (
	SELECT (SELECT min(name) FROM status_tags WHERE name >= ?1 AND name < ?2)
	UNION ALL
	SELECT (SELECT min(t.name) FROM status_tags t WHERE t.name > names.name AND t.name < ?2)
		FROM names WHERE names.name IS NOT NULL
)
SELECT name FROM names WHERE name IS NOT NULL AND EXISTS (
	SELECT 1 FROM status_tags t
		JOIN statuses s ON s.id = t.status_id
		JOIN accounts a ON a.id = s.account_id
	WHERE t.name = names.name AND s.visibility = 'public' AND a.suspended = 0
) LIMIT ?3 OFFSET ?4`

// SearchTags implements store.Statuses.
func (db *DB) SearchTags(ctx context.Context, prefix string, offset, limit int) ([]string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" || limit <= 0 {
		return nil, nil
	}
	lo, hi := prefixRange(prefix)
	rows, err := db.read.QueryContext(ctx, searchTagsQuery, lo, hi, limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("sqlite: search tags: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
