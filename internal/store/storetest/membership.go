package storetest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"publius/internal/store"
)

// Kinds of test field elements, so a commitment never equals a root or a
// nullifier by accident.
const (
	kindCommitment byte = iota + 1
	kindRoot
	kindNullifier
	kindScope
	kindMessage
)

// fe is a distinct 32-byte big-endian field element of a kind.
func fe(kind byte, n uint64) []byte {
	b := make([]byte, 32)
	b[1] = kind
	binary.BigEndian.PutUint64(b[24:], n)
	return b
}

func (e *env) group(slug, name string) *store.Group {
	e.t.Helper()
	g := &store.Group{Slug: slug, Name: name, Description: "about " + name}
	if err := e.s.CreateGroup(e.ctx, g); err != nil {
		e.t.Fatalf("CreateGroup(%s): %v", slug, err)
	}
	if g.ID == "" {
		e.t.Fatalf("CreateGroup(%s) did not assign an ID", slug)
	}
	return g
}

func (e *env) loadGroup(slug string) *store.Group {
	e.t.Helper()
	g, err := e.s.GroupBySlug(e.ctx, slug)
	if err != nil {
		e.t.Fatalf("GroupBySlug(%s): %v", slug, err)
	}
	return g
}

// appendLeaf adds commitment as the group's next leaf, producing root.
func (e *env) appendLeaf(g *store.Group, commitment, root []byte) *store.Root {
	e.t.Helper()
	cur := e.loadGroup(g.Slug)
	r, err := e.s.AppendLeaf(e.ctx, store.LeafChange{GroupID: cur.ID, Version: cur.Version, Index: cur.LeafCount,
		Commitment: commitment, Root: root})
	if err != nil {
		e.t.Fatalf("AppendLeaf(%s, leaf %d): %v", g.Slug, cur.LeafCount, err)
	}
	return r
}

// removeLeaf clears leaf index, producing root.
func (e *env) removeLeaf(g *store.Group, index uint64, root []byte) *store.Root {
	e.t.Helper()
	cur := e.loadGroup(g.Slug)
	r, err := e.s.RemoveLeaf(e.ctx, store.LeafChange{GroupID: cur.ID, Version: cur.Version, Index: index, Root: root})
	if err != nil {
		e.t.Fatalf("RemoveLeaf(%s, leaf %d): %v", g.Slug, index, err)
	}
	return r
}

// groupState checks a group's counters.
func (e *env) groupState(g *store.Group, leaves uint64, members, version int64) {
	e.t.Helper()
	got := e.loadGroup(g.Slug)
	if got.LeafCount != leaves || got.MemberCount != members || got.Version != version {
		e.t.Errorf("group %s leaves/members/version = %d/%d/%d, want %d/%d/%d", g.Slug,
			got.LeafCount, got.MemberCount, got.Version, leaves, members, version)
	}
}

func (e *env) leaves(g *store.Group, from uint64, limit int) []store.Leaf {
	e.t.Helper()
	got, err := e.s.Leaves(e.ctx, g.ID, from, limit)
	if err != nil {
		e.t.Fatalf("Leaves(%s, %d, %d): %v", g.Slug, from, limit, err)
	}
	return got
}

func sameLeaves(t *testing.T, what string, got, want []store.Leaf) {
	t.Helper()
	eq := func(a, b store.Leaf) bool {
		return a.Index == b.Index && bytes.Equal(a.Commitment, b.Commitment) && (a.Commitment == nil) == (b.Commitment == nil)
	}
	if !slices.EqualFunc(got, want, eq) {
		t.Errorf("%s:\n got  %s\n want %s", what, fmtLeaves(got), fmtLeaves(want))
	}
}

func fmtLeaves(list []store.Leaf) string {
	var b bytes.Buffer
	for _, l := range list {
		if l.Commitment == nil {
			fmt.Fprintf(&b, "[%d removed]", l.Index)
		} else {
			fmt.Fprintf(&b, "[%d %x]", l.Index, l.Commitment)
		}
	}
	return b.String()
}

// wantRoot is an expected root history entry.
type wantRoot struct {
	seq   int64
	index uint64
	root  []byte
	size  int64
}

func checkRoot(t *testing.T, what string, got *store.Root, want wantRoot) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: nil root, want seq %d", what, want.seq)
		return
	}
	if got.Seq != want.seq || got.Index != want.index || !bytes.Equal(got.Root, want.root) || got.Size != want.size ||
		!got.CreatedOn.Equal(today()) {
		t.Errorf("%s: seq %d index %d root %x size %d on %v; want seq %d index %d root %x size %d on %v", what,
			got.Seq, got.Index, got.Root, got.Size, got.CreatedOn, want.seq, want.index, want.root, want.size, today())
	}
}

