// Package storetest is the conformance suite every store.Store backend must
// pass. It uses only the store.Store interface, so the SQLite and PostgreSQL
// backends run it unchanged.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// Run runs the whole suite. open must return an empty store for each
// subtest and arrange its own cleanup (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests map[string]func(*testing.T, *env)
	}{
		{"Accounts", accountTests},
		{"Statuses", statusTests},
		{"Timelines", timelineTests},
		{"Follows", followTests},
		{"FollowerHistory", historyTests},
		{"OAuth", oauthTests},
		{"Secrets", secretTests},
		{"Membership", membershipTests},
		{"Legal", legalTests},
		{"Notifications", notificationTests},
		{"Search", searchTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			names := make([]string, 0, len(g.tests))
			for name := range g.tests {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				t.Run(name, func(t *testing.T) {
					g.tests[name](t, &env{t: t, s: open(t), ctx: context.Background(), ids: id.NewGenerator()})
				})
			}
		})
	}
}

// env is one subtest's store with helpers that fail the test on error.
type env struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
	ids *id.Generator
}

// today is the current day at midnight UTC, the only creation time stored.
func today() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }

func (e *env) account(handle string) *store.Account {
	e.t.Helper()
	a := &store.Account{ID: id.AccountID(today()), Handle: handle, CreatedOn: today(), PassphraseHash: "hash-" + handle}
	if err := e.s.CreateAccount(e.ctx, a); err != nil {
		e.t.Fatalf("CreateAccount(%s): %v", handle, err)
	}
	return e.reload(a)
}

func (e *env) reload(a *store.Account) *store.Account {
	e.t.Helper()
	got, err := e.s.AccountByID(e.ctx, a.ID)
	if err != nil {
		e.t.Fatalf("AccountByID(%s): %v", a.Handle, err)
	}
	return got
}

// post creates a public status by a; opts adjust it before it is stored.
func (e *env) post(a *store.Account, text string, opts ...func(*store.Status)) *store.Status {
	e.t.Helper()
	s := &store.Status{ID: e.ids.Next(), AccountID: a.ID, Text: text, Content: "<p>" + text + "</p>",
		Visibility: store.VisibilityPublic, Language: "en"}
	for _, o := range opts {
		o(s)
	}
	got, err := e.s.CreateStatus(e.ctx, s, "")
	if err != nil {
		e.t.Fatalf("CreateStatus(%q): %v", text, err)
	}
	return got
}

func visibility(v string) func(*store.Status) { return func(s *store.Status) { s.Visibility = v } }

func replyTo(p *store.Status) func(*store.Status) {
	return func(s *store.Status) { s.InReplyToID, s.InReplyToAccountID = p.ID, p.AccountID }
}

func mentioning(ids ...string) func(*store.Status) {
	return func(s *store.Status) { s.Mentions = append(s.Mentions, ids...) }
}

func (e *env) status(id string) *store.Status {
	e.t.Helper()
	s, err := e.s.StatusByID(e.ctx, id)
	if err != nil {
		e.t.Fatalf("StatusByID(%s): %v", id, err)
	}
	return s
}

func (e *env) follow(a, b *store.Account) {
	e.t.Helper()
	if err := e.s.Follow(e.ctx, a.ID, b.ID); err != nil {
		e.t.Fatalf("Follow(%s, %s): %v", a.Handle, b.Handle, err)
	}
}

// counts checks an account's counters.
func (e *env) counts(a *store.Account, followers, following, statuses int64) {
	e.t.Helper()
	got := e.reload(a)
	if got.FollowersCount != followers || got.FollowingCount != following || got.StatusesCount != statuses {
		e.t.Errorf("@%s counters followers/following/statuses = %d/%d/%d, want %d/%d/%d", a.Handle,
			got.FollowersCount, got.FollowingCount, got.StatusesCount, followers, following, statuses)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func statusIDs(list []*store.Status) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func edgeAccountIDs(list []store.FollowEdge) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Account.ID
	}
	return out
}

// newestFirst returns the IDs of list in reverse order (list is oldest first).
func newestFirst(list ...*store.Status) []string {
	ids := statusIDs(list)
	slices.Reverse(ids)
	return ids
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %v, want %v (any order)", what, got, want)
	}
}

// checkPaging checks Mastodon page semantics on a list whose full content,
// newest first, is all (at least 7 items); list returns the page's IDs.
func checkPaging(t *testing.T, all []string, list func(store.Page) []string) {
	t.Helper()
	if len(all) < 7 {
		t.Fatalf("checkPaging needs 7 items, got %d", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b string) int { return -compareIDs(a, b) }) {
		t.Fatalf("list is not newest first: %v", all)
	}
	n := len(all)
	// all[i] is newer than all[i+1]; "above x" means newer than x.
	cases := []struct {
		name string
		p    store.Page
		want []string
	}{
		{"limit", store.Page{Limit: 3}, all[:3]},
		{"no limit returns a default page", store.Page{}, all[:min(n, 20)]},
		{"max_id", store.Page{MaxID: all[2], Limit: 3}, all[3:6]},
		{"max_id at the end", store.Page{MaxID: all[n-1], Limit: 3}, []string{}},
		{"since_id newest first", store.Page{SinceID: all[5], Limit: 2}, all[:2]},
		{"since_id all", store.Page{SinceID: all[5], Limit: 40}, all[:5]},
		{"min_id returns the page just above", store.Page{MinID: all[5], Limit: 2}, all[3:5]},
		{"min_id at the top", store.Page{MinID: all[0], Limit: 2}, []string{}},
		{"max_id and since_id", store.Page{MaxID: all[1], SinceID: all[5], Limit: 40}, all[2:5]},
		{"max_id and min_id", store.Page{MaxID: all[1], MinID: all[6], Limit: 2}, all[4:6]},
	}
	for _, c := range cases {
		got := list(c.p)
		if got == nil {
			got = []string{}
		}
		sameIDs(t, fmt.Sprintf("page %s %+v", c.name, c.p), got, c.want)
	}
	// Walking down by max_id and up by min_id visits everything once.
	var down []string
	for p := (store.Page{Limit: 2}); ; {
		page := list(p)
		if len(page) == 0 {
			break
		}
		down = append(down, page...)
		p.MaxID = page[len(page)-1]
		if len(down) > n {
			break
		}
	}
	sameIDs(t, "walk down by max_id", down, all)
	up := []string{all[n-1]}
	for p := (store.Page{MinID: all[n-1], Limit: 2}); ; {
		page := list(p)
		if len(page) == 0 {
			break
		}
		for i := len(page) - 1; i >= 0; i-- {
			up = append(up, page[i])
		}
		p.MinID = page[0]
		if len(up) > n {
			break
		}
	}
	slices.Reverse(up)
	sameIDs(t, "walk up by min_id", up, all)
}

// compareIDs orders decimal IDs numerically (edge IDs need not be padded).
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
