package store

import (
	"context"
	"errors"
	"time"
)

// ErrStale means a write was based on an older version of a record than the
// stored one (another node or request changed it first); reload and retry.
var ErrStale = errors.New("record changed concurrently")

// Membership stores verifiable-membership groups: their verifiers, the
// leaves of each group's Merkle tree, its root history, badges and post
// proofs. Field elements (commitments, roots, nullifiers, scopes, message
// hashes) are 32-byte big-endian values.
//
// Which member owns which account is never stored: a badge records only
// the nullifier, which reveals no leaf.
type Membership interface {
	// CreateGroup inserts g and fills g.ID; ErrConflict when the slug is taken.
	CreateGroup(ctx context.Context, g *Group) error
	GroupBySlug(ctx context.Context, slug string) (*Group, error)
	// Groups lists every group by slug.
	Groups(ctx context.Context) ([]*Group, error)
	// AddVerifier lets accountID add and remove members; adding twice is a no-op.
	AddVerifier(ctx context.Context, groupID, accountID string) error
	IsVerifier(ctx context.Context, groupID, accountID string) (bool, error)
	// Verifiers lists the group's verifier account IDs.
	Verifiers(ctx context.Context, groupID string) ([]string, error)

	// Leaves returns up to limit leaves with index >= from, in index order;
	// a removed member's leaf has a nil Commitment.
	Leaves(ctx context.Context, groupID string, from uint64, limit int) ([]Leaf, error)
	// LeafIndex finds a current member's leaf; ErrNotFound when absent.
	LeafIndex(ctx context.Context, groupID string, commitment []byte) (uint64, error)
	// AppendLeaf stores c as leaf c.Index (which must be the group's next
	// index) and c.Root as the root after it, in one transaction. It returns
	// ErrStale unless the group is still at c.Version, and ErrConflict when
	// the commitment is already a current member.
	AppendLeaf(ctx context.Context, c LeafChange) (*Root, error)
	// RemoveLeaf clears leaf c.Index (c.Commitment is ignored) and stores
	// c.Root, in one transaction; ErrStale as for AppendLeaf, ErrNotFound
	// when the leaf is out of range or already removed.
	RemoveLeaf(ctx context.Context, c LeafChange) (*Root, error)

	// Roots lists the group's root history newest first: at most limit
	// entries with Seq < before (before <= 0: from the newest).
	Roots(ctx context.Context, groupID string, before int64, limit int) ([]Root, error)
	// RootsSince lists up to limit history entries with Seq > after, oldest
	// first: the changes a node with a tree at version after must replay.
	RootsSince(ctx context.Context, groupID string, after int64, limit int) ([]Root, error)
	// FindRoot returns the newest history entry holding root among
	// those with Seq > after; ErrNotFound when there is none. With after =
	// version-K it answers "is root among the last K roots".
	FindRoot(ctx context.Context, groupID string, root []byte, after int64) (*Root, error)

	// CreateBadge records a claimed badge; ErrConflict when the group
	// already has a badge with b.Nullifier (the member claimed before).
	CreateBadge(ctx context.Context, b *Badge) error
	// AccountBadges lists an account's badges with group names and the
	// anonymity set size at each badge's root.
	AccountBadges(ctx context.Context, accountID string) ([]*Badge, error)
	// BadgesOf is AccountBadges for many accounts in one query (rendering
	// a timeline); accounts without badges are absent from the map.
	BadgesOf(ctx context.Context, accountIDs []string) (map[string][]*Badge, error)

	// CreatePostProof attaches a membership proof to a status; ErrConflict
	// when the group already has a post proof with p.Nullifier.
	CreatePostProof(ctx context.Context, p *PostProof) error
	// PostProof returns a status's proof; ErrNotFound when it has none.
	PostProof(ctx context.Context, statusID string) (*PostProof, error)
	// PostProofsOf returns the proofs of those of statusIDs that carry one,
	// in one query.
	PostProofsOf(ctx context.Context, statusIDs []string) (map[string]*PostProof, error)
}

// Group is a verifiable-membership group.
type Group struct {
	ID          string
	Slug        string
	Name        string
	Description string
	CreatedOn   time.Time // day only
	// LeafCount is the number of leaf slots used (removed members included);
	// MemberCount the current members; Version counts tree changes (the
	// Seq of the newest root, 0 for a group never changed).
	LeafCount   uint64
	MemberCount int64
	Version     int64
}

// Leaf is one slot of a group's tree; Commitment is nil once removed.
type Leaf struct {
	Index      uint64
	Commitment []byte
}

// LeafChange is one tree update and the root it produces.
type LeafChange struct {
	GroupID    string
	Version    int64 // the group's version the change was computed against
	Index      uint64
	Commitment []byte
	Root       []byte
}

// Root is one entry of a group's root history. Size is the number of
// members (non-zero leaves) under it: the anonymity set of a proof
// against it.
type Root struct {
	Seq       int64
	Index     uint64 // the leaf whose change produced this root
	Root      []byte
	Size      int64
	CreatedOn time.Time // day only
}

// Badge binds one group member, known only by nullifier, to an account.
type Badge struct {
	GroupID   string
	Nullifier []byte
	AccountID string
	Root      []byte
	CreatedOn time.Time // day only
	// Filled by AccountBadges.
	GroupSlug    string
	GroupName    string
	AnonymitySet int64
}

// PostProof is a membership proof carried by a status.
type PostProof struct {
	StatusID  string
	GroupID   string
	Root      []byte
	Nullifier []byte
	Scope     []byte
	// ScopeNonce is the random per-post value the scope is derived from.
	ScopeNonce string
	Message    []byte
	Proof      []byte
	// Filled by PostProof.
	GroupSlug    string
	GroupName    string
	AnonymitySet int64
}
