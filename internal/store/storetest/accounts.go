package storetest

import (
	"slices"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

var accountTests = map[string]func(*testing.T, *env){
	"CreateAndLookup": func(t *testing.T, e *env) {
		in := &store.Account{ID: id.AccountID(today()), Handle: "alice", DisplayName: "Alice A.",
			Note: "bio", Fields: []store.Field{{Name: "site", Value: "example.org"}}, HideCollections: true,
			Bot: true, PassphraseHash: "argon2id$x", CreatedOn: today()}
		if err := e.s.CreateAccount(e.ctx, in); err != nil {
			t.Fatal(err)
		}
		for _, handle := range []string{"alice", "ALICE", "Alice"} {
			got, err := e.s.AccountByHandle(e.ctx, handle)
			if err != nil {
				t.Fatalf("AccountByHandle(%q): %v", handle, err)
			}
			if got.ID != in.ID {
				t.Errorf("AccountByHandle(%q).ID = %s, want %s", handle, got.ID, in.ID)
			}
		}
		got := e.reload(in)
		if got.Handle != "alice" || got.DisplayName != in.DisplayName || got.Note != in.Note ||
			!slices.Equal(got.Fields, in.Fields) || !got.HideCollections || !got.Bot || got.Admin ||
			got.Suspended || got.Deleted || got.PassphraseHash != in.PassphraseHash ||
			!got.CreatedOn.Equal(in.CreatedOn) || got.FollowersCount != 0 || got.FollowingCount != 0 ||
			got.StatusesCount != 0 || got.LastStatusID != "" {
			t.Errorf("round trip:\n got  %+v\n want %+v", got, in)
		}
		_, err := e.s.AccountByHandle(e.ctx, "bob")
		wantErr(t, "unknown handle", err, store.ErrNotFound)
		_, err = e.s.AccountByID(e.ctx, id.AccountID(today()))
		wantErr(t, "unknown id", err, store.ErrNotFound)
		_, err = e.s.AccountByID(e.ctx, "not-an-id")
		wantErr(t, "garbage id", err, store.ErrNotFound)
		if n, err := e.s.CountAccounts(e.ctx); err != nil || n != 1 {
			t.Errorf("CountAccounts = %d, %v; want 1", n, err)
		}
	},
	"CreatedOnIsADay": func(t *testing.T, e *env) {
		// A caller passing a full timestamp must not get it stored.
		at := time.Date(2026, 3, 14, 15, 9, 26, 535, time.UTC)
		a := &store.Account{ID: id.AccountID(at), Handle: "pi", CreatedOn: at}
		if err := e.s.CreateAccount(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		got := e.reload(a).CreatedOn
		if want := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("CreatedOn = %v, want %v", got, want)
		}
	},
	"EmptyFieldsAreEmpty": func(t *testing.T, e *env) {
		if got := e.account("nofields").Fields; len(got) != 0 {
			t.Errorf("Fields = %v, want none", got)
		}
	},
	"HandleConflict": func(t *testing.T, e *env) {
		bob := e.account("bob")
		err := e.s.CreateAccount(e.ctx, &store.Account{ID: id.AccountID(today()), Handle: "BOB", CreatedOn: today()})
		wantErr(t, "handle taken (other case)", err, store.ErrConflict)
		err = e.s.CreateAccount(e.ctx, &store.Account{ID: bob.ID, Handle: "robert", CreatedOn: today()})
		wantErr(t, "id taken", err, store.ErrConflict)
		if err := e.s.DeleteAccount(e.ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		err = e.s.CreateAccount(e.ctx, &store.Account{ID: id.AccountID(today()), Handle: "bob", CreatedOn: today()})
		wantErr(t, "handle of a deleted account", err, store.ErrConflict)
		if n, _ := e.s.CountAccounts(e.ctx); n != 0 {
			t.Errorf("CountAccounts = %d after failed creates, want 0", n)
		}
	},
	"AccountsByIDs": func(t *testing.T, e *env) {
		a, b, _ := e.account("a1"), e.account("b1"), e.account("c1")
		got, err := e.s.AccountsByIDs(e.ctx, []string{a.ID, b.ID, id.AccountID(today()), "junk", a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[a.ID] == nil || got[b.ID] == nil || got[a.ID].Handle != "a1" || got[b.ID].Handle != "b1" {
			t.Errorf("AccountsByIDs = %v, want a1 and b1", got)
		}
		got, err = e.s.AccountsByIDs(e.ctx, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("AccountsByIDs(nil) = %v, %v; want empty", got, err)
		}
	},
	"UpdateProfilePartial": func(t *testing.T, e *env) {
		a := e.account("carol")
		name, note := "Carol", "hello"
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{Note: &note}); err != nil {
			t.Fatal(err)
		}
		fields := []store.Field{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}}
		yes := true
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{Fields: &fields, Bot: &yes}); err != nil {
			t.Fatal(err)
		}
		got := e.reload(a)
		if got.DisplayName != name || got.Note != note || !slices.Equal(got.Fields, fields) || !got.Bot || got.HideCollections {
			t.Errorf("after updates: %+v", got)
		}
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{HideCollections: &yes}); err != nil {
			t.Fatal(err)
		}
		empty := []store.Field{}
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{Fields: &empty}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{}); err != nil {
			t.Errorf("empty update: %v", err)
		}
		got = e.reload(a)
		if got.DisplayName != name || got.Note != note || len(got.Fields) != 0 || !got.Bot || !got.HideCollections {
			t.Errorf("after clearing fields: %+v", got)
		}
		wantErr(t, "unknown account", e.s.UpdateProfile(e.ctx, id.AccountID(today()), store.Profile{Note: &note}), store.ErrNotFound)
		wantErr(t, "unknown account, empty update", e.s.UpdateProfile(e.ctx, id.AccountID(today()), store.Profile{}), store.ErrNotFound)
	},
	"Flags": func(t *testing.T, e *env) {
		a := e.account("dave")
		if err := e.s.SetSuspended(e.ctx, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetAdmin(e.ctx, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetPassphraseHash(e.ctx, a.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		got := e.reload(a)
		if !got.Suspended || !got.Admin || got.PassphraseHash != "new-hash" {
			t.Errorf("after setting flags: %+v", got)
		}
		if n, _ := e.s.CountAccounts(e.ctx); n != 1 {
			t.Errorf("CountAccounts = %d, want 1 (suspended accounts are live)", n)
		}
		if err := e.s.SetSuspended(e.ctx, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetAdmin(e.ctx, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(a); got.Suspended || got.Admin {
			t.Errorf("after clearing flags: %+v", got)
		}
		ghost := id.AccountID(today())
		wantErr(t, "SetSuspended unknown", e.s.SetSuspended(e.ctx, ghost, true), store.ErrNotFound)
		wantErr(t, "SetAdmin unknown", e.s.SetAdmin(e.ctx, ghost, true), store.ErrNotFound)
		wantErr(t, "SetPassphraseHash unknown", e.s.SetPassphraseHash(e.ctx, ghost, "x"), store.ErrNotFound)
	},
	"DeleteAccount": func(t *testing.T, e *env) {
		alice, bob, carol := e.account("alice"), e.account("bob"), e.account("carol")
		e.follow(alice, bob)
		e.follow(bob, alice)
		e.follow(carol, alice)
		e.follow(carol, bob)
		own := e.post(alice, "mine")
		keyed, err := e.s.CreateStatus(e.ctx, &store.Status{ID: e.ids.Next(), AccountID: alice.ID, Text: "keyed",
			Content: "keyed", Visibility: store.VisibilityPublic}, "key-1")
		if err != nil {
			t.Fatal(err)
		}
		bobs := e.post(bob, "bob's")
		e.post(alice, "reply", replyTo(bobs))
		e.post(carol, "reply too", replyTo(bobs))
		bobReply := e.post(bob, "bob replies to alice", replyTo(own))
		if err := e.s.CreateApp(e.ctx, &store.App{Name: "app", ClientID: "cid", ClientSecret: "s",
			RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Scopes: []string{"read"}}); err != nil {
			t.Fatal(err)
		}
		app, _ := e.s.AppByClientID(e.ctx, "cid")
		if err := e.s.CreateToken(e.ctx, &store.Token{Hash: "alice-token", AppID: app.ID, AccountID: alice.ID,
			Scopes: []string{"read"}, CreatedOn: today()}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CreateToken(e.ctx, &store.Token{Hash: "bob-token", AppID: app.ID, AccountID: bob.ID,
			Scopes: []string{"read"}, CreatedOn: today()}); err != nil {
			t.Fatal(err)
		}

		if err := e.s.DeleteAccount(e.ctx, alice.ID); err != nil {
			t.Fatal(err)
		}

		tomb := e.reload(alice)
		if !tomb.Deleted || tomb.Handle != "alice" || tomb.DisplayName != "" || tomb.PassphraseHash != "" ||
			tomb.Admin || tomb.FollowersCount != 0 || tomb.FollowingCount != 0 || tomb.StatusesCount != 0 ||
			tomb.LastStatusID != "" || !tomb.CreatedOn.Equal(today()) {
			t.Errorf("tombstone: %+v", tomb)
		}
		if byHandle, err := e.s.AccountByHandle(e.ctx, "ALICE"); err != nil || !byHandle.Deleted {
			t.Errorf("AccountByHandle of tombstone = %+v, %v", byHandle, err)
		}
		for _, s := range []*store.Status{own, keyed} {
			_, err := e.s.StatusByID(e.ctx, s.ID)
			wantErr(t, "status of deleted account", err, store.ErrNotFound)
		}
		if got := e.status(bobs.ID).RepliesCount; got != 1 {
			t.Errorf("bob's status replies_count = %d, want 1 (carol's reply only)", got)
		}
		if got := e.status(bobReply.ID); got.InReplyToID != own.ID {
			t.Errorf("reply to a deleted status lost in_reply_to_id: %+v", got)
		}
		e.counts(bob, 1, 0, 2)
		e.counts(carol, 0, 1, 1)
		rel, err := e.s.Relationships(e.ctx, bob.ID, []string{alice.ID})
		if err != nil || rel[alice.ID].Following || rel[alice.ID].FollowedBy {
			t.Errorf("Relationships(bob, alice) = %v, %v; want none", rel, err)
		}
		if f, _ := e.s.Followers(e.ctx, bob.ID, store.Page{}); len(f) != 1 || f[0].Account.ID != carol.ID {
			t.Errorf("bob's followers = %v, want carol only", edgeAccountIDs(f))
		}
		if f, _ := e.s.Following(e.ctx, carol.ID, store.Page{}); len(f) != 1 || f[0].Account.ID != bob.ID {
			t.Errorf("carol's following = %v, want bob only", edgeAccountIDs(f))
		}
		_, err = e.s.TokenByHash(e.ctx, "alice-token")
		wantErr(t, "token of deleted account", err, store.ErrNotFound)
		if _, err := e.s.TokenByHash(e.ctx, "bob-token"); err != nil {
			t.Errorf("bob's token: %v", err)
		}
		if n, _ := e.s.CountAccounts(e.ctx); n != 2 {
			t.Errorf("CountAccounts = %d, want 2", n)
		}
		if n, _ := e.s.CountStatuses(e.ctx); n != 3 {
			t.Errorf("CountStatuses = %d, want 3", n)
		}
		if pub, _ := e.s.PublicTimeline(e.ctx, store.Page{Limit: 40}); len(pub) != 3 {
			t.Errorf("public timeline has %d statuses, want 3", len(pub))
		}
		// The tombstone cannot post (idempotency keys included) or be followed.
		_, err = e.s.CreateStatus(e.ctx, &store.Status{ID: e.ids.Next(), AccountID: alice.ID, Text: "ghost",
			Content: "ghost", Visibility: store.VisibilityPublic}, "key-1")
		wantErr(t, "posting as a deleted account", err, store.ErrNotFound)
		wantErr(t, "following a deleted account", e.s.Follow(e.ctx, bob.ID, alice.ID), store.ErrNotFound)
		wantErr(t, "deleted account following", e.s.Follow(e.ctx, alice.ID, bob.ID), store.ErrNotFound)
		e.counts(bob, 1, 0, 2)
		wantErr(t, "UpdateProfile of tombstone", e.s.UpdateProfile(e.ctx, alice.ID, store.Profile{}), store.ErrNotFound)
		wantErr(t, "SetAdmin of tombstone", e.s.SetAdmin(e.ctx, alice.ID, true), store.ErrNotFound)
		wantErr(t, "second delete", e.s.DeleteAccount(e.ctx, alice.ID), store.ErrNotFound)
		wantErr(t, "delete unknown", e.s.DeleteAccount(e.ctx, id.AccountID(today())), store.ErrNotFound)
	},
}
