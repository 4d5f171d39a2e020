// Package merkle implements the depth-20 incremental Merkle tree of
// identity commitments used for verifiable membership.
//
// Empty leaves are 0 and nodes are zk.HashNode(left, right); an empty
// subtree of height h has root zk.ZeroHash(h). Leaves are appended left to
// right; removing a member sets its leaf to 0 and keeps its index.
//
// Layout: the leaves and every level from storedFrom (2) upward are kept
// as dense slices of field elements; level 1 is recomputed from two leaves
// when needed (one hash). That keeps memory at about 48 bytes per leaf
// (48 MiB for 2^20 leaves) instead of 64 for a fully dense tree.
package merkle

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"publius/internal/zk"
)

// Depth is the tree depth (zk.Depth).
const Depth = zk.Depth

// storedFrom is the lowest stored level above the leaves.
const storedFrom = 2

// Errors.
var (
	ErrFull       = errors.New("merkle: tree is full")
	ErrOutOfRange = errors.New("merkle: leaf index out of range")
)

// Tree is an incremental Merkle tree. It is safe for concurrent use.
type Tree struct {
	mu     sync.RWMutex
	depth  int
	leaves []zk.Element
	// levels[l] for l >= storedFrom holds the non-empty prefix of level l:
	// ceil(len(leaves) / 2^l) nodes; nodes past the end are empty.
	levels [][]zk.Element
}

// New returns an empty depth-20 tree.
func New() *Tree { return newTree(Depth) }

func newTree(depth int) *Tree {
	return &Tree{depth: depth, levels: make([][]zk.Element, depth+1)}
}

// FromLeaves builds a tree holding leaves (0 for removed members) at
// indexes 0..len-1, bottom-up and in parallel. The tree takes ownership of
// the slice (no copy, to keep peak memory down for large groups): the
// caller must not use it afterwards; spare capacity in it saves Append a
// reallocation (and a transient second copy). It returns an error when there are
// more than 2^20 leaves.
func FromLeaves(leaves []zk.Element) (*Tree, error) {
	return fromLeaves(Depth, leaves)
}

func fromLeaves(depth int, leaves []zk.Element) (*Tree, error) {
	if uint64(len(leaves)) > 1<<depth {
		return nil, fmt.Errorf("%w: %d leaves", ErrFull, len(leaves))
	}
	t := newTree(depth)
	t.leaves = leaves // spare capacity is kept for Append
	n := len(leaves)
	if n == 0 {
		return t, nil
	}
	// Level storedFrom straight from the leaves.
	lvl := make([]zk.Element, ceilShift(n, storedFrom))
	parallelFor(len(lvl), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			lvl[j] = t.computed(storedFrom, uint64(j))
		}
	})
	t.levels[storedFrom] = lvl
	for l := storedFrom + 1; l <= depth; l++ {
		below := t.levels[l-1]
		up := make([]zk.Element, (len(below)+1)/2)
		hashLevel(up, below, l-1)
		t.levels[l] = up
	}
	return t, nil
}

// hashLevel sets up[j] = H(below[2j], below[2j+1]) with empty nodes of
// height h past the end of below.
func hashLevel(up, below []zk.Element, h int) {
	zero := zk.ZeroHash(h)
	parallelFor(len(up), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			r := zero
			if 2*j+1 < len(below) {
				r = below[2*j+1]
			}
			up[j] = zk.HashNode(below[2*j], r)
		}
	})
}

