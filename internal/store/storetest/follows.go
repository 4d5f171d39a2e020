package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"publius/internal/id"
	"publius/internal/store"
)

var followTests = map[string]func(*testing.T, *env){
	"FollowIdempotent": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		e.follow(a, b)
		e.follow(a, b)
		e.counts(a, 0, 1, 0)
		e.counts(b, 1, 0, 0)
		for range 2 {
			if err := e.s.Unfollow(e.ctx, a.ID, b.ID); err != nil {
				t.Fatal(err)
			}
		}
		e.counts(a, 0, 0, 0)
		e.counts(b, 0, 0, 0)
		if err := e.s.Unfollow(e.ctx, b.ID, a.ID); err != nil {
			t.Errorf("unfollowing without a follow: %v", err)
		}
		e.counts(a, 0, 0, 0)
		e.counts(b, 0, 0, 0)
		ghost := id.AccountID(today())
		wantErr(t, "follow unknown account", e.s.Follow(e.ctx, a.ID, ghost), store.ErrNotFound)
		wantErr(t, "unknown account follows", e.s.Follow(e.ctx, ghost, a.ID), store.ErrNotFound)
		e.counts(a, 0, 0, 0)
	},
	"Relationships": func(t *testing.T, e *env) {
		a, b, c, d := e.account("alice"), e.account("bob"), e.account("carol"), e.account("dave")
		e.follow(a, b)
		e.follow(b, a)
		e.follow(a, c)
		e.follow(d, a)
		rel, err := e.s.Relationships(e.ctx, a.ID, []string{b.ID, c.ID, d.ID, a.ID, "junk"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]store.Relationship{
			b.ID: {Following: true, FollowedBy: true},
			c.ID: {Following: true},
			d.ID: {FollowedBy: true},
		}
		for _, x := range []string{b.ID, c.ID, d.ID, a.ID} {
			if rel[x] != want[x] {
				t.Errorf("Relationships(alice)[%s] = %+v, want %+v", x, rel[x], want[x])
			}
		}
		rel, _ = e.s.Relationships(e.ctx, c.ID, []string{a.ID})
		if rel[a.ID] != (store.Relationship{FollowedBy: true}) {
			t.Errorf("Relationships(carol)[alice] = %+v, want followed_by", rel[a.ID])
		}
		if rel, err := e.s.Relationships(e.ctx, a.ID, nil); err != nil || len(rel) != 0 {
			t.Errorf("Relationships with no targets = %v, %v", rel, err)
		}
	},
	"ConcurrentFollows": func(t *testing.T, e *env) {
		target := e.account("target")
		followers := make([]*store.Account, 50)
		for i := range followers {
			followers[i] = e.account(fmt.Sprintf("f%02d", i))
		}
		run := func(op func(f *store.Account) error) {
			var wg sync.WaitGroup
			errs := make(chan error, 2*len(followers))
			for _, f := range followers {
				// Each follower acts twice, concurrently with itself too.
				for range 2 {
					wg.Go(func() { errs <- op(f) })
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		run(func(f *store.Account) error { return e.s.Follow(e.ctx, f.ID, target.ID) })
		e.counts(target, 50, 0, 0)
		for _, f := range followers[:5] {
			e.counts(f, 0, 1, 0)
		}
		edges, err := e.s.Followers(e.ctx, target.ID, store.Page{Limit: 80})
		if err != nil || len(edges) != 50 {
			t.Errorf("Followers = %d edges, %v; want 50", len(edges), err)
		}
		// The target follows back while followers unfollow.
		var wg sync.WaitGroup
		for _, f := range followers {
			wg.Go(func() {
				if err := e.s.Follow(e.ctx, target.ID, f.ID); err != nil {
					t.Error(err)
				}
			})
		}
		run(func(f *store.Account) error { return e.s.Unfollow(e.ctx, f.ID, target.ID) })
		wg.Wait()
		e.counts(target, 0, 50, 0)
		for _, f := range followers {
			e.counts(f, 1, 0, 0)
		}
	},
	"FollowersAndFollowingPaging": func(t *testing.T, e *env) {
		a := e.account("alice")
		var people []*store.Account
		for i := range 8 {
			people = append(people, e.account(fmt.Sprintf("p%d", i)))
		}
		// Follow in an order unrelated to account IDs: lists go by follow order.
		order := []int{3, 0, 7, 5, 1, 6, 2, 4}
		for _, i := range order {
			e.follow(people[i], a)
			e.follow(a, people[i])
		}
		var want []string
		for k := len(order) - 1; k >= 0; k-- {
			want = append(want, people[order[k]].ID)
		}
		for name, list := range map[string]func(context.Context, string, store.Page) ([]store.FollowEdge, error){
			"followers": e.s.Followers, "following": e.s.Following,
		} {
			all, err := list(e.ctx, a.ID, store.Page{Limit: 80})
			if err != nil {
				t.Fatal(err)
			}
			sameIDs(t, name+" order (most recent follow first)", edgeAccountIDs(all), want)
			edgeIDs := make([]string, len(all))
			for i, edge := range all {
				edgeIDs[i] = edge.ID
				if edge.Account == nil || edge.Account.Handle == "" {
					t.Fatalf("%s edge %d has no account", name, i)
				}
			}
			checkPaging(t, edgeIDs, func(p store.Page) []string {
				page, err := list(e.ctx, a.ID, p)
				if err != nil {
					t.Fatal(err)
				}
				out := make([]string, len(page))
				for i, edge := range page {
					out[i] = edge.ID
				}
				return out
			})
		}
		// Re-following moves an account to the top.
		first := people[order[0]]
		if err := e.s.Unfollow(e.ctx, first.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		e.follow(first, a)
		top, _ := e.s.Followers(e.ctx, a.ID, store.Page{Limit: 1})
		if len(top) != 1 || top[0].Account.ID != first.ID {
			t.Errorf("after re-follow, newest follower = %v, want %s", edgeAccountIDs(top), first.ID)
		}
		e.counts(a, 8, 8, 0)
	},
}
