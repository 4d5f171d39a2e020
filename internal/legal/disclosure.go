// Package legal holds what Publius does when the law comes knocking: the
// disclosure export (everything the operator could be compelled to produce
// about an account), and, in sibling files and packages, the demand
// registry, the transparency report and the warrant canary.
package legal

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// Export is everything the operator holds about one account. Its shape is
// the whole disclosure surface: a field that is not here is not stored.
type Export struct {
	Account         AccountRecord    `json:"account"`
	Posts           []Post           `json:"posts"`
	Following       []string         `json:"following"`        // handles
	Followers       []string         `json:"followers"`        // handles
	FollowerHistory []FollowerDay    `json:"follower_history"` // the count on each day it changed
	Tokens          []TokenRecord    `json:"tokens"`
	IdempotencyKeys []IdempotencyKey `json:"idempotency_keys"`
	Badges          []Badge          `json:"badges"`
	// NotHeld names what other services keep and this one never stores.
	NotHeld []string `json:"not_held"`
}

// AccountRecord is the account row as stored.
type AccountRecord struct {
	ID              string        `json:"id"`
	Handle          string        `json:"handle"`
	CreatedOn       string        `json:"created_on"` // YYYY-MM-DD: nothing finer is kept
	DisplayName     string        `json:"display_name"`
	Note            string        `json:"note"`
	Fields          []store.Field `json:"fields"`
	Bot             bool          `json:"bot"`
	HideCollections bool          `json:"hide_collections"`
	Admin           bool          `json:"admin"`
	Suspended       bool          `json:"suspended"`
	Deleted         bool          `json:"deleted"`
	// PassphraseHashHeld says an argon2id hash exists; the hash itself is
	// producible but useless to a reader, so the export names it only.
	PassphraseHashHeld bool  `json:"passphrase_hash_held"`
	FollowersCount     int64 `json:"followers_count"`
	FollowingCount     int64 `json:"following_count"`
	StatusesCount      int64 `json:"statuses_count"`
}

// Post is one status as stored. Its time comes from its ID: posts are
// public and timestamped by design.
type Post struct {
	ID          string   `json:"id"`
	CreatedAt   string   `json:"created_at"`
	Visibility  string   `json:"visibility"`
	Text        string   `json:"text"`
	SpoilerText string   `json:"spoiler_text,omitempty"`
	Sensitive   bool     `json:"sensitive,omitempty"`
	Language    string   `json:"language,omitempty"`
	InReplyToID string   `json:"in_reply_to_id,omitempty"`
	Mentions    []string `json:"mentions,omitempty"` // handles
	Tags        []string `json:"tags,omitempty"`
	// ProvedMemberOf is the group slug of the membership proof the post
	// carries (public with the post); the proof names no member.
	ProvedMemberOf string `json:"proved_member_of,omitempty"`
}

// TokenRecord is one access token: which app, what it may do, which day it
// was issued. The secret is not kept (only its SHA-256), nor any use time.
type TokenRecord struct {
	App       string   `json:"app"`
	Scopes    []string `json:"scopes"`
	CreatedOn string   `json:"created_on"`
}

// FollowerDay is the account's follower count at the end of one UTC day.
// Only the day is kept, and nothing about who followed.
type FollowerDay struct {
	Day       string `json:"day"` // YYYY-MM-DD
	Followers int64  `json:"followers"`
}

// IdempotencyKey is a client-chosen key kept to de-duplicate a post.
type IdempotencyKey struct {
	Key      string `json:"key"`
	StatusID string `json:"status_id"`
}

// Badge is a verified group-membership badge bound to the account. The
// nullifier says "this group member", never which one.
type Badge struct {
	Group        string `json:"group"` // slug
	GroupName    string `json:"group_name"`
	Nullifier    string `json:"nullifier"` // hex
	BoundOn      string `json:"bound_on"`  // YYYY-MM-DD
	AnonymitySet int64  `json:"anonymity_set"`
}

const pageSize = 200

