package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"publius/internal/store"
)

const groupColumns = `id, slug, name, description, created_on, leaf_count, member_count, version`

func scanGroup(row interface{ Scan(...any) error }) (*store.Group, error) {
	var (
		g         store.Group
		id        int64
		createdOn string
	)
	err := row.Scan(&id, &g.Slug, &g.Name, &g.Description, &createdOn, &g.LeafCount, &g.MemberCount, &g.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan group: %w", err)
	}
	g.ID, g.CreatedOn = formatID(id), parseDay(createdOn)
	return &g, nil
}

// CreateGroup implements store.Membership.
func (db *DB) CreateGroup(ctx context.Context, g *store.Group) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO membership_groups (slug, name, description, created_on)
		VALUES (?, ?, ?, ?)`, g.Slug, g.Name, g.Description, today())
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: group %q: %w", g.Slug, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create group: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	g.ID, g.CreatedOn = formatID(id), parseDay(today())
	g.LeafCount, g.MemberCount, g.Version = 0, 0, 0
	return nil
}

// GroupBySlug implements store.Membership.
func (db *DB) GroupBySlug(ctx context.Context, slug string) (*store.Group, error) {
	return scanGroup(db.read.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM membership_groups WHERE slug = ?`, slug))
}

// Groups implements store.Membership.
func (db *DB) Groups(ctx context.Context) ([]*store.Group, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+groupColumns+` FROM membership_groups ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: groups: %w", err)
	}
	defer rows.Close()
	var out []*store.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// AddVerifier implements store.Membership.
func (db *DB) AddVerifier(ctx context.Context, groupID, accountID string) error {
	g, ok1 := parseID(groupID)
	a, ok2 := parseID(accountID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO membership_verifiers (group_id, account_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, g, a)
	if err != nil {
		return fmt.Errorf("sqlite: add verifier: %w", err)
	}
	return nil
}

// IsVerifier implements store.Membership.
func (db *DB) IsVerifier(ctx context.Context, groupID, accountID string) (bool, error) {
	g, ok1 := parseID(groupID)
	a, ok2 := parseID(accountID)
	if !ok1 || !ok2 {
		return false, nil
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM membership_verifiers WHERE group_id = ? AND account_id = ?`, g, a).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlite: is verifier: %w", err)
	}
	return n > 0, nil
}

// Verifiers implements store.Membership.
func (db *DB) Verifiers(ctx context.Context, groupID string) ([]string, error) {
	g, ok := parseID(groupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	rows, err := db.read.QueryContext(ctx, `SELECT account_id FROM membership_verifiers WHERE group_id = ? ORDER BY account_id`, g)
	if err != nil {
		return nil, fmt.Errorf("sqlite: verifiers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, formatID(a))
	}
	return out, rows.Err()
}

// Leaves implements store.Membership.
func (db *DB) Leaves(ctx context.Context, groupID string, from uint64, limit int) ([]store.Leaf, error) {
	g, ok := parseID(groupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	if from > 1<<62 {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT idx, commitment FROM membership_leaves
		WHERE group_id = ? AND idx >= ? ORDER BY idx LIMIT ?`, g, int64(from), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: leaves: %w", err)
	}
	defer rows.Close()
	out := make([]store.Leaf, 0, min(limit, 1<<14))
	for rows.Next() {
		var l store.Leaf
		if err := rows.Scan(&l.Index, &l.Commitment); err != nil {
			return nil, fmt.Errorf("sqlite: scan leaf: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LeafIndex implements store.Membership.
func (db *DB) LeafIndex(ctx context.Context, groupID string, commitment []byte) (uint64, error) {
	g, ok := parseID(groupID)
	if !ok {
		return 0, store.ErrNotFound
	}
	var idx uint64
	err := db.read.QueryRowContext(ctx, `SELECT idx FROM membership_leaves WHERE group_id = ? AND commitment = ?`, g, commitment).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: leaf index: %w", err)
	}
	return idx, nil
}

// AppendLeaf implements store.Membership.
func (db *DB) AppendLeaf(ctx context.Context, c store.LeafChange) (*store.Root, error) {
	if len(c.Commitment) != 32 {
		return nil, fmt.Errorf("sqlite: append leaf: commitment must be 32 bytes")
	}
	return db.changeLeaf(ctx, c, func(tx *sql.Tx, g int64, leafCount uint64) (int64, error) {
		if c.Index != leafCount {
			return 0, store.ErrStale
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO membership_leaves (group_id, idx, commitment) VALUES (?, ?, ?)`,
			g, int64(c.Index), c.Commitment)
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("sqlite: commitment: %w", store.ErrConflict)
		}
		return 1, err
	})
}

