package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"publius/internal/store"
)

const statusColumns = `id, account_id, text, content, spoiler_text, sensitive, visibility, language,
	coalesce(in_reply_to_id, 0), coalesce(in_reply_to_account_id, 0), replies_count`

func scanStatus(row interface{ Scan(...any) error }) (*store.Status, error) {
	var (
		s                         store.Status
		id, account, reply, rAcct int64
		sensitive                 int
	)
	err := row.Scan(&id, &account, &s.Text, &s.Content, &s.SpoilerText, &sensitive, &s.Visibility,
		&s.Language, &reply, &rAcct, &s.RepliesCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan status: %w", err)
	}
	s.ID, s.AccountID = formatID(id), formatID(account)
	s.InReplyToID, s.InReplyToAccountID = formatID(reply), formatID(rAcct)
	s.Sensitive = sensitive == 1
	return &s, nil
}

// CreateStatus implements store.Statuses.
func (db *DB) CreateStatus(ctx context.Context, s *store.Status, idempotencyKey string) (*store.Status, error) {
	id, ok := parseID(s.ID)
	if !ok {
		return nil, fmt.Errorf("sqlite: status id %q invalid", s.ID)
	}
	author, ok := parseID(s.AccountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	existing := int64(0)
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if idempotencyKey != "" {
			err := tx.QueryRowContext(ctx, `SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key = ?`,
				author, idempotencyKey).Scan(&existing)
			if err == nil {
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO statuses (id, account_id, text, content, spoiler_text,
			sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, author, s.Text, s.Content, s.SpoilerText, boolInt(s.Sensitive), s.Visibility, s.Language,
			nullableID(s.InReplyToID), nullableID(s.InReplyToAccountID))
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") {
				return store.ErrNotFound
			}
			return fmt.Errorf("sqlite: insert status: %w", err)
		}
		// A tombstone cannot post, even in a race with DeleteAccount.
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET statuses_count = statuses_count + 1,
			last_status_id = max(last_status_id, ?1) WHERE id = ?2 AND deleted = 0`, id, author)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if parent, ok := parseID(s.InReplyToID); ok {
			if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = ?`, parent); err != nil {
				return err
			}
		}
		for _, m := range uniq(s.Mentions) {
			if v, ok := parseID(m); ok {
				if _, err := tx.ExecContext(ctx, `INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)`, id, v); err != nil {
					return err
				}
			}
		}
		for _, t := range uniq(s.Tags) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_tags (status_id, name) VALUES (?, ?)`, id, t); err != nil {
				return err
			}
		}
		if idempotencyKey != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, key, status_id) VALUES (?, ?, ?)`,
				author, idempotencyKey, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if isUniqueViolation(err) {
			return nil, fmt.Errorf("sqlite: status %s: %w", s.ID, store.ErrConflict)
		}
		return nil, err
	}
	if existing != 0 {
		return db.StatusByID(ctx, formatID(existing))
	}
	if s.Visibility != store.VisibilityDirect {
		db.recent.mu.Lock()
		db.recent.add(author, id)
		db.recent.mu.Unlock()
	}
	return db.StatusByID(ctx, s.ID)
}

func uniq(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// StatusByID implements store.Statuses.
func (db *DB) StatusByID(ctx context.Context, id string) (*store.Status, error) {
	v, ok := parseID(id)
	if !ok {
		return nil, store.ErrNotFound
	}
	list, err := db.statusesWhere(ctx, `id = ?`, []any{v}, "")
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, store.ErrNotFound
	}
	return list[0], nil
}

// statusesWhere loads statuses matching cond with their mentions and tags.
func (db *DB) statusesWhere(ctx context.Context, cond string, args []any, tail string) ([]*store.Status, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+statusColumns+` FROM statuses WHERE `+cond+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: statuses: %w", err)
	}
	defer rows.Close()
	var out []*store.Status
	for rows.Next() {
		s, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.attachMentionsAndTags(ctx, out)
}