// Disclose collects everything st holds about accountID, including a deleted
// account's tombstone.
func Disclose(ctx context.Context, st store.Store, accountID string) (*Export, error) {
	a, err := st.AccountByID(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("disclose: account: %w", err)
	}
	x := &Export{
		Account: AccountRecord{
			ID: a.ID, Handle: a.Handle, CreatedOn: a.CreatedOn.UTC().Format(time.DateOnly),
			DisplayName: a.DisplayName, Note: a.Note, Fields: a.Fields, Bot: a.Bot,
			HideCollections: a.HideCollections, Admin: a.Admin, Suspended: a.Suspended, Deleted: a.Deleted,
			PassphraseHashHeld: a.PassphraseHash != "", FollowersCount: a.FollowersCount,
			FollowingCount: a.FollowingCount, StatusesCount: a.StatusesCount,
		},
		Posts: []Post{}, Following: []string{}, Followers: []string{}, FollowerHistory: []FollowerDay{}, Tokens: []TokenRecord{},
		IdempotencyKeys: []IdempotencyKey{}, Badges: []Badge{}, NotHeld: NotHeld,
	}
	if x.Account.Fields == nil {
		x.Account.Fields = []store.Field{}
	}
	if a.Deleted {
		return x, nil // the tombstone keeps only handle, ID and day
	}
	if x.Posts, err = posts(ctx, st, a.ID); err != nil {
		return nil, err
	}
	if x.Following, err = follows(ctx, st.Following, a.ID); err != nil {
		return nil, err
	}
	if x.Followers, err = follows(ctx, st.Followers, a.ID); err != nil {
		return nil, err
	}
	if x.FollowerHistory, err = followerHistory(ctx, st, a.ID); err != nil {
		return nil, err
	}
	if x.Tokens, err = tokens(ctx, st, a.ID); err != nil {
		return nil, err
	}
	keys, err := st.AccountIdempotencyKeys(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("disclose: idempotency keys: %w", err)
	}
	for k, s := range keys {
		x.IdempotencyKeys = append(x.IdempotencyKeys, IdempotencyKey{Key: k, StatusID: s})
	}
	sort.Slice(x.IdempotencyKeys, func(i, j int) bool { return x.IdempotencyKeys[i].StatusID < x.IdempotencyKeys[j].StatusID })
	badges, err := st.AccountBadges(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("disclose: badges: %w", err)
	}
	for _, b := range badges {
		x.Badges = append(x.Badges, Badge{Group: b.GroupSlug, GroupName: b.GroupName,
			Nullifier: hex.EncodeToString(b.Nullifier), BoundOn: b.CreatedOn.UTC().Format(time.DateOnly),
			AnonymitySet: b.AnonymitySet})
	}
	return x, nil
}

func posts(ctx context.Context, st store.Store, accountID string) ([]Post, error) {
	out := []Post{}
	mentioned := map[string]bool{}
	var all []*store.Status
	p := store.Page{Limit: pageSize}
	for {
		list, err := st.AccountStatuses(ctx, accountID, store.AccountStatusFilter{IncludePrivate: true}, p)
		if err != nil {
			return nil, fmt.Errorf("disclose: posts: %w", err)
		}
		all = append(all, list...)
		for _, s := range list {
			for _, m := range s.Mentions {
				mentioned[m] = true
			}
		}
		if len(list) < p.Limit {
			break
		}
		p.MaxID = list[len(list)-1].ID
	}
	ids := make([]string, 0, len(mentioned))
	for m := range mentioned {
		ids = append(ids, m)
	}
	handles, err := st.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("disclose: mentions: %w", err)
	}
	for _, s := range all {
		post := Post{ID: s.ID, Visibility: s.Visibility, Text: s.Text, SpoilerText: s.SpoilerText,
			Sensitive: s.Sensitive, Language: s.Language, InReplyToID: s.InReplyToID, Tags: s.Tags}
		if t, err := id.Time(s.ID); err == nil {
			post.CreatedAt = t.Format(time.RFC3339)
		}
		for _, m := range s.Mentions {
			if a := handles[m]; a != nil {
				post.Mentions = append(post.Mentions, a.Handle)
			}
		}
		switch proof, err := st.PostProof(ctx, s.ID); {
		case err == nil:
			post.ProvedMemberOf = proof.GroupSlug
		case !errors.Is(err, store.ErrNotFound):
			return nil, fmt.Errorf("disclose: post proof: %w", err)
		}
		out = append(out, post)
	}
	return out, nil
}

func follows(ctx context.Context, list func(context.Context, string, store.Page) ([]store.FollowEdge, error), accountID string) ([]string, error) {
	out := []string{}
	p := store.Page{Limit: pageSize}
	for {
		edges, err := list(ctx, accountID, p)
		if err != nil {
			return nil, fmt.Errorf("disclose: follows: %w", err)
		}
		for _, e := range edges {
			out = append(out, e.Account.Handle)
		}
		if len(edges) < p.Limit {
			return out, nil
		}
		p.MaxID = edges[len(edges)-1].ID
	}
}

// followerHistory reads every stored day, whatever its date: what is held
// must be producible.
func followerHistory(ctx context.Context, st store.Store, accountID string) ([]FollowerDay, error) {
	rows, err := st.FollowerHistory(ctx, accountID, time.Time{}, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, fmt.Errorf("disclose: follower history: %w", err)
	}
	out := make([]FollowerDay, len(rows))
	for i, r := range rows {
		out[i] = FollowerDay{Day: r.Day.UTC().Format(time.DateOnly), Followers: r.Followers}
	}
	return out, nil
}

func tokens(ctx context.Context, st store.Store, accountID string) ([]TokenRecord, error) {
	list, err := st.AccountTokens(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("disclose: tokens: %w", err)
	}
	out := []TokenRecord{}
	apps := map[string]string{}
	for _, t := range list {
		name, ok := apps[t.AppID]
		if !ok {
			app, err := st.AppByID(ctx, t.AppID)
			if err != nil {
				return nil, fmt.Errorf("disclose: token app: %w", err)
			}
			name, apps[t.AppID] = app.Name, app.Name
		}
		out = append(out, TokenRecord{App: name, Scopes: t.Scopes, CreatedOn: t.CreatedOn.UTC().Format(time.DateOnly)})
	}
	return out, nil
}

