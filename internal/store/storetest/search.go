package storetest

import (
	"testing"

	"publius/internal/store"
)

var searchTests = map[string]func(*testing.T, *env){
	"AccountsByHandleThenDisplayName": func(t *testing.T, e *env) {
		alice, alicia := e.account("alice"), e.account("alicia")
		bob, zed := e.account("bob"), e.account("zed")
		e.account("carol")
		e.displayName(alice, "Alice A.")
		e.displayName(bob, "Alison Bob")
		e.displayName(zed, "ALIce fan")
		e.displayName(e.account("caroline"), "Not Alice") // contains the query, does not start with it
		// Handle matches first (by handle), then display-name prefix
		// matches (by display name, ignoring case), each account once.
		want := []string{alice.ID, alicia.ID, zed.ID, bob.ID}
		for _, q := range []string{"ali", "ALI", "Ali", " ali "} {
			sameIDs(t, "search "+q, e.searchAccounts(q, 0, 10), want)
		}
		sameIDs(t, "whole handle", e.searchAccounts("alice", 0, 10), []string{alice.ID, zed.ID})
		sameIDs(t, "display name only", e.searchAccounts("alis", 0, 10), []string{bob.ID})
		sameIDs(t, "display name, any case", e.searchAccounts("ALISON B", 0, 10), []string{bob.ID})
		sameIDs(t, "prefixes only", e.searchAccounts("lice", 0, 10), []string{})
		sameIDs(t, "no match", e.searchAccounts("xyz", 0, 10), []string{})
		sameIDs(t, "empty query", e.searchAccounts("", 0, 10), []string{})
		sameIDs(t, "blank query", e.searchAccounts("  ", 0, 10), []string{})
		sameIDs(t, "zero limit", e.searchAccounts("ali", 0, 0), []string{})
	},
	"AccountsLimitAndOffset": func(t *testing.T, e *env) {
		alice, alicia := e.account("alice"), e.account("alicia")
		bob, zed := e.account("bob"), e.account("zed")
		e.displayName(bob, "Alison")
		e.displayName(zed, "Alistair")
		all := []string{alice.ID, alicia.ID, bob.ID, zed.ID}
		for _, c := range []struct {
			name          string
			offset, limit int
			want          []string
		}{
			{"first", 0, 1, all[:1]},
			{"handles only", 0, 2, all[:2]},
			{"across the groups", 1, 2, all[1:3]},
			{"display names only", 2, 2, all[2:4]},
			{"past the handles", 3, 5, all[3:]},
			{"past the end", 4, 5, []string{}},
			{"far past the end", 100, 5, []string{}},
			{"negative offset", -3, 2, all[:2]},
		} {
			sameIDs(t, c.name, e.searchAccounts("ali", c.offset, c.limit), c.want)
		}
	},
	"AccountsSkipSuspendedAndDeleted": func(t *testing.T, e *env) {
		alice, alicia, alina := e.account("alice"), e.account("alicia"), e.account("alina")
		bob := e.account("bob")
		e.displayName(bob, "Alias")
		if err := e.s.SetSuspended(e.ctx, alicia.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteAccount(e.ctx, alina.ID); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "live accounts", e.searchAccounts("ali", 0, 10), []string{alice.ID, bob.ID})
		if err := e.s.SetSuspended(e.ctx, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "display-name match suspended", e.searchAccounts("ali", 0, 10), []string{alice.ID})
		if err := e.s.SetSuspended(e.ctx, alicia.ID, false); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "unsuspended", e.searchAccounts("ali", 0, 10), []string{alice.ID, alicia.ID})
	},
	"AccountsWildcardsAreLiteral": func(t *testing.T, e *env) {
		under, plain := e.account("a_b"), e.account("axb")
		pct, digits, slash := e.account("pct"), e.account("digits"), e.account("slash")
		e.displayName(pct, "100% real")
		e.displayName(digits, "1000 real")
		e.displayName(slash, `back\slash`)
		sameIDs(t, "underscore in a handle", e.searchAccounts("a_", 0, 10), []string{under.ID})
		sameIDs(t, "no underscore", e.searchAccounts("ax", 0, 10), []string{plain.ID})
		sameIDs(t, "percent", e.searchAccounts("100%", 0, 10), []string{pct.ID})
		sameIDs(t, "lone percent", e.searchAccounts("%", 0, 10), []string{})
		sameIDs(t, "lone underscore", e.searchAccounts("_", 0, 10), []string{})
		sameIDs(t, "backslash", e.searchAccounts(`back\s`, 0, 10), []string{slash.ID})
		sameIDs(t, "escape-like text", e.searchAccounts(`\%`, 0, 10), []string{})
	},
	"TagsUsedInPublicStatuses": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		e.post(a, "one", tagged("go", "golang"))
		e.post(a, "two", tagged("gopher"), visibility(store.VisibilityPrivate))
		e.post(b, "three", tagged("gopher"))
		e.post(a, "four", tagged("gossip"), visibility(store.VisibilityUnlisted))
		e.post(a, "five", tagged("gone"), visibility(store.VisibilityPrivate))
		gone := e.post(a, "six", tagged("goner"))
		e.post(a, "seven", tagged("rust", "ago"))
		if err := e.s.DeleteStatus(e.ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		want := []string{"go", "golang", "gopher"}
		for _, q := range []string{"go", "GO", "Go", " go "} {
			sameIDs(t, "search "+q, e.searchTags(q, 0, 10), want)
		}
		sameIDs(t, "whole name", e.searchTags("golang", 0, 10), []string{"golang"})
		sameIDs(t, "longer than any name", e.searchTags("golangs", 0, 10), []string{})
		sameIDs(t, "a prefix, not a substring", e.searchTags("o", 0, 10), []string{})
		sameIDs(t, "empty prefix", e.searchTags("", 0, 10), []string{})
		sameIDs(t, "limit", e.searchTags("go", 0, 2), want[:2])
		sameIDs(t, "offset", e.searchTags("go", 1, 10), want[1:])
		sameIDs(t, "offset past the end", e.searchTags("go", 3, 10), []string{})
		sameIDs(t, "zero limit", e.searchTags("go", 0, 0), []string{})

		// A suspended author's posts do not count; the other public use does.
		if err := e.s.SetSuspended(e.ctx, b.ID, true); err != nil {
			t.Fatal(err)
		}
		sameIDs(t, "bob suspended", e.searchTags("go", 0, 10), []string{"go", "golang"})
	},
	"TagsWildcardsAreLiteral": func(t *testing.T, e *env) {
		a := e.account("alice")
		e.post(a, "one", tagged("go_fast", "goxfast", "café", "cafe"))
		sameIDs(t, "underscore", e.searchTags("go_", 0, 10), []string{"go_fast"})
		sameIDs(t, "percent", e.searchTags("go%", 0, 10), []string{})
		sameIDs(t, "non-ASCII", e.searchTags("caf", 0, 10), []string{"cafe", "café"})
		sameIDs(t, "non-ASCII prefix", e.searchTags("café", 0, 10), []string{"café"})
	},
}

func tagged(tags ...string) func(*store.Status) {
	return func(s *store.Status) { s.Tags = append(s.Tags, tags...) }
}

func (e *env) displayName(a *store.Account, name string) {
	e.t.Helper()
	if err := e.s.UpdateProfile(e.ctx, a.ID, store.Profile{DisplayName: &name}); err != nil {
		e.t.Fatalf("UpdateProfile(%s): %v", a.Handle, err)
	}
}

func (e *env) searchAccounts(q string, offset, limit int) []string {
	e.t.Helper()
	list, err := e.s.SearchAccounts(e.ctx, q, offset, limit)
	if err != nil {
		e.t.Fatalf("SearchAccounts(%q, %d, %d): %v", q, offset, limit, err)
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

func (e *env) searchTags(prefix string, offset, limit int) []string {
	e.t.Helper()
	list, err := e.s.SearchTags(e.ctx, prefix, offset, limit)
	if err != nil {
		e.t.Fatalf("SearchTags(%q, %d, %d): %v", prefix, offset, limit, err)
	}
	if list == nil {
		list = []string{}
	}
	return list
}