// RemoveLeaf implements store.Membership.
func (db *DB) RemoveLeaf(ctx context.Context, c store.LeafChange) (*store.Root, error) {
	return db.changeLeaf(ctx, c, func(tx *sql.Tx, g int64, _ uint64) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE membership_leaves SET commitment = NULL
			WHERE group_id = ? AND idx = ? AND commitment IS NOT NULL`, g, int64(c.Index))
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, store.ErrNotFound
		}
		return -1, nil
	})
}

// changeLeaf runs apply (which returns the member count delta) and records
// the new root, if the group is still at c.Version.
func (db *DB) changeLeaf(ctx context.Context, c store.LeafChange, apply func(tx *sql.Tx, g int64, leafCount uint64) (int64, error)) (*store.Root, error) {
	g, ok := parseID(c.GroupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	if len(c.Root) != 32 {
		return nil, fmt.Errorf("sqlite: root must be 32 bytes")
	}
	var root store.Root
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var (
			leafCount uint64
			members   int64
			version   int64
		)
		err := tx.QueryRowContext(ctx, `SELECT leaf_count, member_count, version FROM membership_groups WHERE id = ?`, g).
			Scan(&leafCount, &members, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if version != c.Version {
			return store.ErrStale
		}
		delta, err := apply(tx, g, leafCount)
		if err != nil {
			return err
		}
		added := uint64(0)
		if delta > 0 {
			added = 1
		}
		root = store.Root{Seq: version + 1, Index: c.Index, Root: c.Root, Size: members + delta, CreatedOn: parseDay(today())}
		if _, err := tx.ExecContext(ctx, `UPDATE membership_groups SET leaf_count = ?, member_count = ?, version = ? WHERE id = ?`,
			leafCount+added, root.Size, root.Seq, g); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO membership_roots (group_id, seq, leaf_idx, root, size, created_on)
			VALUES (?, ?, ?, ?, ?, ?)`, g, root.Seq, int64(c.Index), root.Root, root.Size, today())
		return err
	})
	if err != nil {
		if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: change leaf: %w", err)
	}
	return &root, nil
}

func scanRoot(row interface{ Scan(...any) error }) (store.Root, error) {
	var (
		r   store.Root
		day string
	)
	err := row.Scan(&r.Seq, &r.Index, &r.Root, &r.Size, &day)
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: scan root: %w", err)
	}
	r.CreatedOn = parseDay(day)
	return r, nil
}

