// Package membership runs verifiable-membership groups: verifiers add
// identity commitments to a group's Merkle tree, members prove in zero
// knowledge that they are one of its members to claim a badge for an
// account or to sign a post, and the server checks those proofs.
//
// Each group's tree lives in memory once a write needs it (loaded from the
// stored leaves); every change is O(depth) and is persisted together with
// the new root in one transaction. Writes are optimistic on the group's
// version, so several nodes sharing one database stay correct: a node
// whose tree is stale gets store.ErrStale, reloads and retries.
//
// Scopes and messages (see zk for the hashes):
//
//	badge: scope = zk.Scope(slug, "account-badge"), message = zk.MessageHash(accountID)
//	post:  scope = zk.Scope(slug, "post:" + nonce), message = zk.MessageHash(authorID, text)
//
// A post's nonce is 16 random bytes (32 hex characters) chosen by the
// member's client for that post alone, so two posts by one member have
// unrelated nullifiers and cannot be linked to each other or to the
// member's badge; the group-wide nullifier uniqueness only stops a proof
// from being replayed onto a second post.
package membership

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"publius/internal/membership/merkle"
	"publius/internal/store"
	"publius/internal/timeline"
	"publius/internal/zk"
)

// Errors callers map to HTTP statuses.
var (
	// ErrNoKeys: the deployment has no zk keys yet (503).
	ErrNoKeys = errors.New("membership proofs are not set up on this server: the operator must run `publius admin zk setup`")
	// ErrForbidden: the caller may not change this group (403).
	ErrForbidden = errors.New("only the group's verifiers and operators can do this")
	// ErrInvalid: malformed input (422).
	ErrInvalid = errors.New("invalid input")
	// ErrInvalidProof: the proof does not verify or is malformed (422).
	ErrInvalidProof = errors.New("invalid membership proof")
	// ErrUnknownRoot: the proved root is not one of the last K roots (422).
	ErrUnknownRoot = errors.New("unknown or outdated group root")
	// ErrDuplicate: the commitment is already a member (409).
	ErrDuplicate = errors.New("this commitment is already a member of the group")
	// ErrNullifierUsed: this member already used this scope (409).
	ErrNullifierUsed = errors.New("nullifier already used")
	// ErrAlreadyBadged: the account already holds a badge of the group (409).
	ErrAlreadyBadged = errors.New("this account already holds a badge for this group")
	// ErrFull: the group's tree is full (422).
	ErrFull = errors.New("the group is full")
)

// Purpose strings for zk.Scope.
const (
	BadgePurpose = "account-badge"
	PostPurpose  = "post:"
	// NonceLen is the length of a post's scope nonce in hex characters.
	NonceLen = 32
)

// MinAnonymitySet is the anonymity set below which clients refuse to
// claim a badge unless forced.
const MinAnonymitySet = 10

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// BadgeScope is the scope of a group's account badges.
func BadgeScope(slug string) zk.Element { return zk.Scope(slug, BadgePurpose) }

// BadgeMessage binds a badge proof to an account.
func BadgeMessage(accountID string) zk.Element { return zk.MessageHash([]byte(accountID)) }

// PostScope is the scope of one post's proof.
func PostScope(slug, nonce string) zk.Element { return zk.Scope(slug, PostPurpose+nonce) }

// PostMessage binds a post proof to the author and the text as stored
// (surrounding white space trimmed, as the server stores it).
func PostMessage(authorID, text string) zk.Element {
	return zk.MessageHash([]byte(authorID), []byte(strings.TrimSpace(text)))
}

