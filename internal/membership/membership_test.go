package membership_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"publius/internal/membership"
	"publius/internal/membership/merkle"
	"publius/internal/store"
	"publius/internal/zk"
)

func commitment(t testing.TB) string {
	id, err := zk.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return zk.EncodeElement(id.Commitment())
}

// TestTwoNodes runs two services (two app nodes) on one database: each
// change made through one is seen by the other, whose stale tree reloads,
// and the stored roots always match the stored leaves.
func TestTwoNodes(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	op := &store.Account{Admin: true}
	a := membership.NewService(db, nil, 4, nil)
	b := membership.NewService(db, nil, 4, nil)
	if _, err := a.CreateGroup(ctx, op, membership.NewGroup{Slug: "two", Name: "Two"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, svc := range []*membership.Service{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				if _, err := svc.AddMember(ctx, op, "two", commitment(t)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if _, err := b.RemoveMember(ctx, op, "two", 3); err != nil {
		t.Fatal(err)
	}
	c, err := a.AddMember(ctx, op, "two", commitment(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Index != 20 || c.Root.Size != 20 || c.Root.Seq != 22 {
		t.Fatalf("change %+v", c)
	}
	g, _ := a.Group(ctx, "two")
	leaves, err := a.Leaves(ctx, g, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !leaves[3].IsZero() {
		t.Fatal("removed leaf is not zero")
	}
	_, want, _ := merkle.PathFromLeaves(leaves, 0)
	cur, err := b.CurrentRoot(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	wb := want.Bytes()
	if string(cur.Root) != string(wb[:]) {
		t.Fatal("stored root does not match the stored leaves")
	}
	// Duplicates and bad input are refused without touching the tree.
	leaf0 := zk.EncodeElement(leaves[0])
	if _, err := b.AddMember(ctx, op, "two", leaf0); !errors.Is(err, membership.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := b.RemoveMember(ctx, op, "two", 3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
	if _, err := b.AddMember(ctx, &store.Account{ID: "000000000000000001"}, "two", commitment(t)); !errors.Is(err, membership.ErrForbidden) {
		t.Fatalf("stranger: %v", err)
	}
	if c, err := b.AddMember(ctx, op, "two", commitment(t)); err != nil || c.Index != 21 {
		t.Fatalf("after refusals: %+v %v", c, err)
	}
}
