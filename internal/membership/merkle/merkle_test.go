package merkle

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"publius/internal/zk"
)

func elems(n int, seed uint64) []zk.Element {
	out := make([]zk.Element, n)
	for i := range out {
		out[i].SetUint64(seed*1_000_003 + uint64(i) + 1)
	}
	return out
}

// naiveRoot computes the root of a depth-d tree holding leaves directly.
func naiveRoot(leaves []zk.Element, d int) zk.Element {
	level := append([]zk.Element(nil), leaves...)
	for h := 0; h < d; h++ {
		next := make([]zk.Element, (len(level)+1)/2)
		for j := range next {
			r := zk.ZeroHash(h)
			if 2*j+1 < len(level) {
				r = level[2*j+1]
			}
			next[j] = zk.HashNode(level[2*j], r)
		}
		if len(next) == 0 {
			return zk.ZeroHash(d)
		}
		level = next
	}
	return level[0]
}

func TestEmpty(t *testing.T) {
	tr := New()
	if r := tr.Root(); r != zk.ZeroHash(Depth) {
		t.Fatal("empty root")
	}
	if _, err := tr.Path(0); !errors.Is(err, ErrOutOfRange) {
		t.Fatal(err)
	}
	if _, _, err := PathFromLeaves(nil, 0); !errors.Is(err, ErrOutOfRange) {
		t.Fatal(err)
	}
}

func TestAppendMatchesFromLeaves(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100, 1500} {
		leaves := elems(n, uint64(n))
		tr := New()
		for i, l := range leaves {
			idx, err := tr.Append(l)
			if err != nil || idx != uint64(i) {
				t.Fatalf("Append %d = %d, %v", i, idx, err)
			}
		}
		bulk, err := FromLeaves(append([]zk.Element(nil), leaves...))
		if err != nil {
			t.Fatal(err)
		}
		want := naiveRoot(leaves, Depth)
		if tr.Root() != want || bulk.Root() != want {
			t.Fatalf("n=%d: roots differ", n)
		}
		if tr.Len() != uint64(n) || tr.Leaf(uint64(n-1)) != leaves[n-1] || tr.Leaf(uint64(n)) != (zk.Element{}) {
			t.Fatalf("n=%d: Len/Leaf", n)
		}
		for _, i := range []uint64{0, uint64(n / 2), uint64(n - 1)} {
			p, err := tr.Path(i)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := bulk.Path(i)
			if err != nil || p != p2 {
				t.Fatalf("n=%d i=%d: paths differ (%v)", n, i, err)
			}
			p3, root, err := PathFromLeaves(leaves, i)
			if err != nil || p3 != p || root != want {
				t.Fatalf("n=%d i=%d: PathFromLeaves differs (%v)", n, i, err)
			}
			if !VerifyPath(leaves[i], p, want) {
				t.Fatalf("n=%d i=%d: path does not verify", n, i)
			}
			if VerifyPath(leaves[(int(i)+1)%n], p, want) && n > 1 {
				t.Fatalf("n=%d i=%d: wrong leaf verifies", n, i)
			}
		}
	}
}

func TestRemoval(t *testing.T) {
	leaves := elems(50, 9)
	tr, _ := FromLeaves(append([]zk.Element(nil), leaves...))
	old := tr.Root()
	p, _ := tr.Path(17)
	if err := tr.Set(17, zk.Element{}); err != nil {
		t.Fatal(err)
	}
	if tr.Root() == old {
		t.Fatal("removal did not change the root")
	}
	if VerifyPath(leaves[17], p, tr.Root()) {
		t.Fatal("old path verifies against the new root")
	}
	p2, _ := tr.Path(17)
	if VerifyPath(leaves[17], p2, tr.Root()) || !VerifyPath(zk.Element{}, p2, tr.Root()) {
		t.Fatal("removed leaf still a member")
	}
	// Other members get fresh paths that verify.
	p3, _ := tr.Path(3)
	if !VerifyPath(leaves[3], p3, tr.Root()) {
		t.Fatal("other member's path")
	}
	leaves[17] = zk.Element{}
	if naiveRoot(leaves, Depth) != tr.Root() {
		t.Fatal("root after removal differs from rebuild")
	}
	if err := tr.Set(50, leaves[0]); !errors.Is(err, ErrOutOfRange) {
		t.Fatal(err)
	}
}

func TestFull(t *testing.T) {
	const d = 4
	tr := newTree(d)
	leaves := elems(1<<d, 3)
	for _, l := range leaves {
		if _, err := tr.Append(l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.Append(leaves[0]); !errors.Is(err, ErrFull) {
		t.Fatalf("Append to full tree: %v", err)
	}
	if tr.Root() != naiveRoot(leaves, d) {
		t.Fatal("full tree root")
	}
	if _, err := fromLeaves(d, append(leaves, leaves[0])); !errors.Is(err, ErrFull) {
		t.Fatal(err)
	}
	if VerifyPath(leaves[0], zk.MerklePath{Index: 1 << Depth}, tr.Root()) {
		t.Fatal("index out of range accepted")
	}
}

func TestConcurrentReaders(t *testing.T) {
	tr := New()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, l := range elems(200, 1) {
			tr.Append(l)
		}
	}()
	for i := 0; i < 200; i++ {
		if n := tr.Len(); n > 0 {
			p, err := tr.Path(n - 1)
			if err != nil {
				t.Fatal(err)
			}
			_ = p
		}
		_ = tr.Root()
	}
	wg.Wait()
}

func TestProofWithTreePath(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a Groth16 setup")
	}
	pk, vk, err := zk.Setup()
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]zk.Identity, 5)
	tr := New()
	for i := range ids {
		ids[i], _ = zk.NewIdentity()
		tr.Append(ids[i].Commitment())
	}
	p, err := tr.Path(3)
	if err != nil {
		t.Fatal(err)
	}
	scope := zk.Scope("USCIS employees", "account-binding")
	proof, pub, err := zk.ProveRoot(pk, ids[3], p, tr.Root(), scope, zk.MessageHash([]byte("@bob")))
	if err != nil {
		t.Fatal(err)
	}
	if err := zk.Verify(vk, proof, pub); err != nil {
		t.Fatal(err)
	}
	// After removal the member can no longer prove under the new root.
	tr.Set(3, zk.Element{})
	if _, _, err := zk.ProveRoot(pk, ids[3], p, tr.Root(), scope, zk.Element{}); !errors.Is(err, zk.ErrNotMember) {
		t.Fatalf("removed member proved: %v", err)
	}
	p2, _ := tr.Path(3)
	if _, _, err := zk.ProveRoot(pk, ids[3], p2, tr.Root(), scope, zk.Element{}); !errors.Is(err, zk.ErrNotMember) {
		t.Fatalf("removed member proved with fresh path: %v", err)
	}
}

// TestMemory1M logs memory and build time for a full-size tree; run with
// -run Memory1M -v (skipped with -short).
func TestMemory1M(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 2^20-leaf tree")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// The tree owns the leaf slice, so it counts towards the tree's size.
	leaves := elems(1<<20, 5)
	start := time.Now()
	tr, err := FromLeaves(leaves)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := after.HeapAlloc - before.HeapAlloc
	t.Logf("FromLeaves(2^20): %v, heap %.1f MiB, %.1f bytes/leaf", took, float64(used)/(1<<20), float64(used)/(1<<20))
	if used > 70<<20 {
		t.Errorf("tree uses %d bytes", used)
	}
	runtime.KeepAlive(tr)
}
