package storetest

import (
	"sync"
	"testing"

	"publius/internal/id"
	"publius/internal/store"
)

var statusTests = map[string]func(*testing.T, *env){
	"CreateRoundTrip": func(t *testing.T, e *env) {
		a, b, c := e.account("alice"), e.account("bob"), e.account("carol")
		in := &store.Status{ID: e.ids.Next(), AccountID: a.ID, Text: "hi @bob @carol #Go #go #news",
			Content: "<p>hi</p>", SpoilerText: "cw", Sensitive: true, Visibility: store.VisibilityUnlisted,
			Language: "fr", Mentions: []string{b.ID, c.ID, b.ID}, Tags: []string{"go", "news", "go"}}
		got, err := e.s.CreateStatus(e.ctx, in, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*store.Status{got, e.status(in.ID)} {
			if s.ID != in.ID || s.AccountID != a.ID || s.Text != in.Text || s.Content != in.Content ||
				s.SpoilerText != "cw" || !s.Sensitive || s.Visibility != store.VisibilityUnlisted ||
				s.Language != "fr" || s.InReplyToID != "" || s.InReplyToAccountID != "" || s.RepliesCount != 0 {
				t.Errorf("round trip: %+v", s)
			}
			sameSet(t, "mentions", s.Mentions, []string{b.ID, c.ID})
			sameSet(t, "tags", s.Tags, []string{"go", "news"})
		}
		if au := e.reload(a); au.StatusesCount != 1 || au.LastStatusID != in.ID {
			t.Errorf("author after post: count %d, last %q; want 1, %s", au.StatusesCount, au.LastStatusID, in.ID)
		}
		_, err = e.s.StatusByID(e.ctx, e.ids.Next())
		wantErr(t, "unknown status", err, store.ErrNotFound)
		_, err = e.s.StatusByID(e.ctx, "junk")
		wantErr(t, "garbage status id", err, store.ErrNotFound)
	},
	"CountersAndLastStatus": func(t *testing.T, e *env) {
		a := e.account("alice")
		first := e.post(a, "one")
		second := e.post(a, "two")
		if got := e.reload(a); got.StatusesCount != 2 || got.LastStatusID != second.ID {
			t.Errorf("after two posts: count %d, last %q; want 2, %s", got.StatusesCount, got.LastStatusID, second.ID)
		}
		if n, _ := e.s.CountStatuses(e.ctx); n != 2 {
			t.Errorf("CountStatuses = %d, want 2", n)
		}
		if err := e.s.DeleteStatus(e.ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(a); got.StatusesCount != 1 || got.LastStatusID != first.ID {
			t.Errorf("after deleting the newest: count %d, last %q; want 1, %s", got.StatusesCount, got.LastStatusID, first.ID)
		}
		if err := e.s.DeleteStatus(e.ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(a); got.StatusesCount != 0 || got.LastStatusID != "" {
			t.Errorf("after deleting all: count %d, last %q; want 0, none", got.StatusesCount, got.LastStatusID)
		}
		_, err := e.s.StatusByID(e.ctx, first.ID)
		wantErr(t, "deleted status", err, store.ErrNotFound)
		wantErr(t, "second delete", e.s.DeleteStatus(e.ctx, first.ID), store.ErrNotFound)
		wantErr(t, "delete garbage", e.s.DeleteStatus(e.ctx, "junk"), store.ErrNotFound)
		if n, _ := e.s.CountStatuses(e.ctx); n != 0 {
			t.Errorf("CountStatuses = %d, want 0", n)
		}
		e.counts(a, 0, 0, 0)
	},
	"Replies": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		parent := e.post(a, "parent")
		r1 := e.post(b, "reply 1", replyTo(parent))
		r2 := e.post(a, "reply 2", replyTo(parent))
		if got := e.status(r1.ID); got.InReplyToID != parent.ID || got.InReplyToAccountID != a.ID {
			t.Errorf("reply: in_reply_to %q/%q, want %s/%s", got.InReplyToID, got.InReplyToAccountID, parent.ID, a.ID)
		}
		if got := e.status(parent.ID).RepliesCount; got != 2 {
			t.Errorf("replies_count = %d, want 2", got)
		}
		if err := e.s.DeleteStatus(e.ctx, r2.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.status(parent.ID).RepliesCount; got != 1 {
			t.Errorf("replies_count after deleting a reply = %d, want 1", got)
		}
		if err := e.s.DeleteStatus(e.ctx, parent.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.status(r1.ID); got.InReplyToID != parent.ID {
			t.Errorf("reply lost in_reply_to_id after parent deletion: %+v", got)
		}
		e.counts(a, 0, 0, 0)
		e.counts(b, 0, 0, 1)
	},
	"IdempotencyKey": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		mk := func(author *store.Account, text string) *store.Status {
			return &store.Status{ID: e.ids.Next(), AccountID: author.ID, Text: text, Content: text, Visibility: store.VisibilityPublic}
		}
		first, err := e.s.CreateStatus(e.ctx, mk(a, "first"), "k")
		if err != nil {
			t.Fatal(err)
		}
		retry := mk(a, "retry")
		got, err := e.s.CreateStatus(e.ctx, retry, "k")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != first.ID || got.Text != "first" {
			t.Errorf("retry returned %s %q, want the first status %s", got.ID, got.Text, first.ID)
		}
		_, err = e.s.StatusByID(e.ctx, retry.ID)
		wantErr(t, "retry stored", err, store.ErrNotFound)
		e.counts(a, 0, 0, 1)
		other, err := e.s.CreateStatus(e.ctx, mk(b, "bob's"), "k")
		if err != nil || other.AccountID != b.ID || other.Text != "bob's" {
			t.Errorf("same key by another author = %+v, %v; want a new status", other, err)
		}
		e.counts(b, 0, 0, 1)
		// Once the status is deleted the key may be used again.
		if err := e.s.DeleteStatus(e.ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		again, err := e.s.CreateStatus(e.ctx, mk(a, "again"), "k")
		if err != nil || again.Text != "again" {
			t.Errorf("key of a deleted status = %+v, %v; want a new status", again, err)
		}
		e.counts(a, 0, 0, 1)
	},
	"Concurrent": func(t *testing.T, e *env) {
		a := e.account("alice")
		parent := e.post(a, "parent")
		var wg sync.WaitGroup
		keyed := make([]string, 10)
		for range 50 {
			wg.Go(func() {
				s := &store.Status{ID: e.ids.Next(), AccountID: a.ID, Text: "r", Content: "r",
					Visibility: store.VisibilityPublic, InReplyToID: parent.ID, InReplyToAccountID: a.ID}
				if _, err := e.s.CreateStatus(e.ctx, s, ""); err != nil {
					t.Error(err)
				}
			})
		}
		// Ten retries of one request race each other: one status results.
		for i := range keyed {
			wg.Go(func() {
				s := &store.Status{ID: e.ids.Next(), AccountID: a.ID, Text: "once", Content: "once", Visibility: store.VisibilityPublic}
				got, err := e.s.CreateStatus(e.ctx, s, "same-key")
				if err != nil {
					t.Error(err)
					return
				}
				keyed[i] = got.ID
			})
		}
		wg.Wait()
		for _, k := range keyed {
			if k != keyed[0] {
				t.Fatalf("concurrent retries with one key got different statuses: %v", keyed)
			}
		}
		e.counts(a, 0, 0, 52)
		if got := e.status(parent.ID).RepliesCount; got != 50 {
			t.Errorf("replies_count = %d, want 50", got)
		}
	},
	"Conflicts": func(t *testing.T, e *env) {
		a := e.account("alice")
		s := e.post(a, "taken")
		_, err := e.s.CreateStatus(e.ctx, &store.Status{ID: s.ID, AccountID: a.ID, Text: "dup", Content: "dup",
			Visibility: store.VisibilityPublic}, "")
		wantErr(t, "duplicate status ID", err, store.ErrConflict)
		if got := e.status(s.ID); got.Text != "taken" {
			t.Errorf("duplicate overwrote the status: %+v", got)
		}
		e.counts(a, 0, 0, 1)
		_, err = e.s.CreateStatus(e.ctx, &store.Status{ID: e.ids.Next(), AccountID: id.AccountID(today()), Text: "x",
			Content: "x", Visibility: store.VisibilityPublic}, "")
		wantErr(t, "unknown author", err, store.ErrNotFound)
	},
	"AncestorsAndDescendants": func(t *testing.T, e *env) {
		a, b, c := e.account("alice"), e.account("bob"), e.account("carol")
		r0 := e.post(a, "root")
		r1 := e.post(b, "r1", replyTo(r0))
		r2 := e.post(a, "r2", replyTo(r1))
		r3 := e.post(c, "r3", replyTo(r0))
		r4 := e.post(b, "r4", replyTo(r2))
		e.post(c, "unrelated")
		anc := func(s *store.Status, limit int) []string {
			list, err := e.s.Ancestors(e.ctx, s, limit)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(list)
		}
		desc := func(s *store.Status, limit int) []string {
			list, err := e.s.Descendants(e.ctx, s, limit)
			if err != nil {
				t.Fatal(err)
			}
			return statusIDs(list)
		}
		sameIDs(t, "ancestors of r4", anc(r4, 10), []string{r0.ID, r1.ID, r2.ID})
		sameIDs(t, "nearest 2 ancestors of r4", anc(r4, 2), []string{r1.ID, r2.ID})
		sameIDs(t, "ancestors of root", anc(r0, 10), []string{})
		sameIDs(t, "descendants of root", desc(r0, 10), []string{r1.ID, r2.ID, r3.ID, r4.ID})
		sameIDs(t, "first 2 descendants of root", desc(r0, 2), []string{r1.ID, r2.ID})
		sameIDs(t, "descendants of r1", desc(r1, 10), []string{r2.ID, r4.ID})
		sameIDs(t, "descendants of a leaf", desc(r3, 10), []string{})
		if err := e.s.DeleteStatus(e.ctx, r1.ID); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "ancestors past a deleted status", anc(r4, 10), []string{r2.ID})
		sameIDs(t, "descendants after deleting r1", desc(r0, 10), []string{r3.ID})
	},
}