// ValidNonce reports whether nonce is 32 lowercase hex characters.
func ValidNonce(nonce string) bool {
	if len(nonce) != NonceLen {
		return false
	}
	for i := 0; i < len(nonce); i++ {
		c := nonce[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Service implements groups, membership changes and proof checks.
type Service struct {
	store     store.Store
	vk        *zk.VerifyingKey // nil when keys are not set up
	rootsKept int64
	timelines *timeline.Service

	mu    sync.Mutex
	trees map[string]*groupTree // by group ID
}

// groupTree is a group's in-memory tree at a stored version.
type groupTree struct {
	mu      sync.Mutex // serialises loading and writes
	tree    *merkle.Tree
	version int64
}

// NewService returns a Service. vk may be nil (proof checks then answer
// ErrNoKeys); rootsKept is K, the number of recent roots accepted.
func NewService(st store.Store, vk *zk.VerifyingKey, rootsKept int, timelines *timeline.Service) *Service {
	return &Service{store: st, vk: vk, rootsKept: int64(max(rootsKept, 1)), timelines: timelines,
		trees: map[string]*groupTree{}}
}

// VerifyingKey returns the deployment's verifying key, or ErrNoKeys.
func (s *Service) VerifyingKey() (*zk.VerifyingKey, error) {
	if s.vk == nil {
		return nil, ErrNoKeys
	}
	return s.vk, nil
}

// RootsKept is K.
func (s *Service) RootsKept() int { return int(s.rootsKept) }

// NewGroup is what an operator submits to create a group.
type NewGroup struct {
	Slug, Name, Description string
}

// CreateGroup creates a group; only operators may.
func (s *Service) CreateGroup(ctx context.Context, caller *store.Account, in NewGroup) (*store.Group, error) {
	if caller == nil || !caller.Admin {
		return nil, fmt.Errorf("%w: only operators can create groups", ErrForbidden)
	}
	name, desc := strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	switch {
	case !slugPattern.MatchString(in.Slug):
		return nil, fmt.Errorf("%w: slug must be 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit", ErrInvalid)
	case name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name):
		return nil, fmt.Errorf("%w: name must be 1-100 characters", ErrInvalid)
	case utf8.RuneCountInString(desc) > 1000 || !utf8.ValidString(desc):
		return nil, fmt.Errorf("%w: description must be at most 1000 characters", ErrInvalid)
	}
	g := &store.Group{Slug: in.Slug, Name: name, Description: desc}
	if err := s.store.CreateGroup(ctx, g); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("%w: a group with this slug exists", ErrDuplicate)
		}
		return nil, err
	}
	return g, nil
}

// Group returns a group by slug (store.ErrNotFound when absent).
func (s *Service) Group(ctx context.Context, slug string) (*store.Group, error) {
	if !slugPattern.MatchString(slug) {
		return nil, store.ErrNotFound
	}
	return s.store.GroupBySlug(ctx, slug)
}

// Groups lists all groups.
func (s *Service) Groups(ctx context.Context) ([]*store.Group, error) { return s.store.Groups(ctx) }

// CurrentRoot returns the group's newest root and its size; an empty
// group has the empty tree's root and size 0.
func (s *Service) CurrentRoot(ctx context.Context, g *store.Group) (store.Root, error) {
	roots, err := s.store.Roots(ctx, g.ID, 0, 1)
	if err != nil {
		return store.Root{}, err
	}
	if len(roots) == 0 {
		z := zk.ZeroHash(zk.Depth)
		b := z.Bytes()
		return store.Root{Root: b[:], CreatedOn: g.CreatedOn}, nil
	}
	return roots[0], nil
}