func checkRoots(t *testing.T, what string, got []store.Root, want []wantRoot) {
	t.Helper()
	seqs := func() []int64 {
		out := make([]int64, len(got))
		for i, r := range got {
			out[i] = r.Seq
		}
		return out
	}
	if len(got) != len(want) {
		var ws []int64
		for _, w := range want {
			ws = append(ws, w.seq)
		}
		t.Errorf("%s: seqs %v, want %v", what, seqs(), ws)
		return
	}
	for i := range got {
		checkRoot(t, fmt.Sprintf("%s[%d]", what, i), &got[i], want[i])
	}
}

var membershipTests = map[string]func(*testing.T, *env){
	"Groups": func(t *testing.T, e *env) {
		in := &store.Group{Slug: "zeta", Name: "Zeta Agency", Description: "employees of Zeta"}
		if err := e.s.CreateGroup(e.ctx, in); err != nil {
			t.Fatal(err)
		}
		if in.ID == "" {
			t.Fatal("CreateGroup did not assign an ID")
		}
		alpha, mid := e.group("alpha", "Alpha"), e.group("mid", "Middle")
		if alpha.ID == in.ID || mid.ID == in.ID || alpha.ID == mid.ID {
			t.Errorf("groups share IDs: %s %s %s", in.ID, alpha.ID, mid.ID)
		}
		got := e.loadGroup("zeta")
		if got.ID != in.ID || got.Slug != "zeta" || got.Name != in.Name || got.Description != in.Description ||
			!got.CreatedOn.Equal(today()) || got.LeafCount != 0 || got.MemberCount != 0 || got.Version != 0 {
			t.Errorf("new group: %+v", got)
		}
		err := e.s.CreateGroup(e.ctx, &store.Group{Slug: "zeta", Name: "Another"})
		wantErr(t, "taken slug", err, store.ErrConflict)
		if got := e.loadGroup("zeta"); got.Name != in.Name {
			t.Errorf("taken slug changed the group's name to %q", got.Name)
		}
		_, err = e.s.GroupBySlug(e.ctx, "nope")
		wantErr(t, "unknown slug", err, store.ErrNotFound)

		list, err := e.s.Groups(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var slugs, ids []string
		for _, g := range list {
			slugs, ids = append(slugs, g.Slug), append(ids, g.ID)
		}
		sameIDs(t, "Groups by slug", slugs, []string{"alpha", "mid", "zeta"})
		sameIDs(t, "Groups IDs", ids, []string{alpha.ID, mid.ID, in.ID})
		// Groups carries the counters too.
		e.appendLeaf(mid, fe(kindCommitment, 1), fe(kindRoot, 1))
		list, err = e.s.Groups(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[1].LeafCount != 1 || list[1].MemberCount != 1 || list[1].Version != 1 || list[1].Name != "Middle" {
			t.Errorf("Groups after one append: %+v", list[1])
		}
	},
	"Verifiers": func(t *testing.T, e *env) {
		g, other := e.group("g", "G"), e.group("other", "Other")
		a, b, c := e.account("alice"), e.account("bob"), e.account("carol")
		verifiers := func(g *store.Group) []string {
			got, err := e.s.Verifiers(e.ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := verifiers(g); len(got) != 0 {
			t.Errorf("verifiers of a new group: %v", got)
		}
		for _, acct := range []*store.Account{a, b, a} {
			if err := e.s.AddVerifier(e.ctx, g.ID, acct.ID); err != nil {
				t.Fatalf("AddVerifier(%s): %v", acct.Handle, err)
			}
		}
		if err := e.s.AddVerifier(e.ctx, other.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		sameSet(t, "verifiers (alice added twice)", verifiers(g), []string{a.ID, b.ID})
		sameSet(t, "verifiers of the other group", verifiers(other), []string{c.ID})
		for _, c := range []struct {
			g    *store.Group
			a    *store.Account
			want bool
		}{{g, a, true}, {g, b, true}, {g, c, false}, {other, a, false}, {other, c, true}} {
			got, err := e.s.IsVerifier(e.ctx, c.g.ID, c.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("IsVerifier(%s, %s) = %v, want %v", c.g.Slug, c.a.Handle, got, c.want)
			}
		}
	},
	"AppendLeaf": func(t *testing.T, e *env) {
		g, other := e.group("g", "G"), e.group("other", "Other")
		for i := range uint64(3) {
			r := e.appendLeaf(g, fe(kindCommitment, i), fe(kindRoot, i))
			checkRoot(t, fmt.Sprint("append ", i), r, wantRoot{int64(i) + 1, i, fe(kindRoot, i), int64(i) + 1})
			e.groupState(g, i+1, int64(i)+1, int64(i)+1)
		}
		// The same commitment may be a member of another group.
		r := e.appendLeaf(other, fe(kindCommitment, 1), fe(kindRoot, 100))
		checkRoot(t, "append to the other group", r, wantRoot{1, 0, fe(kindRoot, 100), 1})

		change := func(version int64, index uint64, c uint64) store.LeafChange {
			return store.LeafChange{GroupID: g.ID, Version: version, Index: index, Commitment: fe(kindCommitment, c), Root: fe(kindRoot, 99)}
		}
		_, err := e.s.AppendLeaf(e.ctx, change(2, 3, 10))
		wantErr(t, "append at an old version", err, store.ErrStale)
		_, err = e.s.AppendLeaf(e.ctx, change(4, 3, 10))
		wantErr(t, "append at a future version", err, store.ErrStale)
		_, err = e.s.AppendLeaf(e.ctx, change(3, 3, 1))
		wantErr(t, "append a current member", err, store.ErrConflict)
		for _, index := range []uint64{2, 4, 100} {
			if _, err := e.s.AppendLeaf(e.ctx, change(3, index, 10)); err == nil {
				t.Errorf("append at index %d (next is 3) succeeded", index)
			}
		}
		// Nothing changed by the failures.
		e.groupState(g, 3, 3, 3)
		sameLeaves(t, "leaves after failed appends", e.leaves(g, 0, 100), []store.Leaf{
			{Index: 0, Commitment: fe(kindCommitment, 0)}, {Index: 1, Commitment: fe(kindCommitment, 1)}, {Index: 2, Commitment: fe(kindCommitment, 2)}})
		roots, err := e.s.Roots(e.ctx, g.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(roots) != 3 || roots[0].Seq != 3 || !bytes.Equal(roots[0].Root, fe(kindRoot, 2)) {
			t.Errorf("failed appends changed the root history: %+v", roots)
		}
		r, err = e.s.AppendLeaf(e.ctx, change(3, 3, 10))
		if err != nil {
			t.Fatal(err)
		}
		checkRoot(t, "append after failures", r, wantRoot{4, 3, fe(kindRoot, 99), 4})
		e.groupState(g, 4, 4, 4)
		e.groupState(other, 1, 1, 1)
	},
	"RemoveLeaf": func(t *testing.T, e *env) {
		g := e.group("g", "G")
		for i := range uint64(3) {
			e.appendLeaf(g, fe(kindCommitment, i), fe(kindRoot, i))
		}
		// The commitment in the change is ignored.
		cur := e.loadGroup("g")
		r, err := e.s.RemoveLeaf(e.ctx, store.LeafChange{GroupID: g.ID, Version: cur.Version, Index: 1,
			Commitment: fe(kindCommitment, 2), Root: fe(kindRoot, 10)})
		if err != nil {
			t.Fatal(err)
		}
		checkRoot(t, "remove leaf 1", r, wantRoot{4, 1, fe(kindRoot, 10), 2})
		e.groupState(g, 3, 2, 4)
		sameLeaves(t, "leaves after removing 1", e.leaves(g, 0, 100), []store.Leaf{
			{Index: 0, Commitment: fe(kindCommitment, 0)}, {Index: 1, Commitment: nil}, {Index: 2, Commitment: fe(kindCommitment, 2)}})
		_, err = e.s.LeafIndex(e.ctx, g.ID, fe(kindCommitment, 1))
		wantErr(t, "LeafIndex of a removed member", err, store.ErrNotFound)
		if idx, err := e.s.LeafIndex(e.ctx, g.ID, fe(kindCommitment, 2)); err != nil || idx != 2 {
			t.Errorf("LeafIndex of leaf 2 = %d, %v", idx, err)
		}

		remove := func(version int64, index uint64) error {
			_, err := e.s.RemoveLeaf(e.ctx, store.LeafChange{GroupID: g.ID, Version: version, Index: index, Root: fe(kindRoot, 99)})
			return err
		}
		wantErr(t, "remove an already removed leaf", remove(4, 1), store.ErrNotFound)
		wantErr(t, "remove past the end", remove(4, 3), store.ErrNotFound)
		wantErr(t, "remove far past the end", remove(4, 1000), store.ErrNotFound)
		wantErr(t, "remove at an old version", remove(3, 0), store.ErrStale)
		wantErr(t, "remove at a future version", remove(5, 0), store.ErrStale)
		e.groupState(g, 3, 2, 4)
		roots, err := e.s.Roots(e.ctx, g.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(roots) != 4 {
			t.Errorf("failed removals changed the root history: %+v", roots)
		}

		// A removed commitment may join again, at a new index.
		r = e.appendLeaf(g, fe(kindCommitment, 1), fe(kindRoot, 11))
		checkRoot(t, "re-append the removed commitment", r, wantRoot{5, 3, fe(kindRoot, 11), 3})
		if idx, err := e.s.LeafIndex(e.ctx, g.ID, fe(kindCommitment, 1)); err != nil || idx != 3 {
			t.Errorf("LeafIndex of the re-added member = %d, %v; want 3", idx, err)
		}
		e.groupState(g, 4, 3, 5)
		// Removing every member empties the set but keeps the slots.
		for _, i := range []uint64{0, 2, 3} {
			e.removeLeaf(g, i, fe(kindRoot, 20+i))
		}
		e.groupState(g, 4, 0, 8)
		sameLeaves(t, "leaves after removing all", e.leaves(g, 0, 100), []store.Leaf{{Index: 0}, {Index: 1}, {Index: 2}, {Index: 3}})
		r = e.appendLeaf(g, fe(kindCommitment, 0), fe(kindRoot, 30))
		checkRoot(t, "append to an emptied group", r, wantRoot{9, 4, fe(kindRoot, 30), 1})
	},
	"LeavesAndLeafIndex": func(t *testing.T, e *env) {
		g, other := e.group("g", "G"), e.group("other", "Other")
		if got := e.leaves(g, 0, 10); len(got) != 0 {
			t.Errorf("leaves of a new group: %s", fmtLeaves(got))
		}
		var want []store.Leaf
		for i := range uint64(7) {
			e.appendLeaf(g, fe(kindCommitment, i), fe(kindRoot, i))
			want = append(want, store.Leaf{Index: i, Commitment: fe(kindCommitment, i)})
		}
		// In the other group the same commitments sit at other indexes.
		for i := uint64(6); i >= 4; i-- {
			e.appendLeaf(other, fe(kindCommitment, i), fe(kindRoot, 100+i))
		}
		for _, i := range []uint64{2, 5} {
			e.removeLeaf(g, i, fe(kindRoot, 10+i))
			want[i].Commitment = nil
		}
		sameLeaves(t, "all leaves", e.leaves(g, 0, 100), want)
		sameLeaves(t, "from 2 limit 3", e.leaves(g, 2, 3), want[2:5])
		sameLeaves(t, "from 6", e.leaves(g, 6, 10), want[6:])
		sameLeaves(t, "from the end", e.leaves(g, 7, 10), nil)
		sameLeaves(t, "far past the end", e.leaves(g, 1<<40, 10), nil)
		var walked []store.Leaf
		for from := uint64(0); ; {
			page := e.leaves(g, from, 3)
			if len(page) == 0 || len(walked) > 7 {
				break
			}
			walked = append(walked, page...)
			from = page[len(page)-1].Index + 1
		}
		sameLeaves(t, "walk by 3", walked, want)
		sameLeaves(t, "other group", e.leaves(other, 0, 100), []store.Leaf{
			{Index: 0, Commitment: fe(kindCommitment, 6)}, {Index: 1, Commitment: fe(kindCommitment, 5)}, {Index: 2, Commitment: fe(kindCommitment, 4)}})

		for _, c := range []struct {
			g          *store.Group
			commitment uint64
			want       uint64
			missing    bool
		}{
			{g, 0, 0, false}, {g, 3, 3, false}, {g, 6, 6, false}, {g, 2, 0, true}, {g, 5, 0, true}, {g, 7, 0, true},
			{other, 6, 0, false}, {other, 4, 2, false}, {other, 5, 1, false}, {other, 0, 0, true},
		} {
			got, err := e.s.LeafIndex(e.ctx, c.g.ID, fe(kindCommitment, c.commitment))
			if c.missing {
				wantErr(t, fmt.Sprintf("LeafIndex(%s, c%d)", c.g.Slug, c.commitment), err, store.ErrNotFound)
			} else if err != nil || got != c.want {
				t.Errorf("LeafIndex(%s, c%d) = %d, %v; want %d", c.g.Slug, c.commitment, got, err, c.want)
			}
		}
	},
	"RootHistory": func(t *testing.T, e *env) {
		g, other := e.group("g", "G"), e.group("other", "Other")
		if roots, err := e.s.Roots(e.ctx, g.ID, 0, 10); err != nil || len(roots) != 0 {
			t.Errorf("roots of a new group: %v, %v", roots, err)
		}
		_, err := e.s.FindRoot(e.ctx, g.ID, fe(kindRoot, 0), 0)
		wantErr(t, "FindRoot in a new group", err, store.ErrNotFound)
		// Seq 1..5 append leaves 0..4 (sizes 1..5); seq 6 removes leaf 4
		// and brings back the root of seq 4, as removing the newest leaf does.
		var all []wantRoot // oldest first
		for i := range uint64(5) {
			e.appendLeaf(g, fe(kindCommitment, i), fe(kindRoot, i+1))
			all = append(all, wantRoot{int64(i) + 1, i, fe(kindRoot, i+1), int64(i) + 1})
		}
		e.removeLeaf(g, 4, fe(kindRoot, 4))
		all = append(all, wantRoot{6, 4, fe(kindRoot, 4), 4})
		e.appendLeaf(other, fe(kindCommitment, 0), fe(kindRoot, 2))
		e.groupState(g, 5, 4, 6)

		rev := slices.Clone(all)
		slices.Reverse(rev) // newest first
		roots := func(before int64, limit int) []store.Root {
			got, err := e.s.Roots(e.ctx, g.ID, before, limit)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		since := func(after int64, limit int) []store.Root {
			got, err := e.s.RootsSince(e.ctx, g.ID, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		checkRoots(t, "Roots all", roots(0, 100), rev)
		checkRoots(t, "Roots before -1", roots(-1, 100), rev)
		checkRoots(t, "Roots limit 2", roots(0, 2), rev[:2])
		checkRoots(t, "Roots before 5 limit 2", roots(5, 2), rev[2:4])
		checkRoots(t, "Roots before 3", roots(3, 100), rev[4:])
		checkRoots(t, "Roots before 7", roots(7, 100), rev)
		checkRoots(t, "Roots before 1", roots(1, 100), nil)
		checkRoots(t, "RootsSince 0", since(0, 100), all)
		checkRoots(t, "RootsSince 4", since(4, 100), all[4:])
		checkRoots(t, "RootsSince 2 limit 2", since(2, 2), all[2:4])
		checkRoots(t, "RootsSince 6", since(6, 100), nil)
		checkRoots(t, "RootsSince 60", since(60, 100), nil)
		// Walking back by before and forward by after each visit all once.
		var back []store.Root
		for before := int64(0); len(back) <= len(all); {
			page := roots(before, 4)
			if len(page) == 0 {
				break
			}
			back = append(back, page...)
			before = page[len(page)-1].Seq
		}
		checkRoots(t, "walk back", back, rev)
		var fwd []store.Root
		for after := int64(0); len(fwd) <= len(all); {
			page := since(after, 4)
			if len(page) == 0 {
				break
			}
			fwd = append(fwd, page...)
			after = page[len(page)-1].Seq
		}
		checkRoots(t, "walk forward", fwd, all)
		otherRoots, err := e.s.Roots(e.ctx, other.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		checkRoots(t, "other group's roots", otherRoots, []wantRoot{{1, 0, fe(kindRoot, 2), 1}})

		for _, c := range []struct {
			root  uint64
			after int64
			want  int // index into all; -1: ErrNotFound
		}{
			{4, 0, 5}, // newest of seq 4 and 6
			{4, 5, 5},
			{4, 3, 5},
			{4, 6, -1},
			{2, 0, 1},
			{2, 1, 1},
			{2, 2, -1}, // only in the other group after that
			{1, -5, 0},
			{5, 4, 4},
			{5, 5, -1},
			{9, 0, -1},
		} {
			what := fmt.Sprintf("FindRoot(r%d, after %d)", c.root, c.after)
			got, err := e.s.FindRoot(e.ctx, g.ID, fe(kindRoot, c.root), c.after)
			if c.want < 0 {
				wantErr(t, what, err, store.ErrNotFound)
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", what, err)
				continue
			}
			checkRoot(t, what, got, all[c.want])
		}
	},
	"ConcurrentAppendOneWins": func(t *testing.T, e *env) {
		g := e.group("g", "G")
		e.appendLeaf(g, fe(kindCommitment, 100), fe(kindRoot, 100))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = e.s.AppendLeaf(e.ctx, store.LeafChange{GroupID: g.ID, Version: 1, Index: 1,
					Commitment: fe(kindCommitment, uint64(i)), Root: fe(kindRoot, uint64(i))})
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("appends %d and %d both succeeded at version 1", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrStale):
				t.Errorf("losing append %d: %v, want ErrStale", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no concurrent append succeeded")
		}
		e.groupState(g, 2, 2, 2)
		sameLeaves(t, "leaves", e.leaves(g, 0, 10), []store.Leaf{{Index: 0, Commitment: fe(kindCommitment, 100)}, {Index: 1, Commitment: fe(kindCommitment, uint64(winner))}})
		roots, err := e.s.Roots(e.ctx, g.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		checkRoots(t, "roots", roots, []wantRoot{{2, 1, fe(kindRoot, uint64(winner)), 2}, {1, 0, fe(kindRoot, 100), 1}})
	},
	"Badges": func(t *testing.T, e *env) {
		a, b, c := e.account("alice"), e.account("bob"), e.account("carol")
		alpha, beta := e.group("alpha", "Alpha Agency"), e.group("beta", "Beta Bureau")
		for i := range uint64(3) {
			e.appendLeaf(alpha, fe(kindCommitment, i), fe(kindRoot, i+1)) // sizes 1, 2, 3
		}
		e.appendLeaf(beta, fe(kindCommitment, 0), fe(kindRoot, 11))
		e.appendLeaf(beta, fe(kindCommitment, 1), fe(kindRoot, 12))
		e.removeLeaf(beta, 0, fe(kindRoot, 13)) // size 1

		create := func(g *store.Group, acct *store.Account, nullifier uint64, root []byte) error {
			return e.s.CreateBadge(e.ctx, &store.Badge{GroupID: g.ID, Nullifier: fe(kindNullifier, nullifier), AccountID: acct.ID, Root: root})
		}
		// Alice has the same nullifier value in both groups (allowed: each
		// group is its own nullifier space), and claimed alpha against an
		// older root: her anonymity set is that root's size, not the
		// group's current one.
		if err := create(beta, a, 1, fe(kindRoot, 12)); err != nil {
			t.Fatal(err)
		}
		if err := create(alpha, a, 1, fe(kindRoot, 2)); err != nil {
			t.Fatalf("nullifier used in beta, claimed in alpha: %v", err)
		}
		wantErr(t, "bob reusing alice's alpha nullifier", create(alpha, b, 1, fe(kindRoot, 3)), store.ErrConflict)
		if err := create(beta, b, 2, fe(kindRoot, 13)); err != nil {
			t.Fatal(err)
		}
		// The nullifier bob has in beta is free in alpha.
		if err := create(alpha, b, 2, fe(kindRoot, 3)); err != nil {
			t.Fatal(err)
		}

		badges := func(acct *store.Account) []*store.Badge {
			got, err := e.s.AccountBadges(e.ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, func(x, y *store.Badge) int { return strings.Compare(x.GroupSlug, y.GroupSlug) })
			return got
		}
		check := func(who string, got []*store.Badge, want []store.Badge) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s has %d badges, want %d: %+v", who, len(got), len(want), got)
				return
			}
			for i, w := range want {
				g := got[i]
				if g.GroupID != w.GroupID || !bytes.Equal(g.Nullifier, w.Nullifier) || g.AccountID != w.AccountID ||
					!bytes.Equal(g.Root, w.Root) || !g.CreatedOn.Equal(today()) || g.GroupSlug != w.GroupSlug ||
					g.GroupName != w.GroupName || g.AnonymitySet != w.AnonymitySet {
					t.Errorf("%s badge %d:\n got  %+v\n want %+v", who, i, *g, w)
				}
			}
		}
		check("alice", badges(a), []store.Badge{
			{GroupID: alpha.ID, Nullifier: fe(kindNullifier, 1), AccountID: a.ID, Root: fe(kindRoot, 2),
				GroupSlug: "alpha", GroupName: "Alpha Agency", AnonymitySet: 2},
			{GroupID: beta.ID, Nullifier: fe(kindNullifier, 1), AccountID: a.ID, Root: fe(kindRoot, 12),
				GroupSlug: "beta", GroupName: "Beta Bureau", AnonymitySet: 2},
		})
		check("bob", badges(b), []store.Badge{
			{GroupID: alpha.ID, Nullifier: fe(kindNullifier, 2), AccountID: b.ID, Root: fe(kindRoot, 3),
				GroupSlug: "alpha", GroupName: "Alpha Agency", AnonymitySet: 3},
			{GroupID: beta.ID, Nullifier: fe(kindNullifier, 2), AccountID: b.ID, Root: fe(kindRoot, 13),
				GroupSlug: "beta", GroupName: "Beta Bureau", AnonymitySet: 1},
		})
		check("carol", badges(c), nil)
	},
	"PostProofs": func(t *testing.T, e *env) {
		a := e.account("alice")
		alpha, beta := e.group("alpha", "Alpha Agency"), e.group("beta", "Beta Bureau")
		for i := range uint64(4) {
			e.appendLeaf(alpha, fe(kindCommitment, i), fe(kindRoot, i+1))
		}
		e.appendLeaf(beta, fe(kindCommitment, 0), fe(kindRoot, 11))
		s1, s2, s3 := e.post(a, "one"), e.post(a, "two"), e.post(a, "three")

		proof := func(s *store.Status, g *store.Group, root []byte, nullifier uint64) *store.PostProof {
			return &store.PostProof{StatusID: s.ID, GroupID: g.ID, Root: root, Nullifier: fe(kindNullifier, nullifier),
				Scope: fe(kindScope, nullifier), ScopeNonce: "nonce-" + s.ID, Message: fe(kindMessage, nullifier),
				Proof: []byte{0, 1, 2, 0xff, byte(nullifier)}}
		}
		in := proof(s1, alpha, fe(kindRoot, 3), 1)
		if err := e.s.CreatePostProof(e.ctx, in); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "same nullifier in the same group", e.s.CreatePostProof(e.ctx, proof(s2, alpha, fe(kindRoot, 4), 1)), store.ErrConflict)
		_, err := e.s.PostProof(e.ctx, s2.ID)
		wantErr(t, "proof of a status whose proof conflicted", err, store.ErrNotFound)
		if err := e.s.CreatePostProof(e.ctx, proof(s2, beta, fe(kindRoot, 11), 1)); err != nil {
			t.Fatalf("same nullifier in another group: %v", err)
		}

		check := func(what string, s *store.Status, want *store.PostProof, slug, name string, set int64) {
			t.Helper()
			got, err := e.s.PostProof(e.ctx, s.ID)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got.StatusID != s.ID || got.GroupID != want.GroupID || !bytes.Equal(got.Root, want.Root) ||
				!bytes.Equal(got.Nullifier, want.Nullifier) || !bytes.Equal(got.Scope, want.Scope) ||
				got.ScopeNonce != want.ScopeNonce || !bytes.Equal(got.Message, want.Message) ||
				!bytes.Equal(got.Proof, want.Proof) || got.GroupSlug != slug || got.GroupName != name || got.AnonymitySet != set {
				t.Errorf("%s:\n got  %+v\n want %+v in %s (%s), set %d", what, *got, *want, slug, name, set)
			}
		}
		check("proof of s1", s1, in, "alpha", "Alpha Agency", 3)
		check("proof of s2", s2, proof(s2, beta, fe(kindRoot, 11), 1), "beta", "Beta Bureau", 1)
		_, err = e.s.PostProof(e.ctx, s3.ID)
		wantErr(t, "status without a proof", err, store.ErrNotFound)
		_, err = e.s.PostProof(e.ctx, "junk")
		wantErr(t, "garbage status id", err, store.ErrNotFound)

		// A deleted status has no proof any more.
		if err := e.s.DeleteStatus(e.ctx, s1.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.PostProof(e.ctx, s1.ID)
		wantErr(t, "proof of a deleted status", err, store.ErrNotFound)
		check("proof of s2 after deleting s1", s2, proof(s2, beta, fe(kindRoot, 11), 1), "beta", "Beta Bureau", 1)
	},
	"BatchReads": func(t *testing.T, e *env) {
		a, b, c := e.account("alice"), e.account("bob"), e.account("carol")
		alpha, beta := e.group("alpha", "Alpha Agency"), e.group("beta", "Beta Bureau")
		for i := range uint64(3) {
			e.appendLeaf(alpha, fe(kindCommitment, i), fe(kindRoot, i+1))
		}
		e.appendLeaf(beta, fe(kindCommitment, 0), fe(kindRoot, 11))
		for _, x := range []struct {
			g    *store.Group
			acct *store.Account
			n    uint64
			root []byte
		}{{alpha, a, 1, fe(kindRoot, 2)}, {beta, a, 2, fe(kindRoot, 11)}, {alpha, b, 3, fe(kindRoot, 3)}} {
			if err := e.s.CreateBadge(e.ctx, &store.Badge{GroupID: x.g.ID, Nullifier: fe(kindNullifier, x.n), AccountID: x.acct.ID, Root: x.root}); err != nil {
				t.Fatal(err)
			}
		}
		badgeKeys := func(list []*store.Badge) []string {
			var out []string
			for _, x := range list {
				out = append(out, fmt.Sprintf("%s %s %x %x %v %s %s %d", x.AccountID, x.GroupID, x.Nullifier,
					x.Root, x.CreatedOn, x.GroupSlug, x.GroupName, x.AnonymitySet))
			}
			return out
		}
		byAccount, err := e.s.BadgesOf(e.ctx, []string{a.ID, c.ID, b.ID, "junk", a.ID})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range byAccount {
			keys = append(keys, k)
		}
		sameSet(t, "BadgesOf accounts (carol has none)", keys, []string{a.ID, b.ID})
		for _, acct := range []*store.Account{a, b} {
			one, err := e.s.AccountBadges(e.ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(one) == 0 {
				t.Errorf("AccountBadges(%s) is empty", acct.Handle)
			}
			sameSet(t, "BadgesOf vs AccountBadges of "+acct.Handle, badgeKeys(byAccount[acct.ID]), badgeKeys(one))
		}
		if got := byAccount[a.ID]; len(got) == 2 {
			for _, x := range got {
				if want := map[string]int64{"alpha": 2, "beta": 1}[x.GroupSlug]; x.AnonymitySet != want || x.AccountID != a.ID {
					t.Errorf("BadgesOf alice in %s: %+v", x.GroupSlug, *x)
				}
			}
		}
		if m, err := e.s.BadgesOf(e.ctx, nil); err != nil || len(m) != 0 {
			t.Errorf("BadgesOf(nil) = %v, %v", m, err)
		}

		s1, s2, s3 := e.post(a, "one"), e.post(b, "two"), e.post(a, "three")
		p1 := &store.PostProof{StatusID: s1.ID, GroupID: alpha.ID, Root: fe(kindRoot, 3), Nullifier: fe(kindNullifier, 10),
			Scope: fe(kindScope, 10), ScopeNonce: "n1", Message: fe(kindMessage, 10), Proof: []byte("proof one")}
		p2 := &store.PostProof{StatusID: s2.ID, GroupID: beta.ID, Root: fe(kindRoot, 11), Nullifier: fe(kindNullifier, 10),
			Scope: fe(kindScope, 11), ScopeNonce: "n2", Message: fe(kindMessage, 11), Proof: []byte("proof two")}
		for _, p := range []*store.PostProof{p1, p2} {
			if err := e.s.CreatePostProof(e.ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		proofs, err := e.s.PostProofsOf(e.ctx, []string{s3.ID, s1.ID, "junk", s2.ID, e.ids.Next()})
		if err != nil {
			t.Fatal(err)
		}
		keys = keys[:0]
		for k := range proofs {
			keys = append(keys, k)
		}
		sameSet(t, "PostProofsOf statuses (s3 has none)", keys, []string{s1.ID, s2.ID})
		for _, c := range []struct {
			in        *store.PostProof
			slug, nm  string
			anonymity int64
		}{{p1, "alpha", "Alpha Agency", 3}, {p2, "beta", "Beta Bureau", 1}} {
			got := proofs[c.in.StatusID]
			if got == nil {
				continue
			}
			if got.StatusID != c.in.StatusID || got.GroupID != c.in.GroupID || !bytes.Equal(got.Root, c.in.Root) ||
				!bytes.Equal(got.Nullifier, c.in.Nullifier) || !bytes.Equal(got.Scope, c.in.Scope) ||
				got.ScopeNonce != c.in.ScopeNonce || !bytes.Equal(got.Message, c.in.Message) || !bytes.Equal(got.Proof, c.in.Proof) ||
				got.GroupSlug != c.slug || got.GroupName != c.nm || got.AnonymitySet != c.anonymity {
				t.Errorf("PostProofsOf[%s]: %+v", c.in.StatusID, *got)
			}
		}
		if m, err := e.s.PostProofsOf(e.ctx, nil); err != nil || len(m) != 0 {
			t.Errorf("PostProofsOf(nil) = %v, %v", m, err)
		}
	},
	"DeletedAccount": func(t *testing.T, e *env) {
		// A deleted account keeps only its tombstone: no badge may keep
		// linking a member's nullifier to it, and it verifies nothing.
		a, b := e.account("alice"), e.account("bob")
		g := e.group("g", "G")
		e.appendLeaf(g, fe(kindCommitment, 0), fe(kindRoot, 1))
		e.appendLeaf(g, fe(kindCommitment, 1), fe(kindRoot, 2))
		for _, acct := range []*store.Account{a, b} {
			if err := e.s.AddVerifier(e.ctx, g.ID, acct.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.s.CreateBadge(e.ctx, &store.Badge{GroupID: g.ID, Nullifier: fe(kindNullifier, 1), AccountID: a.ID, Root: fe(kindRoot, 2)}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CreateBadge(e.ctx, &store.Badge{GroupID: g.ID, Nullifier: fe(kindNullifier, 2), AccountID: b.ID, Root: fe(kindRoot, 2)}); err != nil {
			t.Fatal(err)
		}
		s := e.post(a, "proved")
		if err := e.s.CreatePostProof(e.ctx, &store.PostProof{StatusID: s.ID, GroupID: g.ID, Root: fe(kindRoot, 2),
			Nullifier: fe(kindNullifier, 3), Scope: fe(kindScope, 3), ScopeNonce: "n", Message: fe(kindMessage, 3), Proof: []byte("p")}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteAccount(e.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := e.s.AccountBadges(e.ctx, a.ID); err != nil || len(got) != 0 {
			t.Errorf("badges of a deleted account: %v, %v", got, err)
		}
		if got, err := e.s.AccountBadges(e.ctx, b.ID); err != nil || len(got) != 1 {
			t.Errorf("bob's badges after alice's deletion: %v, %v", got, err)
		}
		if ok, err := e.s.IsVerifier(e.ctx, g.ID, a.ID); err != nil || ok {
			t.Errorf("deleted account is a verifier: %v, %v", ok, err)
		}
		got, err := e.s.Verifiers(e.ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameSet(t, "verifiers after deletion", got, []string{b.ID})
		_, err = e.s.PostProof(e.ctx, s.ID)
		wantErr(t, "proof of a deleted account's status", err, store.ErrNotFound)
		// The tree is the group's, not the account's: it is unchanged.
		e.groupState(g, 2, 2, 2)
	},
}