// parallelFor splits [0, n) over GOMAXPROCS goroutines when n is large
// enough for that to pay off.
func parallelFor(n int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < 1024 || w == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

func ceilShift(n, s int) int { return (n + 1<<s - 1) >> s }

// node returns the node at height h and index j (callers hold mu).
func (t *Tree) node(h int, j uint64) zk.Element {
	if h >= storedFrom {
		if j < uint64(len(t.levels[h])) {
			return t.levels[h][j]
		}
		return zk.ZeroHash(h)
	}
	return t.computed(h, j)
}

// computed hashes the node at height h <= storedFrom from the leaves.
func (t *Tree) computed(h int, j uint64) zk.Element {
	if h == 0 {
		if j < uint64(len(t.leaves)) {
			return t.leaves[j]
		}
		return zk.Element{}
	}
	if j<<h >= uint64(len(t.leaves)) {
		return zk.ZeroHash(h)
	}
	return zk.HashNode(t.computed(h-1, 2*j), t.computed(h-1, 2*j+1))
}

// Append adds leaf at the next index and returns that index.
func (t *Tree) Append(leaf zk.Element) (uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := uint64(len(t.leaves))
	if i >= 1<<t.depth {
		return 0, ErrFull
	}
	t.leaves = append(t.leaves, leaf)
	t.update(i)
	return i, nil
}

// Set replaces the leaf at index (< Len); set 0 to remove a member.
func (t *Tree) Set(index uint64, leaf zk.Element) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if index >= uint64(len(t.leaves)) {
		return fmt.Errorf("%w: %d (len %d)", ErrOutOfRange, index, len(t.leaves))
	}
	t.leaves[index] = leaf
	t.update(index)
	return nil
}

// update recomputes the stored nodes above leaf i.
func (t *Tree) update(i uint64) {
	for h := storedFrom; h <= t.depth; h++ {
		j := i >> h
		var v zk.Element
		if h == storedFrom {
			v = t.computed(h, j)
		} else {
			v = zk.HashNode(t.node(h-1, 2*j), t.node(h-1, 2*j+1))
		}
		if j == uint64(len(t.levels[h])) {
			t.levels[h] = append(t.levels[h], v)
		} else {
			t.levels[h][j] = v
		}
	}
}

// Root returns the current root.
func (t *Tree) Root() zk.Element {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.node(t.depth, 0)
}

// Len returns the number of leaf slots used, removed members included.
func (t *Tree) Len() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return uint64(len(t.leaves))
}

// Leaf returns the leaf at index i, 0 for an empty or removed slot.
func (t *Tree) Leaf(i uint64) zk.Element {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.computed(0, i)
}

// Leaves returns a copy of all leaves in index order.
func (t *Tree) Leaves() []zk.Element {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]zk.Element(nil), t.leaves...)
}

// Path returns the authentication path of the leaf at index (< Len).
func (t *Tree) Path(index uint64) (zk.MerklePath, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if index >= uint64(len(t.leaves)) {
		return zk.MerklePath{}, fmt.Errorf("%w: %d (len %d)", ErrOutOfRange, index, len(t.leaves))
	}
	p := zk.MerklePath{Index: index}
	for h := 0; h < t.depth && h < zk.Depth; h++ {
		p.Siblings[h] = t.node(h, (index>>h)^1)
	}
	return p, nil
}

// VerifyPath reports whether leaf is at path.Index under root.
func VerifyPath(leaf zk.Element, path zk.MerklePath, root zk.Element) bool {
	if path.Index >= 1<<zk.Depth {
		return false
	}
	r := path.Root(leaf)
	return r.Equal(&root)
}

// PathFromLeaves computes the path of leaves[index] and the root of the
// tree holding leaves, without building the tree: it hashes level by level
// into one buffer, keeping only the siblings. Used by clients that synced
// the public leaf list.
func PathFromLeaves(leaves []zk.Element, index uint64) (zk.MerklePath, zk.Element, error) {
	n := uint64(len(leaves))
	if n > 1<<zk.Depth {
		return zk.MerklePath{}, zk.Element{}, fmt.Errorf("%w: %d leaves", ErrFull, n)
	}
	if index >= n {
		return zk.MerklePath{}, zk.Element{}, fmt.Errorf("%w: %d (len %d)", ErrOutOfRange, index, n)
	}
	p := zk.MerklePath{Index: index}
	// Ping-pong between two buffers; the parallel workers of hashLevel
	// must not read what another one writes.
	cur := leaves
	a := make([]zk.Element, (n+1)/2)
	b := make([]zk.Element, (n+3)/4)
	for h := 0; h < zk.Depth; h++ {
		if j := (index >> h) ^ 1; j < uint64(len(cur)) {
			p.Siblings[h] = cur[j]
		} else {
			p.Siblings[h] = zk.ZeroHash(h)
		}
		up := a[:(len(cur)+1)/2]
		hashLevel(up, cur, h)
		cur, a, b = up, b, a
	}
	return p, cur[0], nil
}