// AddVerifier lets the account with handle add and remove members of the
// group; only operators may.
func (s *Service) AddVerifier(ctx context.Context, caller *store.Account, slug, handle string) (*store.Account, error) {
	if caller == nil || !caller.Admin {
		return nil, fmt.Errorf("%w: only operators can appoint verifiers", ErrForbidden)
	}
	g, err := s.Group(ctx, slug)
	if err != nil {
		return nil, err
	}
	a, err := s.store.AccountByHandle(ctx, strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	if err != nil || a.Deleted || a.Suspended {
		return nil, fmt.Errorf("%w: no account @%s", ErrInvalid, strings.TrimPrefix(handle, "@"))
	}
	return a, s.store.AddVerifier(ctx, g.ID, a.ID)
}

// Verifiers lists the group's verifier accounts.
func (s *Service) Verifiers(ctx context.Context, g *store.Group) ([]*store.Account, error) {
	ids, err := s.store.Verifiers(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	byID, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*store.Account, 0, len(ids))
	for _, id := range ids {
		if a := byID[id]; a != nil && !a.Deleted {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *Service) mayEdit(ctx context.Context, caller *store.Account, g *store.Group) error {
	if caller == nil {
		return ErrForbidden
	}
	if caller.Admin {
		return nil
	}
	ok, err := s.store.IsVerifier(ctx, g.ID, caller.ID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

// Change is the result of a membership change.
type Change struct {
	Index uint64
	Root  store.Root
}

// AddMember appends a commitment (64 hex characters) to the group's tree.
// Only the group's verifiers and operators may.
func (s *Service) AddMember(ctx context.Context, caller *store.Account, slug, commitment string) (*Change, error) {
	g, err := s.Group(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := s.mayEdit(ctx, caller, g); err != nil {
		return nil, err
	}
	c, err := zk.ParseCommitment(commitment)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	cb := c.Bytes()
	return s.change(ctx, g, func(gt *groupTree) (store.LeafChange, func(), error) {
		if _, err := s.store.LeafIndex(ctx, g.ID, cb[:]); err == nil {
			return store.LeafChange{}, nil, ErrDuplicate
		} else if !errors.Is(err, store.ErrNotFound) {
			return store.LeafChange{}, nil, err
		}
		idx, err := gt.tree.Append(c)
		if errors.Is(err, merkle.ErrFull) {
			return store.LeafChange{}, nil, ErrFull
		}
		if err != nil {
			return store.LeafChange{}, nil, err
		}
		return store.LeafChange{Index: idx, Commitment: cb[:]}, nil, nil
	}, s.store.AppendLeaf)
}

// RemoveMember clears the leaf at index, making a new root; proofs
// against older roots stay valid until they fall out of the last K.
func (s *Service) RemoveMember(ctx context.Context, caller *store.Account, slug string, index uint64) (*Change, error) {
	g, err := s.Group(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := s.mayEdit(ctx, caller, g); err != nil {
		return nil, err
	}
	return s.change(ctx, g, func(gt *groupTree) (store.LeafChange, func(), error) {
		if index >= gt.tree.Len() {
			return store.LeafChange{}, nil, store.ErrNotFound
		}
		prev := gt.tree.Leaf(index)
		if prev.IsZero() {
			return store.LeafChange{}, nil, store.ErrNotFound
		}
		if err := gt.tree.Set(index, zk.Element{}); err != nil {
			return store.LeafChange{}, nil, err
		}
		undo := func() { gt.tree.Set(index, prev) }
		return store.LeafChange{Index: index}, undo, nil
	}, s.store.RemoveLeaf)
}

// maxAttempts bounds retries when other nodes keep changing a group.
const maxAttempts = 20

// change brings the group's tree up to the stored version, applies edit
// and persists it with the new root. If persisting fails after edit
// touched the tree, the tree is dropped and reloaded on next use; when
// another node won the race (store.ErrStale) the change is retried.
func (s *Service) change(ctx context.Context, g *store.Group,
	edit func(*groupTree) (store.LeafChange, func(), error),
	persist func(context.Context, store.LeafChange) (*store.Root, error)) (*Change, error) {
	gt := s.treeOf(g.ID)
	gt.mu.Lock()
	defer gt.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if err := gt.sync(ctx, s.store, g.Slug); err != nil {
			return nil, err
		}
		before := gt.tree.Len()
		lc, undo, err := edit(gt)
		if err != nil {
			if gt.tree.Len() != before {
				gt.tree = nil
			}
			return nil, err
		}
		root := gt.tree.Root()
		rb := root.Bytes()
		lc.GroupID, lc.Version, lc.Root = g.ID, gt.version, rb[:]
		r, err := persist(ctx, lc)
		if errors.Is(err, store.ErrStale) && attempt < maxAttempts {
			// Another node changed the group first. Undo a removal; a
			// tentative append is overwritten when sync replays the other
			// node's changes, and sync's root check reloads the tree if not.
			if undo != nil {
				undo()
			}
			// The winner goes straight on to its next change; a random
			// pause keeps this node from losing every race after it.
			time.Sleep(time.Duration(rand.Int64N(int64(attempt) * int64(time.Millisecond))))
			continue
		}
		if err != nil {
			gt.tree = nil
			if errors.Is(err, store.ErrConflict) {
				return nil, ErrDuplicate
			}
			return nil, err
		}
		gt.version = r.Seq
		return &Change{Index: lc.Index, Root: *r}, nil
	}
}

func (s *Service) treeOf(groupID string) *groupTree {
	s.mu.Lock()
	defer s.mu.Unlock()
	gt := s.trees[groupID]
	if gt == nil {
		gt = &groupTree{}
		s.trees[groupID] = gt
	}
	return gt
}

// LoadPage is how many leaves one store query reads while loading a tree.
const LoadPage = 16384

// sync loads the tree, or brings a loaded one up to the stored version by
// replaying the changes other nodes made (O(depth) each) and checking the
// resulting root; anything inconsistent falls back to a full reload.
func (gt *groupTree) sync(ctx context.Context, st store.Store, slug string) error {
	if gt.tree != nil {
		g, err := st.GroupBySlug(ctx, slug)
		if err != nil {
			return err
		}
		if g.Version == gt.version {
			return nil
		}
		if gt.catchUp(ctx, st, g) == nil {
			return nil
		}
		gt.tree = nil
	}
	return gt.load(ctx, st, slug)
}

// catchUp replays the changes after gt.version.
func (gt *groupTree) catchUp(ctx context.Context, st store.Store, g *store.Group) error {
	changes, err := st.RootsSince(ctx, g.ID, gt.version, 1000)
	if err != nil {
		return err
	}
	if len(changes) == 0 || len(changes) == 1000 {
		return errors.New("membership: too far behind to replay")
	}
	for _, c := range changes {
		page, err := st.Leaves(ctx, g.ID, c.Index, 1)
		if err != nil {
			return err
		}
		if len(page) != 1 || page[0].Index != c.Index {
			return fmt.Errorf("membership: leaf %d missing", c.Index)
		}
		var e zk.Element
		if page[0].Commitment != nil {
			if err := e.SetBytesCanonical(page[0].Commitment); err != nil {
				return err
			}
		}
		switch n := gt.tree.Len(); {
		case c.Index == n:
			_, err = gt.tree.Append(e)
		case c.Index < n:
			err = gt.tree.Set(c.Index, e)
		default:
			err = fmt.Errorf("membership: change at leaf %d beyond %d", c.Index, n)
		}
		if err != nil {
			return err
		}
	}
	// Leaves read now may already be newer than the last change listed; the
	// root check catches that (and the caller reloads).
	last := changes[len(changes)-1]
	root := gt.tree.Root()
	if rb := root.Bytes(); string(rb[:]) != string(last.Root) {
		return errors.New("membership: replayed root differs")
	}
	gt.version = last.Seq
	return nil
}

// load reads the group's leaves into a new tree. The version is read
// before the leaves: if a write slips in between, the tree is newer than
// its version says and the next persist fails with ErrStale, which reloads.
func (gt *groupTree) load(ctx context.Context, st store.Store, slug string) error {
	g, err := st.GroupBySlug(ctx, slug)
	if err != nil {
		return err
	}
	// Room to grow, so the first appends do not copy the whole slice.
	leaves := make([]zk.Element, 0, min(g.LeafCount+g.LeafCount/8+1024, 1<<zk.Depth))
	for {
		page, err := st.Leaves(ctx, g.ID, uint64(len(leaves)), LoadPage)
		if err != nil {
			return err
		}
		for _, l := range page {
			if l.Index != uint64(len(leaves)) {
				return fmt.Errorf("membership: group %s: leaf %d missing", slug, len(leaves))
			}
			var e zk.Element
			if l.Commitment != nil {
				if err := e.SetBytesCanonical(l.Commitment); err != nil {
					return fmt.Errorf("membership: group %s: leaf %d: %w", slug, l.Index, err)
				}
			}
			leaves = append(leaves, e)
		}
		if len(page) < LoadPage {
			break
		}
	}
	t, err := merkle.FromLeaves(leaves)
	if err != nil {
		return err
	}
	gt.tree, gt.version = t, g.Version
	if len(leaves) > 1<<16 {
		// Loading a big group leaves tens of MB of garbage (row buffers);
		// hand it back to the OS now rather than at the GC's leisure.
		debug.FreeOSMemory()
	}
	return nil
}

// Preload loads a group's tree now (e.g. at start-up) rather than on its
// first change.
func (s *Service) Preload(ctx context.Context, slug string) error {
	g, err := s.Group(ctx, slug)
	if err != nil {
		return err
	}
	gt := s.treeOf(g.ID)
	gt.mu.Lock()
	defer gt.mu.Unlock()
	return gt.sync(ctx, s.store, slug)
}

// MaxLeavesPage is the most leaves one Leaves call returns.
const MaxLeavesPage = 10000

// Leaves returns up to limit (at most MaxLeavesPage) leaves from index
// from; removed members are zero. Anyone may read them: members compute
// their own paths from the full list, so the server never learns which
// leaf a member is.
func (s *Service) Leaves(ctx context.Context, g *store.Group, from uint64, limit int) ([]zk.Element, error) {
	limit = min(max(limit, 1), MaxLeavesPage)
	page, err := s.store.Leaves(ctx, g.ID, from, limit)
	if err != nil {
		return nil, err
	}
	out := make([]zk.Element, len(page))
	for i, l := range page {
		if l.Commitment != nil {
			if err := out[i].SetBytesCanonical(l.Commitment); err != nil {
				return nil, fmt.Errorf("membership: leaf %d: %w", l.Index, err)
			}
		}
	}
	return out, nil
}

// Roots lists the group's root history newest first.
func (s *Service) Roots(ctx context.Context, g *store.Group, before int64, limit int) ([]store.Root, error) {
	return s.store.Roots(ctx, g.ID, before, min(max(limit, 1), 1000))
}

// FindRoot looks a root up in the group's whole history (not only the
// last K): readers verifying an old post need it.
func (s *Service) FindRoot(ctx context.Context, g *store.Group, root string) (*store.Root, error) {
	r, err := zk.DecodeElement(root)
	if err != nil {
		return nil, fmt.Errorf("%w: root: %v", ErrInvalid, err)
	}
	b := r.Bytes()
	return s.store.FindRoot(ctx, g.ID, b[:], 0)
}

// ProofInput is a submitted proof: base64url proof, hex root and nullifier.
type ProofInput struct {
	Proof     string
	Root      string
	Nullifier string
}

// check verifies a proof for group g, scope and message against one of
// the group's last K roots, and returns the root's history entry.
func (s *Service) check(ctx context.Context, g *store.Group, in ProofInput, scope, message zk.Element) (*store.Root, zk.PublicInputs, zk.Proof, error) {
	var pub zk.PublicInputs
	if s.vk == nil {
		return nil, pub, zk.Proof{}, ErrNoKeys
	}
	proof, err := zk.DecodeProof(in.Proof)
	if err != nil {
		return nil, pub, zk.Proof{}, fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	root, err := zk.DecodeElement(in.Root)
	if err != nil {
		return nil, pub, proof, fmt.Errorf("%w: root: %v", ErrInvalidProof, err)
	}
	nullifier, err := zk.DecodeElement(in.Nullifier)
	if err != nil {
		return nil, pub, proof, fmt.Errorf("%w: nullifier: %v", ErrInvalidProof, err)
	}
	rb := root.Bytes()
	entry, err := s.store.FindRoot(ctx, g.ID, rb[:], g.Version-s.rootsKept)
	if errors.Is(err, store.ErrNotFound) {
		if _, old := s.store.FindRoot(ctx, g.ID, rb[:], 0); old == nil {
			return nil, pub, proof, fmt.Errorf("%w: the root is older than the group's last %d roots; sync the leaves and prove again", ErrUnknownRoot, s.rootsKept)
		}
		return nil, pub, proof, fmt.Errorf("%w: the root was never a root of group %s", ErrUnknownRoot, g.Slug)
	}
	if err != nil {
		return nil, pub, proof, err
	}
	pub = zk.PublicInputs{Root: root, Nullifier: nullifier, Scope: scope, Message: message}
	if err := zk.Verify(s.vk, proof, pub); err != nil {
		return nil, pub, proof, fmt.Errorf("%w: it does not verify for this group, scope and message", ErrInvalidProof)
	}
	return entry, pub, proof, nil
}

// ClaimBadge checks a badge proof for account and records the badge.
func (s *Service) ClaimBadge(ctx context.Context, account *store.Account, slug string, in ProofInput) (*store.Badge, error) {
	if s.vk == nil {
		return nil, ErrNoKeys
	}
	g, err := s.Group(ctx, slug)
	if err != nil {
		return nil, err
	}
	entry, pub, _, err := s.check(ctx, g, in, BadgeScope(g.Slug), BadgeMessage(account.ID))
	if err != nil {
		return nil, err
	}
	have, err := s.store.AccountBadges(ctx, account.ID)
	if err != nil {
		return nil, err
	}
	for _, b := range have {
		if b.GroupID == g.ID {
			return nil, ErrAlreadyBadged
		}
	}
	nb, rb := pub.Nullifier.Bytes(), pub.Root.Bytes()
	b := &store.Badge{GroupID: g.ID, Nullifier: nb[:], AccountID: account.ID, Root: rb[:],
		GroupSlug: g.Slug, GroupName: g.Name, AnonymitySet: entry.Size}
	if err := s.store.CreateBadge(ctx, b); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("%w: this member has already claimed a badge in this group for another account", ErrNullifierUsed)
		}
		return nil, err
	}
	return b, nil
}

// Badges lists an account's badges.
func (s *Service) Badges(ctx context.Context, accountID string) ([]*store.Badge, error) {
	return s.store.AccountBadges(ctx, accountID)
}

// PostProofInput is a proof submitted with a new status.
type PostProofInput struct {
	Group      string
	ScopeNonce string
	ProofInput
}

// Post verifies a post proof for author and in.Text, then creates the
// status and attaches the proof. If the proof cannot be recorded (its
// nullifier was used), the status is removed again.
func (s *Service) Post(ctx context.Context, author *store.Account, in timeline.NewStatus, idempotencyKey string, p PostProofInput) (*store.Status, error) {
	if s.vk == nil {
		return nil, ErrNoKeys
	}
	g, err := s.Group(ctx, p.Group)
	if err != nil {
		return nil, fmt.Errorf("%w: no group %q", ErrInvalid, p.Group)
	}
	if !ValidNonce(p.ScopeNonce) {
		return nil, fmt.Errorf("%w: scope_nonce must be %d lowercase hex characters", ErrInvalid, NonceLen)
	}
	scope := PostScope(g.Slug, p.ScopeNonce)
	entry, pub, proof, err := s.check(ctx, g, p.ProofInput, scope, PostMessage(author.ID, in.Text))
	if err != nil {
		return nil, err
	}
	st, err := s.timelines.Post(ctx, author, in, idempotencyKey, false)
	if err != nil {
		return nil, err
	}
	rb, nb, sb, mb := pub.Root.Bytes(), pub.Nullifier.Bytes(), pub.Scope.Bytes(), pub.Message.Bytes()
	pp := &store.PostProof{StatusID: st.ID, GroupID: g.ID, Root: rb[:], Nullifier: nb[:], Scope: sb[:],
		ScopeNonce: p.ScopeNonce, Message: mb[:], Proof: proof.Bytes(), GroupSlug: g.Slug, GroupName: g.Name,
		AnonymitySet: entry.Size}
	if st.Text != strings.TrimSpace(in.Text) {
		// An Idempotency-Key retry returned an earlier, different status.
		return nil, fmt.Errorf("%w: Idempotency-Key was used for a different post", ErrInvalid)
	}
	if err := s.store.CreatePostProof(ctx, pp); err != nil {
		if _, perr := s.store.PostProof(ctx, st.ID); perr == nil {
			return st, nil // a retried request: the status has its proof
		}
		if derr := s.store.DeleteStatus(ctx, st.ID); derr != nil {
			return nil, errors.Join(err, derr)
		}
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("%w: this proof's nullifier was already used by another post; use a fresh scope nonce", ErrNullifierUsed)
		}
		return nil, err
	}
	return st, nil
}

// PostProof returns a status's proof, or store.ErrNotFound.
func (s *Service) PostProof(ctx context.Context, statusID string) (*store.PostProof, error) {
	return s.store.PostProof(ctx, statusID)
}