func (db *DB) attachMentionsAndTags(ctx context.Context, list []*store.Status) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*store.Status, len(list))
	args := make([]any, 0, len(list))
	for _, s := range list {
		v, _ := parseID(s.ID)
		byID[v] = s
		args = append(args, v)
	}
	in := placeholders(len(args))
	for _, q := range []struct {
		query string
		add   func(*store.Status, string)
	}{
		{`SELECT status_id, account_id FROM status_mentions WHERE status_id IN (` + in + `)`,
			func(s *store.Status, v string) { s.Mentions = append(s.Mentions, v) }},
		{`SELECT status_id, name FROM status_tags WHERE status_id IN (` + in + `)`,
			func(s *store.Status, v string) { s.Tags = append(s.Tags, v) }},
	} {
		rows, err := db.read.QueryContext(ctx, q.query, args...)
		if err != nil {
			return fmt.Errorf("sqlite: status extras: %w", err)
		}
		for rows.Next() {
			var sid int64
			var val any
			if err := rows.Scan(&sid, &val); err != nil {
				rows.Close()
				return err
			}
			switch v := val.(type) {
			case int64:
				q.add(byID[sid], formatID(v))
			case string:
				q.add(byID[sid], v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// DeleteStatus implements store.Statuses.
func (db *DB) DeleteStatus(ctx context.Context, id string) error {
	v, ok := parseID(id)
	if !ok {
		return store.ErrNotFound
	}
	var author int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var parent int64
		err := tx.QueryRowContext(ctx, `SELECT account_id, coalesce(in_reply_to_id, 0) FROM statuses WHERE id = ?`, v).Scan(&author, &parent)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM statuses WHERE id = ?`, v); err != nil {
			return err
		}
		if parent != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = max(replies_count - 1, 0) WHERE id = ?`, parent); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET statuses_count = statuses_count - 1,
			last_status_id = coalesce((SELECT max(id) FROM statuses WHERE account_id = ?1), 0) WHERE id = ?1`, author)
		return err
	})
	if err != nil {
		return err
	}
	db.recent.mu.Lock()
	db.recent.remove(author, v)
	db.recent.mu.Unlock()
	return db.Scrub(ctx)
}

// AccountStatuses implements store.Statuses.
func (db *DB) AccountStatuses(ctx context.Context, accountID string, f store.AccountStatusFilter, p store.Page) ([]*store.Status, error) {
	v, ok := parseID(accountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	cond := `account_id = ?`
	switch {
	case f.OnlyPublic:
		cond += ` AND visibility = 'public'`
	case f.IncludePrivate:
		cond += ` AND visibility <> 'direct'`
	default:
		cond += ` AND visibility IN ('public', 'unlisted')`
	}
	if f.ExcludeReplies {
		// Replies to oneself (threads) stay, as on Mastodon.
		cond += ` AND (in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)`
	}
	return db.page(ctx, cond, []any{v}, p)
}

// PublicTimeline implements store.Statuses.
func (db *DB) PublicTimeline(ctx context.Context, p store.Page) ([]*store.Status, error) {
	return db.page(ctx, `visibility = 'public' AND account_id NOT IN (SELECT id FROM accounts WHERE suspended = 1)`, nil, p)
}

// TagTimeline implements store.Statuses. It walks status_tags_by_name
// newest first, so a page costs the same however popular the tag is.
func (db *DB) TagTimeline(ctx context.Context, tag string, p store.Page) ([]*store.Status, error) {
	where, order, args, _ := pageClause("t.status_id", p, []any{tag})
	return db.statusesByIDQuery(ctx, `SELECT t.status_id FROM status_tags t JOIN statuses s ON s.id = t.status_id
		WHERE t.name = ? AND s.visibility = 'public'
		AND s.account_id NOT IN (SELECT id FROM accounts WHERE suspended = 1)`+where+order, args, ` ORDER BY id DESC`)
}

// statusesByIDQuery runs a query selecting status IDs, then loads those
// statuses in order (newest first for pages, which also puts min_id pages
// in API order).
func (db *DB) statusesByIDQuery(ctx context.Context, query string, args []any, order string) ([]*store.Status, error) {
	ids, err := db.queryIDs(ctx, query, args)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return db.statusesWhere(ctx, `id IN (`+placeholders(len(ids))+`)`, ids, order)
}

// queryIDs runs a query selecting one integer column.
func (db *DB) queryIDs(ctx context.Context, query string, args []any) ([]any, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: ids: %w", err)
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (db *DB) page(ctx context.Context, cond string, args []any, p store.Page) ([]*store.Status, error) {
	where, order, args, ascending := pageClause("id", p, args)
	list, err := db.statusesWhere(ctx, cond+where, args, order)
	if err != nil {
		return nil, err
	}
	if ascending {
		slices.Reverse(list)
	}
	return list, nil
}

// HomeTimeline implements store.Statuses. Newest-first pages come from the
// in-memory recentIndex (a map lookup per followed account) plus the
// viewer's direct mentions; what lies below the index's floor, and min_id
// pages, come from homeIDsSQL.
func (db *DB) HomeTimeline(ctx context.Context, viewerID string, p store.Page) ([]*store.Status, error) {
	viewer, ok := parseID(viewerID)
	if !ok {
		return nil, store.ErrNotFound
	}
	if p.Limit <= 0 {
		p.Limit = 20
	}
	if _, ascending := parseID(p.MinID); ascending {
		ids, err := db.homeIDs(ctx, viewer, p, 0)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		return db.statusesWhere(ctx, `id IN (`+placeholders(len(ids))+`)`, ids, ` ORDER BY id DESC`)
	}
	follows, err := db.queryIDs(ctx, `SELECT target_id FROM follows WHERE follower_id = ?`, []any{viewer})
	if err != nil {
		return nil, err
	}
	authors := make([]int64, 0, len(follows)+1)
	for _, a := range follows {
		authors = append(authors, a.(int64))
	}
	authors = append(authors, viewer)
	for attempt := 0; ; attempt++ {
		ids, err := db.homeIDsRecent(ctx, viewer, authors, p)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		list, err := db.statusesWhere(ctx, `id IN (`+placeholders(len(ids))+`)`, ids, ` ORDER BY id DESC`)
		if err != nil || len(list) == len(ids) || attempt == 1 {
			return list, err
		}
		// Another process deleted some: forget them and pick the page again.
		found := map[int64]bool{}
		for _, s := range list {
			v, _ := parseID(s.ID)
			found[v] = true
		}
		db.recent.mu.Lock()
		for _, id := range ids {
			if !found[id.(int64)] {
				for _, a := range authors {
					db.recent.remove(a, id.(int64))
				}
			}
		}
		db.recent.mu.Unlock()
	}
}

// homeIDsRecent picks a newest-first home page's IDs; authors are the
// accounts the viewer follows and the viewer.
func (db *DB) homeIDsRecent(ctx context.Context, viewer int64, authors []int64, p store.Page) ([]any, error) {
	upper, ok := parseID(p.MaxID)
	if !ok {
		upper = math.MaxInt64
	}
	since, _ := parseID(p.SinceID)

	db.recent.mu.Lock()
	err := db.recent.ensure(ctx, db)
	var ids []int64
	var complete bool
	floor := db.recent.floor
	if err == nil {
		ids, complete = db.recent.page(authors, since, upper, p.Limit)
	}
	db.recent.mu.Unlock()
	if err != nil {
		return nil, err
	}
	// Direct statuses never enter the index; the viewer sees those that
	// mention them. Below floor, homeIDsSQL finds them.
	directs, err := db.queryIDs(ctx, `SELECT m.status_id FROM status_mentions m JOIN statuses s ON s.id = m.status_id
		WHERE m.account_id = ? AND s.visibility = 'direct' AND s.id > ? AND s.id < ?
		ORDER BY m.status_id DESC LIMIT ?`, []any{viewer, max(since, floor), upper, p.Limit})
	if err != nil {
		return nil, err
	}
	for _, d := range directs {
		ids = append(ids, d.(int64))
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	ids = slices.Compact(ids)
	if len(ids) > p.Limit {
		ids = ids[:p.Limit]
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	if complete || len(out) == p.Limit {
		return out, nil
	}
	older := p
	older.MaxID, older.Limit = formatID(min(upper, floor+1)), p.Limit-len(out)
	rest, err := db.homeIDsSQL(ctx, viewer, older)
	return append(out, rest...), err
}

// homeIDsSQL picks a newest-first page's IDs from covering indexes alone.
// It looks in a time window below the page's upper bound first (a day,
// then 16 times wider until the page is full): each followed account then
// costs one index seek plus its posts inside the window. Any status outside
// the window is older than every status inside it, so a full page from the
// window is the page.
func (db *DB) homeIDsSQL(ctx context.Context, viewer int64, p store.Page) ([]any, error) {
	upper, ok := parseID(p.MaxID)
	if !ok {
		upper = time.Now().UnixMilli() << 16
	}
	since, _ := parseID(p.SinceID)
	for window := homeWindow; ; window *= 16 {
		lower := upper - window.Milliseconds()<<16
		if lower <= since {
			lower = 0 // the window reaches past since_id: no bound needed
		}
		ids, err := db.homeIDs(ctx, viewer, p, lower)
		if err != nil || len(ids) >= p.Limit || lower <= 0 {
			return ids, err
		}
	}
}

// homeWindow is the first time window a home page is looked for in. Each
// pass costs an index seek per followed account, so a window that usually
// fills a page in one pass matters more than a narrow one.
const homeWindow = 24 * time.Hour

// homeIDs selects one home page's status IDs, only those above lower when
// it is not 0.
func (db *DB) homeIDs(ctx context.Context, viewer int64, p store.Page, lower int64) ([]any, error) {
	var args []any
	if lower > 0 {
		args = append(args, lower)
	}
	where, order, args, _ := pageClause("s.id", p, args)
	if lower > 0 {
		where = " AND s.id > ?" + where
	}
	query := `SELECT id FROM (
		SELECT s.id AS id FROM follows f JOIN statuses s ON s.account_id = f.target_id
			WHERE f.follower_id = ?1 AND s.visibility <> 'direct'` + where + `
		UNION ALL
		SELECT s.id FROM statuses s WHERE s.account_id = ?1 AND s.visibility <> 'direct'` + where + `
		UNION ALL
		SELECT s.id FROM status_mentions m JOIN statuses s ON s.id = m.status_id
			WHERE m.account_id = ?1 AND s.visibility = 'direct'` + where + `
	) AS s` + strings.Replace(order, "s.id", "id", 1)
	// Positional page args follow ?1 and repeat for each branch.
	all := []any{viewer}
	for range 3 {
		all = append(all, args...)
	}
	query = numberPlaceholders(query)
	return db.queryIDs(ctx, query, all)
}

// numberPlaceholders turns each bare "?" into "?N", counting from 2, so a
// query can mix the fixed ?1 with positional arguments.
func numberPlaceholders(q string) string {
	var b strings.Builder
	n := 2
	for i := 0; i < len(q); i++ {
		if q[i] == '?' && (i+1 == len(q) || q[i+1] < '0' || q[i+1] > '9') {
			fmt.Fprintf(&b, "?%d", n)
			n++
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Ancestors implements store.Statuses.
func (db *DB) Ancestors(ctx context.Context, s *store.Status, limit int) ([]*store.Status, error) {
	var out []*store.Status
	cur := s
	for len(out) < limit && cur.InReplyToID != "" {
		parent, err := db.StatusByID(ctx, cur.InReplyToID)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, parent)
		cur = parent
	}
	slices.Reverse(out)
	return out, nil
}

// Descendants implements store.Statuses.
func (db *DB) Descendants(ctx context.Context, s *store.Status, limit int) ([]*store.Status, error) {
	v, _ := parseID(s.ID)
	return db.statusesByIDQuery(ctx, `WITH RECURSIVE thread(id) AS (
			SELECT id FROM statuses WHERE in_reply_to_id = ?1
			UNION SELECT s.id FROM statuses s JOIN thread t ON s.in_reply_to_id = t.id
		) SELECT id FROM thread ORDER BY id LIMIT ?2`, []any{v, limit}, ` ORDER BY id`)
}

// CountStatuses implements store.Statuses.
func (db *DB) CountStatuses(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM statuses WHERE visibility <> 'direct'`).Scan(&n)
	return n, err
}

// AccountIdempotencyKeys implements store.Statuses.
func (db *DB) AccountIdempotencyKeys(ctx context.Context, accountID string) (map[string]string, error) {
	v, ok := parseID(accountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	rows, err := db.read.QueryContext(ctx, `SELECT key, status_id FROM idempotency_keys WHERE account_id = ?`, v)
	if err != nil {
		return nil, fmt.Errorf("sqlite: idempotency keys: %w", err)
	}
	defer rows.Close()
	keys := map[string]string{}
	for rows.Next() {
		var key string
		var status int64
		if err := rows.Scan(&key, &status); err != nil {
			return nil, fmt.Errorf("sqlite: idempotency keys: %w", err)
		}
		keys[key] = formatID(status)
	}
	return keys, rows.Err()
}