// JSON renders x as indented JSON.
func (x *Export) JSON() []byte {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		panic(err) // plain strings, bools and slices: cannot fail
	}
	return append(b, '\n')
}

// Text renders x for a person reading it (an operator, a lawyer, the owner).
func (x *Export) Text() string {
	var b strings.Builder
	a := x.Account
	fmt.Fprintf(&b, "Disclosure export for @%s\n", a.Handle)
	fmt.Fprintf(&b, "This is everything this server holds about the account.\n\n")
	fmt.Fprintf(&b, "Account\n")
	row := func(k string, v any) { fmt.Fprintf(&b, "  %-22s %v\n", k+":", v) }
	row("id", a.ID)
	row("handle", a.Handle)
	row("created on (day only)", a.CreatedOn)
	row("display name", quoteOrNone(a.DisplayName))
	row("note", quoteOrNone(a.Note))
	for _, f := range a.Fields {
		row("field", fmt.Sprintf("%q = %q", f.Name, f.Value))
	}
	row("bot", a.Bot)
	row("hide collections", a.HideCollections)
	row("admin", a.Admin)
	row("suspended", a.Suspended)
	row("deleted", a.Deleted)
	row("passphrase hash held", a.PassphraseHashHeld)
	row("counts", fmt.Sprintf("%d posts, %d following, %d followers", a.StatusesCount, a.FollowingCount, a.FollowersCount))

	fmt.Fprintf(&b, "\nPosts (%d)\n", len(x.Posts))
	for _, p := range x.Posts {
		fmt.Fprintf(&b, "  %s  %s  %s", p.ID, p.CreatedAt, p.Visibility)
		if p.InReplyToID != "" {
			fmt.Fprintf(&b, "  reply to %s", p.InReplyToID)
		}
		if p.SpoilerText != "" {
			fmt.Fprintf(&b, "  CW %q", p.SpoilerText)
		}
		fmt.Fprintf(&b, "\n    %s\n", strings.ReplaceAll(p.Text, "\n", "\n    "))
	}
	list := func(title string, items []string) {
		fmt.Fprintf(&b, "\n%s (%d)\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(&b, "  %s\n", it)
		}
	}
	list("Following", prefixed(x.Following))
	list("Followers", prefixed(x.Followers))
	fmt.Fprintf(&b, "\nFollower count by day (%d days on which it changed; nothing about who followed)\n", len(x.FollowerHistory))
	for _, d := range x.FollowerHistory {
		fmt.Fprintf(&b, "  %s  %d\n", d.Day, d.Followers)
	}
	fmt.Fprintf(&b, "\nAccess tokens (%d; secrets are not kept, only their SHA-256)\n", len(x.Tokens))
	for _, t := range x.Tokens {
		fmt.Fprintf(&b, "  %s  app %q  scopes %s\n", t.CreatedOn, t.App, strings.Join(t.Scopes, " "))
	}
	fmt.Fprintf(&b, "\nIdempotency keys (%d)\n", len(x.IdempotencyKeys))
	for _, k := range x.IdempotencyKeys {
		fmt.Fprintf(&b, "  %q -> status %s\n", k.Key, k.StatusID)
	}
	fmt.Fprintf(&b, "\nVerified badges (%d)\n", len(x.Badges))
	for _, g := range x.Badges {
		fmt.Fprintf(&b, "  %s (%s)  bound on %s  one of %d members  nullifier %s\n", g.Group, g.GroupName, g.BoundOn, g.AnonymitySet, g.Nullifier)
	}
	list("Not held by this server", x.NotHeld)
	return b.String()
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(empty)"
	}
	return fmt.Sprintf("%q", s)
}

func prefixed(handles []string) []string {
	out := make([]string, len(handles))
	for i, h := range handles {
		out[i] = "@" + h
	}
	return out
}

// Summary says in a few sentences what the export holds, for the notice
// sent to an account a demand names.
func (x *Export) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "What this server holds about @%s, and so all it could produce: the handle; the day the account was created (%s); the profile; ",
		x.Account.Handle, x.Account.CreatedOn)
	fmt.Fprintf(&b, "%d posts that were not deleted; who the account follows (%d) and who follows it (%d); its follower count on each day it changed (%d days); ",
		len(x.Posts), len(x.Following), len(x.Followers), len(x.FollowerHistory))
	fmt.Fprintf(&b, "%d access tokens, each with its app and issue day; %d verified badges (never which member holds them). ",
		len(x.Tokens), len(x.Badges))
	b.WriteString("It holds no email, phone number, IP address, user agent, or login or session time. ")
	b.WriteString("See the full export at /api/v1/publius/me/disclosure?format=text.")
	return b.String()
}
