package storetest

import (
	"fmt"
	"slices"
	"testing"

	"publius/internal/store"
)

var timelineTests = map[string]func(*testing.T, *env){
	"TagTimeline": func(t *testing.T, e *env) {
		alice, mallory := e.account("alice"), e.account("mallory")
		tagged := func(tags ...string) func(*store.Status) { return func(s *store.Status) { s.Tags = tags } }
		var want []string // newest first
		for range 5 {
			want = append([]string{e.post(alice, "x", tagged("go", "sqlite")).ID}, want...)
			e.post(alice, "x", tagged("go"), visibility(store.VisibilityUnlisted))
			e.post(alice, "x", tagged("rust"))
		}
		e.post(mallory, "x", tagged("go"))
		if err := e.s.SetSuspended(e.ctx, mallory.ID, true); err != nil {
			t.Fatal(err)
		}
		var got []string
		p := store.Page{Limit: 2}
		for range 10 {
			page, err := e.s.TagTimeline(e.ctx, "go", p)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, s := range page {
				got = append(got, s.ID)
				if len(s.Tags) != 2 {
					t.Errorf("status %s has tags %v, want go and sqlite", s.ID, s.Tags)
				}
			}
			p.MaxID = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages gave %v, want %v (public, not suspended, newest first, no gaps)", got, want)
		}
		newer, err := e.s.TagTimeline(e.ctx, "go", store.Page{MinID: want[2], Limit: 1})
		if err != nil || len(newer) != 1 || newer[0].ID != want[1] {
			t.Fatalf("min_id page = %v, %v; want [%s]", newer, err, want[1])
		}
		if none, err := e.s.TagTimeline(e.ctx, "nothing", store.Page{}); err != nil || len(none) != 0 {
			t.Fatalf("unknown tag: %v, %v", none, err)
		}
	},
	"AccountStatusesFilters": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		other := e.post(b, "bob's")
		pub := e.post(a, "public")
		unl := e.post(a, "unlisted", visibility(store.VisibilityUnlisted))
		priv := e.post(a, "private", visibility(store.VisibilityPrivate))
		e.post(a, "notice", visibility(store.VisibilityDirect), mentioning(b.ID))
		reply := e.post(a, "reply to bob", replyTo(other))
		self := e.post(a, "thread", replyTo(pub))
		list := func(f store.AccountStatusFilter) []string {
			got, err := e.s.AccountStatuses(e.ctx, a.ID, f, store.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		}
		sameIDs(t, "default", list(store.AccountStatusFilter{}), newestFirst(pub, unl, reply, self))
		sameIDs(t, "include private", list(store.AccountStatusFilter{IncludePrivate: true}), newestFirst(pub, unl, priv, reply, self))
		sameIDs(t, "only public", list(store.AccountStatusFilter{OnlyPublic: true}), newestFirst(pub, reply, self))
		// Replies to oneself (threads) stay, as on Mastodon.
		sameIDs(t, "exclude replies", list(store.AccountStatusFilter{ExcludeReplies: true}), newestFirst(pub, unl, self))
		sameIDs(t, "private, no replies", list(store.AccountStatusFilter{IncludePrivate: true, ExcludeReplies: true}), newestFirst(pub, unl, priv, self))
	},
	"AccountStatusesPaging": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		var all []*store.Status
		for i := range 9 {
			all = append(all, e.post(a, fmt.Sprint("post ", i)))
			e.post(b, "noise")
		}
		checkPaging(t, newestFirst(all...), func(p store.Page) []string {
			got, err := e.s.AccountStatuses(e.ctx, a.ID, store.AccountStatusFilter{}, p)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		})
	},
	"Home": func(t *testing.T, e *env) {
		v, a, b := e.account("viewer"), e.account("alice"), e.account("bob")
		e.follow(v, a)
		own := e.post(v, "own")
		ownPriv := e.post(v, "own private", visibility(store.VisibilityPrivate))
		aPub := e.post(a, "a public")
		aUnl := e.post(a, "a unlisted", visibility(store.VisibilityUnlisted))
		aPriv := e.post(a, "a private", visibility(store.VisibilityPrivate))
		aDirectToV := e.post(a, "a notice to viewer", visibility(store.VisibilityDirect), mentioning(v.ID))
		e.post(a, "a notice to bob", visibility(store.VisibilityDirect), mentioning(b.ID))
		e.post(b, "b public")
		e.post(b, "b private", visibility(store.VisibilityPrivate))
		bDirectToV := e.post(b, "b notice to viewer", visibility(store.VisibilityDirect), mentioning(v.ID))
		home := func() []string {
			got, err := e.s.HomeTimeline(e.ctx, v.ID, store.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		}
		sameIDs(t, "home", home(), newestFirst(own, ownPriv, aPub, aUnl, aPriv, aDirectToV, bDirectToV))
		if err := e.s.Unfollow(e.ctx, v.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "home after unfollow", home(), newestFirst(own, ownPriv, aDirectToV, bDirectToV))
		// Following after the posts exist shows them, once each.
		e.follow(v, b)
		e.follow(v, a)
		e.follow(v, a)
		if got, want := len(home()), 9; got != want {
			t.Errorf("home after following both has %d statuses, want %d: %v", got, want, home())
		}
	},
	"HomePaging": func(t *testing.T, e *env) {
		v, a, b, c := e.account("viewer"), e.account("alice"), e.account("bob"), e.account("carol")
		e.follow(v, a)
		e.follow(v, b)
		var all []*store.Status
		for i := range 4 {
			all = append(all, e.post(a, fmt.Sprint("a ", i)))
			e.post(c, "not followed")
			all = append(all, e.post(b, fmt.Sprint("b ", i)))
			all = append(all, e.post(v, fmt.Sprint("v ", i)))
		}
		checkPaging(t, newestFirst(all...), func(p store.Page) []string {
			got, err := e.s.HomeTimeline(e.ctx, v.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		})
	},
	"Public": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		aPub := e.post(a, "a public")
		e.post(a, "a unlisted", visibility(store.VisibilityUnlisted))
		e.post(a, "a private", visibility(store.VisibilityPrivate))
		e.post(a, "a notice", visibility(store.VisibilityDirect), mentioning(b.ID))
		bPub := e.post(b, "b public")
		bReply := e.post(b, "b reply", replyTo(aPub))
		public := func() []string {
			got, err := e.s.PublicTimeline(e.ctx, store.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		}
		sameIDs(t, "public", public(), newestFirst(aPub, bPub, bReply))
		if err := e.s.SetSuspended(e.ctx, b.ID, true); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "public with bob suspended", public(), newestFirst(aPub))
		if err := e.s.SetSuspended(e.ctx, b.ID, false); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "public with bob unsuspended", public(), newestFirst(aPub, bPub, bReply))
		if err := e.s.DeleteAccount(e.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "public with alice deleted", public(), newestFirst(bPub, bReply))
	},
	"PublicPaging": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		var all []*store.Status
		for i := range 5 {
			all = append(all, e.post(a, fmt.Sprint("a ", i)))
			e.post(a, "unlisted", visibility(store.VisibilityUnlisted))
			all = append(all, e.post(b, fmt.Sprint("b ", i)))
		}
		checkPaging(t, newestFirst(all...), func(p store.Page) []string {
			got, err := e.s.PublicTimeline(e.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		})
	},
}