// Roots implements store.Membership.
func (db *DB) Roots(ctx context.Context, groupID string, before int64, limit int) ([]store.Root, error) {
	g, ok := parseID(groupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	if before <= 0 {
		before = 1 << 62
	}
	return db.queryRoots(ctx, `WHERE group_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, g, before, limit)
}

// queryRoots lists root history entries matching the query's tail.
func (db *DB) queryRoots(ctx context.Context, tail string, args ...any) ([]store.Root, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, leaf_idx, root, size, created_on FROM membership_roots `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: roots: %w", err)
	}
	defer rows.Close()
	var out []store.Root
	for rows.Next() {
		r, err := scanRoot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RootsSince implements store.Membership.
func (db *DB) RootsSince(ctx context.Context, groupID string, after int64, limit int) ([]store.Root, error) {
	g, ok := parseID(groupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	return db.queryRoots(ctx, `WHERE group_id = ? AND seq > ? ORDER BY seq LIMIT ?`, g, after, limit)
}

// FindRoot implements store.Membership.
func (db *DB) FindRoot(ctx context.Context, groupID string, root []byte, after int64) (*store.Root, error) {
	g, ok := parseID(groupID)
	if !ok {
		return nil, store.ErrNotFound
	}
	r, err := scanRoot(db.read.QueryRowContext(ctx, `SELECT seq, leaf_idx, root, size, created_on FROM membership_roots
		WHERE group_id = ? AND root = ? AND seq > ? ORDER BY seq DESC LIMIT 1`, g, root, after))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateBadge implements store.Membership.
func (db *DB) CreateBadge(ctx context.Context, b *store.Badge) error {
	g, ok1 := parseID(b.GroupID)
	a, ok2 := parseID(b.AccountID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO membership_badges (group_id, nullifier, account_id, root, created_on)
		VALUES (?, ?, ?, ?, ?)`, g, b.Nullifier, a, b.Root, today())
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: badge: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create badge: %w", err)
	}
	b.CreatedOn = parseDay(today())
	return nil
}

// sizeAt is the anonymity set of a root: its size in the history.
const sizeAt = `coalesce((SELECT r.size FROM membership_roots r WHERE r.group_id = %[1]s.group_id AND r.root = %[1]s.root
	ORDER BY r.seq DESC LIMIT 1), 0)`

// AccountBadges implements store.Membership.
func (db *DB) AccountBadges(ctx context.Context, accountID string) ([]*store.Badge, error) {
	m, err := db.BadgesOf(ctx, []string{accountID})
	return m[accountID], err
}

// idList encodes IDs as a JSON array for `IN (SELECT value FROM
// json_each(?))`, so a list of any length uses one cached statement.
// Malformed IDs are dropped: they match nothing.
func idList(ids []string) (string, bool) {
	out := make([]int64, 0, len(ids))
	for _, s := range ids {
		if v, ok := parseID(s); ok {
			out = append(out, v)
		}
	}
	b, _ := json.Marshal(out)
	return string(b), len(out) > 0
}

// BadgesOf implements store.Membership.
func (db *DB) BadgesOf(ctx context.Context, accountIDs []string) (map[string][]*store.Badge, error) {
	out := map[string][]*store.Badge{}
	list, ok := idList(accountIDs)
	if !ok {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT b.account_id, b.group_id, b.nullifier, b.root, b.created_on, g.slug, g.name, `+
		fmt.Sprintf(sizeAt, "b")+` FROM membership_badges b JOIN membership_groups g ON g.id = b.group_id
		WHERE b.account_id IN (SELECT value FROM json_each(?)) ORDER BY b.account_id, g.slug`, list)
	if err != nil {
		return nil, fmt.Errorf("sqlite: account badges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			b    store.Badge
			a, g int64
			day  string
		)
		if err := rows.Scan(&a, &g, &b.Nullifier, &b.Root, &day, &b.GroupSlug, &b.GroupName, &b.AnonymitySet); err != nil {
			return nil, fmt.Errorf("sqlite: scan badge: %w", err)
		}
		b.AccountID, b.GroupID, b.CreatedOn = formatID(a), formatID(g), parseDay(day)
		out[b.AccountID] = append(out[b.AccountID], &b)
	}
	return out, rows.Err()
}

// CreatePostProof implements store.Membership.
func (db *DB) CreatePostProof(ctx context.Context, p *store.PostProof) error {
	s, ok1 := parseID(p.StatusID)
	g, ok2 := parseID(p.GroupID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO membership_post_proofs
		(status_id, group_id, root, nullifier, scope, scope_nonce, message, proof) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s, g, p.Root, p.Nullifier, p.Scope, p.ScopeNonce, p.Message, p.Proof)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: post proof: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create post proof: %w", err)
	}
	return nil
}

// PostProof implements store.Membership.
func (db *DB) PostProof(ctx context.Context, statusID string) (*store.PostProof, error) {
	m, err := db.PostProofsOf(ctx, []string{statusID})
	if err != nil {
		return nil, err
	}
	p := m[statusID]
	if p == nil {
		return nil, store.ErrNotFound
	}
	return p, nil
}

// PostProofsOf implements store.Membership.
func (db *DB) PostProofsOf(ctx context.Context, statusIDs []string) (map[string]*store.PostProof, error) {
	out := map[string]*store.PostProof{}
	list, ok := idList(statusIDs)
	if !ok {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.status_id, p.group_id, p.root, p.nullifier, p.scope, p.scope_nonce,
		p.message, p.proof, g.slug, g.name, `+fmt.Sprintf(sizeAt, "p")+` FROM membership_post_proofs p
		JOIN membership_groups g ON g.id = p.group_id WHERE p.status_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, fmt.Errorf("sqlite: post proofs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p    store.PostProof
			s, g int64
		)
		if err := rows.Scan(&s, &g, &p.Root, &p.Nullifier, &p.Scope, &p.ScopeNonce, &p.Message, &p.Proof,
			&p.GroupSlug, &p.GroupName, &p.AnonymitySet); err != nil {
			return nil, fmt.Errorf("sqlite: scan post proof: %w", err)
		}
		p.StatusID, p.GroupID = formatID(s), formatID(g)
		out[p.StatusID] = &p
	}
	return out, rows.Err()
}
