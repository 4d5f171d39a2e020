package storetest

import (
	"fmt"
	"testing"

	"publius/internal/store"
)

var notificationTests = map[string]func(*testing.T, *env){
	"MentionsOf": func(t *testing.T, e *env) {
		v, a, b, c, d := e.account("viewer"), e.account("alice"), e.account("bob"), e.account("carol"), e.account("dave")
		aPub := e.post(a, "hi @viewer", mentioning(v.ID))
		aToB := e.post(a, "hi @bob", mentioning(b.ID))
		e.post(a, "no mention")
		e.post(v, "talking to myself @viewer", mentioning(v.ID))
		bNotice := e.post(b, "notice to @viewer", visibility(store.VisibilityDirect), mentioning(v.ID))
		aPriv := e.post(a, "private @viewer @bob", visibility(store.VisibilityPrivate), mentioning(b.ID, v.ID))
		cPub := e.post(c, "carol to @viewer", mentioning(v.ID))
		dPub := e.post(d, "dave to @viewer", mentioning(v.ID))
		gone := e.post(a, "deleted @viewer", mentioning(v.ID))
		aReply := e.post(a, "reply to @viewer", replyTo(aPub), mentioning(v.ID))
		if err := e.s.DeleteStatus(e.ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		mentions := func(acct *store.Account) []string {
			got, err := e.s.MentionsOf(e.ctx, acct.ID, store.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		}
		sameIDs(t, "mentions of viewer", mentions(v), newestFirst(aPub, bNotice, aPriv, cPub, dPub, aReply))
		sameIDs(t, "mentions of bob", mentions(b), newestFirst(aToB, aPriv))
		sameIDs(t, "mentions of dave", mentions(d), nil)
		// The statuses come back whole.
		got, err := e.s.MentionsOf(e.ctx, v.ID, store.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != aReply.ID || got[0].AccountID != a.ID || got[0].Text != aReply.Text ||
			got[0].InReplyToID != aPub.ID {
			t.Errorf("newest mention: %+v", got)
		} else {
			sameSet(t, "newest mention's mentions", got[0].Mentions, []string{v.ID})
		}

		if err := e.s.SetSuspended(e.ctx, c.ID, true); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "with carol suspended", mentions(v), newestFirst(aPub, bNotice, aPriv, dPub, aReply))
		if err := e.s.SetSuspended(e.ctx, c.ID, false); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "with carol unsuspended", mentions(v), newestFirst(aPub, bNotice, aPriv, cPub, dPub, aReply))
		if err := e.s.DeleteAccount(e.ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "with dave deleted", mentions(v), newestFirst(aPub, bNotice, aPriv, cPub, aReply))
	},
	"MentionsOfPaging": func(t *testing.T, e *env) {
		v, a, b := e.account("viewer"), e.account("alice"), e.account("bob")
		var all []*store.Status
		for i := range 5 {
			all = append(all, e.post(a, fmt.Sprint("a @viewer ", i), mentioning(v.ID)))
			e.post(a, "noise @bob", mentioning(b.ID))
			e.post(v, "self @viewer", mentioning(v.ID))
			all = append(all, e.post(b, fmt.Sprint("b @viewer ", i), mentioning(v.ID, a.ID)))
		}
		checkPaging(t, newestFirst(all...), func(p store.Page) []string {
			got, err := e.s.MentionsOf(e.ctx, v.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(got)
		})
	},
}
