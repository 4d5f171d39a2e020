// Package timeline posts, deletes and reads statuses (home, account and
// public timelines, threads) and manages follows. Timelines are
// fan-out-on-read: posting costs the same whatever the follower count.
package timeline

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"publius/internal/id"
	"publius/internal/store"
)

// Errors callers map to API statuses.
var (
	ErrNotFound      = store.ErrNotFound
	ErrForbidden     = errors.New("this action is not allowed")
	ErrInvalidStatus = errors.New("invalid status")
	// ErrDirectUnsupported: Publius has no private messages until they can
	// be end-to-end encrypted (DESIGN.md).
	ErrDirectUnsupported = errors.New("direct messages are not supported: Publius keeps no private messages it could be compelled to produce")
	ErrSelfFollow        = errors.New("you cannot follow yourself")
)

// MaxChars is the longest status text (plus content warning), in Unicode
// code points.
const MaxChars = 500

// Service implements posting, reading and following over a store.
type Service struct {
	store   store.Store
	ids     *id.Generator
	baseURL string
	host    string
}

// NewService returns a Service rendering links under baseURL.
func NewService(s store.Store, baseURL, host string) *Service {
	return &Service{store: s, ids: id.NewGenerator(), baseURL: baseURL, host: host}
}

// NewStatus is what an author submits.
type NewStatus struct {
	Text        string
	SpoilerText string
	Sensitive   bool
	Visibility  string
	Language    string
	InReplyToID string
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}$`)

// Post validates, renders and stores a status. The system account may post
// direct notices (legal); nobody else can.
func (s *Service) Post(ctx context.Context, author *store.Account, in NewStatus, idempotencyKey string, allowDirect bool) (*store.Status, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, fmt.Errorf("%w: text can't be blank", ErrInvalidStatus)
	}
	if !utf8.ValidString(in.Text) || !utf8.ValidString(in.SpoilerText) {
		return nil, fmt.Errorf("%w: text must be valid UTF-8", ErrInvalidStatus)
	}
	if n := utf8.RuneCountInString(text) + utf8.RuneCountInString(in.SpoilerText); n > MaxChars {
		return nil, fmt.Errorf("%w: text is %d characters, the limit is %d", ErrInvalidStatus, n, MaxChars)
	}
	visibility := in.Visibility
	switch visibility {
	case "":
		visibility = store.VisibilityPublic
	case store.VisibilityPublic, store.VisibilityUnlisted, store.VisibilityPrivate:
	case store.VisibilityDirect:
		if !allowDirect {
			return nil, ErrDirectUnsupported
		}
	default:
		return nil, fmt.Errorf("%w: visibility must be public, unlisted or private", ErrInvalidStatus)
	}
	lang := strings.ToLower(in.Language)
	if lang != "" && !languagePattern.MatchString(lang) {
		return nil, fmt.Errorf("%w: language must be an ISO 639 code", ErrInvalidStatus)
	}
	if len(idempotencyKey) > 200 {
		return nil, fmt.Errorf("%w: Idempotency-Key is longer than 200 bytes", ErrInvalidStatus)
	}
	st := &store.Status{
		ID: s.ids.Next(), AccountID: author.ID, Text: text, SpoilerText: in.SpoilerText,
		Sensitive: in.Sensitive || in.SpoilerText != "", Visibility: visibility, Language: lang,
	}
	if in.InReplyToID != "" {
		parent, err := s.Get(ctx, author, in.InReplyToID)
		if err != nil {
			return nil, err
		}
		st.InReplyToID, st.InReplyToAccountID = parent.ID, parent.AccountID
	}
	r := renderer{baseURL: s.baseURL, host: s.host, mentioned: func(handle string) string {
		a, err := s.store.AccountByHandle(ctx, handle)
		if err != nil || a.Deleted || a.Suspended {
			return ""
		}
		return a.ID
	}}.render(text)
	st.Content, st.Mentions, st.Tags = r.html, r.mentions, r.tags
	return s.store.CreateStatus(ctx, st, idempotencyKey)
}

// Delete removes the caller's own status and returns it (Mastodon returns
// the deleted status with its source text, for "delete and redraft").
func (s *Service) Delete(ctx context.Context, caller *store.Account, statusID string) (*store.Status, error) {
	st, err := s.store.StatusByID(ctx, statusID)
	if err != nil {
		return nil, err
	}
	if st.AccountID != caller.ID {
		if _, seeErr := s.Get(ctx, caller, statusID); seeErr != nil {
			return nil, ErrNotFound // do not confirm that an invisible status exists
		}
		return nil, ErrForbidden
	}
	if err := s.store.DeleteStatus(ctx, statusID); err != nil {
		return nil, err
	}
	return st, nil
}

// Get returns a status if viewer (nil: anonymous) may see it.
func (s *Service) Get(ctx context.Context, viewer *store.Account, statusID string) (*store.Status, error) {
	st, err := s.store.StatusByID(ctx, statusID)
	if err != nil {
		return nil, err
	}
	ok, err := s.canSee(ctx, viewer, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotFound
	}
	return st, nil
}

func (s *Service) canSee(ctx context.Context, viewer *store.Account, st *store.Status) (bool, error) {
	if viewer != nil && viewer.ID == st.AccountID {
		return true, nil
	}
	author, err := s.store.AccountByID(ctx, st.AccountID)
	if err != nil || author.Suspended || author.Deleted {
		return false, nil
	}
	switch st.Visibility {
	case store.VisibilityPublic, store.VisibilityUnlisted:
		return true, nil
	}
	if viewer == nil {
		return false, nil
	}
	for _, m := range st.Mentions {
		if m == viewer.ID {
			return true, nil
		}
	}
	if st.Visibility == store.VisibilityPrivate {
		rel, err := s.store.Relationships(ctx, viewer.ID, []string{st.AccountID})
		if err != nil {
			return false, err
		}
		return rel[st.AccountID].Following, nil
	}
	return false, nil
}

// Context returns the visible ancestors and descendants of a status.
func (s *Service) Context(ctx context.Context, viewer *store.Account, statusID string) (ancestors, descendants []*store.Status, err error) {
	st, err := s.Get(ctx, viewer, statusID)
	if err != nil {
		return nil, nil, err
	}
	anc, err := s.store.Ancestors(ctx, st, 40)
	if err != nil {
		return nil, nil, err
	}
	desc, err := s.store.Descendants(ctx, st, 60)
	if err != nil {
		return nil, nil, err
	}
	if ancestors, err = s.visible(ctx, viewer, anc); err != nil {
		return nil, nil, err
	}
	descendants, err = s.visible(ctx, viewer, desc)
	return ancestors, descendants, err
}

func (s *Service) visible(ctx context.Context, viewer *store.Account, list []*store.Status) ([]*store.Status, error) {
	out := make([]*store.Status, 0, len(list))
	for _, st := range list {
		ok, err := s.canSee(ctx, viewer, st)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// Home is the viewer's home timeline.
func (s *Service) Home(ctx context.Context, viewer *store.Account, p store.Page) ([]*store.Status, error) {
	return s.store.HomeTimeline(ctx, viewer.ID, p)
}

// Public is the local public timeline.
func (s *Service) Public(ctx context.Context, p store.Page) ([]*store.Status, error) {
	return s.store.PublicTimeline(ctx, p)
}

// AccountOptions narrows an account's timeline.
type AccountOptions struct {
	ExcludeReplies bool
	OnlyPublic     bool
}

// Account lists an account's statuses as viewer may see them.
func (s *Service) Account(ctx context.Context, viewer *store.Account, accountID string, o AccountOptions, p store.Page) ([]*store.Status, error) {
	author, err := s.visibleAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	f := store.AccountStatusFilter{ExcludeReplies: o.ExcludeReplies, OnlyPublic: o.OnlyPublic}
	if viewer != nil && !o.OnlyPublic {
		if viewer.ID == author.ID {
			f.IncludePrivate = true
		} else {
			rel, err := s.store.Relationships(ctx, viewer.ID, []string{author.ID})
			if err != nil {
				return nil, err
			}
			f.IncludePrivate = rel[author.ID].Following
		}
	}
	return s.store.AccountStatuses(ctx, author.ID, f, p)
}

// visibleAccount returns a live account or ErrNotFound.
func (s *Service) visibleAccount(ctx context.Context, accountID string) (*store.Account, error) {
	a, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.Deleted || a.Suspended {
		return nil, ErrNotFound
	}
	return a, nil
}

// Follow makes viewer follow target.
func (s *Service) Follow(ctx context.Context, viewer *store.Account, targetID string) error {
	target, err := s.visibleAccount(ctx, targetID)
	if err != nil {
		return err
	}
	if target.ID == viewer.ID {
		return ErrSelfFollow
	}
	return s.store.Follow(ctx, viewer.ID, target.ID)
}

// Unfollow stops viewer following target.
func (s *Service) Unfollow(ctx context.Context, viewer *store.Account, targetID string) error {
	if _, err := s.store.AccountByID(ctx, targetID); err != nil {
		return err
	}
	return s.store.Unfollow(ctx, viewer.ID, targetID)
}

// Followers lists who follows accountID; hidden collections are visible
// only to the owner.
func (s *Service) Followers(ctx context.Context, viewer *store.Account, accountID string, p store.Page) ([]store.FollowEdge, error) {
	return s.collection(ctx, viewer, accountID, p, s.store.Followers)
}

// Following lists whom accountID follows, with the same hiding rule.
func (s *Service) Following(ctx context.Context, viewer *store.Account, accountID string, p store.Page) ([]store.FollowEdge, error) {
	return s.collection(ctx, viewer, accountID, p, s.store.Following)
}

func (s *Service) collection(ctx context.Context, viewer *store.Account, accountID string, p store.Page,
	list func(context.Context, string, store.Page) ([]store.FollowEdge, error)) ([]store.FollowEdge, error) {
	a, err := s.visibleAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.HideCollections && (viewer == nil || viewer.ID != a.ID) {
		return []store.FollowEdge{}, nil
	}
	edges, err := list(ctx, a.ID, p)
	if err != nil {
		return nil, err
	}
	out := edges[:0]
	for _, e := range edges {
		if !e.Account.Suspended && !e.Account.Deleted {
			out = append(out, e)
		}
	}
	return out, nil
}

// Tag lists public statuses carrying a hashtag, newest first.
func (s *Service) Tag(ctx context.Context, tag string, p store.Page) ([]*store.Status, error) {
	return s.store.TagTimeline(ctx, strings.ToLower(tag), p)
}
