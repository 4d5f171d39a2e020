package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"publius/internal/store"
)

func (e *env) app(clientID string) *store.App {
	e.t.Helper()
	a := &store.App{Name: "App " + clientID, Website: "https://example.org", ClientID: clientID, ClientSecret: "secret-" + clientID,
		RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob", "https://example.org/cb"}, Scopes: []string{"read", "write"}}
	if err := e.s.CreateApp(e.ctx, a); err != nil {
		e.t.Fatal(err)
	}
	if a.ID == "" {
		e.t.Fatal("CreateApp did not assign an ID")
	}
	return a
}

var oauthTests = map[string]func(*testing.T, *env){
	"SpendCode": func(t *testing.T, e *env) {
		spend := func(hash []byte, day time.Time) bool {
			t.Helper()
			ok, err := e.s.SpendCode(e.ctx, hash, day)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
		day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		if !spend(a, day) || spend(a, day) || spend(a, day.Add(23*time.Hour)) {
			t.Fatal("a code hash must be spendable exactly once")
		}
		if !spend(b, day) {
			t.Fatal("another hash is independent")
		}
		// Two days on, the old records are gone (the codes expired long ago).
		if !spend(a, day.AddDate(0, 0, 2)) {
			t.Fatal("records older than a day were not dropped")
		}
		if spend(a, day.AddDate(0, 0, 2)) {
			t.Fatal("the new record does not count")
		}
	},
	"Apps": func(t *testing.T, e *env) {
		in := e.app("cid-1")
		other := e.app("cid-2")
		if other.ID == in.ID {
			t.Errorf("two apps got the same ID %s", in.ID)
		}
		byClient, err := e.s.AppByClientID(e.ctx, "cid-1")
		if err != nil {
			t.Fatal(err)
		}
		byID, err := e.s.AppByID(e.ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.App{byClient, byID} {
			if got.ID != in.ID || got.Name != in.Name || got.Website != in.Website || got.ClientID != in.ClientID ||
				got.ClientSecret != in.ClientSecret || !slices.Equal(got.RedirectURIs, in.RedirectURIs) ||
				!slices.Equal(got.Scopes, in.Scopes) {
				t.Errorf("app round trip:\n got  %+v\n want %+v", got, in)
			}
		}
		err = e.s.CreateApp(e.ctx, &store.App{Name: "dup", ClientID: "cid-1", ClientSecret: "x",
			RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Scopes: []string{"read"}})
		wantErr(t, "duplicate client_id", err, store.ErrConflict)
		_, err = e.s.AppByClientID(e.ctx, "nope")
		wantErr(t, "unknown client_id", err, store.ErrNotFound)
		_, err = e.s.AppByID(e.ctx, "999999")
		wantErr(t, "unknown app id", err, store.ErrNotFound)
		_, err = e.s.AppByID(e.ctx, "junk")
		wantErr(t, "garbage app id", err, store.ErrNotFound)
	},
	"Tokens": func(t *testing.T, e *env) {
		app := e.app("cid")
		a, b := e.account("alice"), e.account("bob")
		// A full timestamp must come back as its day.
		at := time.Date(2026, 7, 4, 23, 59, 59, 1, time.UTC)
		tokens := []*store.Token{
			{Hash: "h-a1", AppID: app.ID, AccountID: a.ID, Scopes: []string{"read", "write"}, CreatedOn: at},
			{Hash: "h-a2", AppID: app.ID, AccountID: a.ID, Scopes: []string{"read"}, CreatedOn: at},
			{Hash: "h-b", AppID: app.ID, AccountID: b.ID, Scopes: []string{"follow"}, CreatedOn: at},
			{Hash: "h-app", AppID: app.ID, Scopes: []string{"read"}, CreatedOn: at},
		}
		for _, tok := range tokens {
			if err := e.s.CreateToken(e.ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC)
		for _, in := range tokens {
			got, err := e.s.TokenByHash(e.ctx, in.Hash)
			if err != nil {
				t.Fatal(err)
			}
			if got.Hash != in.Hash || got.AppID != app.ID || got.AccountID != in.AccountID ||
				!slices.Equal(got.Scopes, in.Scopes) || !got.CreatedOn.Equal(day) {
				t.Errorf("token round trip:\n got  %+v\n want %+v (created on %v)", got, in, day)
			}
		}
		err := e.s.CreateToken(e.ctx, &store.Token{Hash: "h-b", AppID: app.ID, AccountID: a.ID, Scopes: []string{"read"}, CreatedOn: at})
		wantErr(t, "duplicate token hash", err, store.ErrConflict)
		if got, _ := e.s.TokenByHash(e.ctx, "h-b"); got == nil || got.AccountID != b.ID {
			t.Errorf("duplicate hash changed the token: %+v", got)
		}
		if err := e.s.DeleteToken(e.ctx, "h-a1"); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.TokenByHash(e.ctx, "h-a1")
		wantErr(t, "deleted token", err, store.ErrNotFound)
		if err := e.s.DeleteAccountTokens(e.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.TokenByHash(e.ctx, "h-a2")
		wantErr(t, "revoked token", err, store.ErrNotFound)
		for _, h := range []string{"h-b", "h-app"} {
			if _, err := e.s.TokenByHash(e.ctx, h); err != nil {
				t.Errorf("token %s of someone else: %v", h, err)
			}
		}
		_, err = e.s.TokenByHash(e.ctx, "nope")
		wantErr(t, "unknown token", err, store.ErrNotFound)
	},
}

var secretTests = map[string]func(*testing.T, *env){
	"StoredOnce": func(t *testing.T, e *env) {
		calls := 0
		gen := func(v string) func() ([]byte, error) {
			return func() ([]byte, error) { calls++; return []byte(v), nil }
		}
		first, err := e.s.Secret(e.ctx, "k", gen("one"))
		if err != nil || string(first) != "one" {
			t.Fatalf("first Secret = %q, %v", first, err)
		}
		again, err := e.s.Secret(e.ctx, "k", gen("two"))
		if err != nil || string(again) != "one" {
			t.Errorf("second Secret = %q, %v; want the stored value", again, err)
		}
		if calls != 1 {
			t.Errorf("generate called %d times, want once", calls)
		}
		other, _ := e.s.Secret(e.ctx, "other", gen("three"))
		if string(other) != "three" {
			t.Errorf("another name = %q, want its own value", other)
		}
		boom := errors.New("no entropy")
		_, err = e.s.Secret(e.ctx, "failing", func() ([]byte, error) { return nil, boom })
		wantErr(t, "generate error", err, boom)
		if v, _ := e.s.Secret(e.ctx, "failing", gen("later")); string(v) != "later" {
			t.Errorf("after a failed generate, Secret = %q, want a fresh value", v)
		}
	},
	"Concurrent": func(t *testing.T, e *env) {
		const n = 20
		got := make([][]byte, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				v, err := e.s.Secret(e.ctx, "shared", func() ([]byte, error) { return []byte(fmt.Sprint("value-", i)), nil })
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			})
		}
		wg.Wait()
		for i := range got {
			if string(got[i]) != string(got[0]) || len(got[0]) == 0 {
				t.Fatalf("callers got different secrets: %q", got)
			}
		}
	},
	"Scrub": func(t *testing.T, e *env) {
		a := e.account("alice")
		s := e.post(a, "to be scrubbed")
		if err := e.s.DeleteStatus(e.ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Scrub(e.ctx); err != nil {
			t.Fatal(err)
		}
		// The store stays usable afterwards.
		e.post(a, "after scrub")
		e.counts(a, 0, 0, 1)
	},
}
