package web

import (
	"context"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"publius/internal/id"
	"publius/internal/store"
)

// postView is a post as the public pages show it.
type postView struct {
	ID           string
	URL          string
	AuthorName   string
	AuthorHandle string
	AuthorURL    string
	// Content is the HTML internal/timeline rendered from the author's
	// text (escaped, then linked): the one value not escaped here.
	Content      template.HTML
	Text         string
	SpoilerText  string
	Visibility   string
	Time         time.Time
	InReplyToURL string
	InReplyTo    string // the parent's author handle
	RepliesCount int64
	Focus        bool
}

// Summary is a short plain-text excerpt for the page title.
func (p *postView) Summary() string {
	s := p.SpoilerText
	if s == "" {
		s = strings.Join(strings.Fields(p.Text), " ")
	}
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return s
}

// postViews loads the authors of list in one batch and drops posts whose
// author is gone or suspended.
func (h *Handler) postViews(ctx context.Context, list []*store.Status) ([]*postView, error) {
	need := make([]string, 0, 2*len(list))
	for _, s := range list {
		need = append(need, s.AccountID)
		if s.InReplyToAccountID != "" {
			need = append(need, s.InReplyToAccountID)
		}
	}
	accounts, err := h.Store.AccountsByIDs(ctx, need)
	if err != nil {
		return nil, err
	}
	out := make([]*postView, 0, len(list))
	for _, s := range list {
		a := accounts[s.AccountID]
		if a == nil || a.Deleted || a.Suspended {
			continue
		}
		t, _ := id.Time(s.ID)
		p := &postView{ID: s.ID, URL: "/@" + a.Handle + "/" + s.ID, AuthorName: displayName(a), AuthorHandle: a.Handle,
			AuthorURL: "/@" + a.Handle, Content: template.HTML(s.Content), Text: s.Text, SpoilerText: s.SpoilerText,
			Visibility: s.Visibility, Time: t, RepliesCount: s.RepliesCount}
		if parent := accounts[s.InReplyToAccountID]; parent != nil && !parent.Deleted && !parent.Suspended {
			p.InReplyToURL, p.InReplyTo = "/@"+parent.Handle+"/"+s.InReplyToID, parent.Handle
		}
		out = append(out, p)
	}
	return out, nil
}

// profileView is an account's public profile.
type profileView struct {
	Handle          string
	Acct            string
	Name            string
	Note            string
	Fields          []fieldView
	Joined          time.Time
	Bot             bool
	HideCollections bool
	Followers       int64
	Following       int64
	Posts           int64
}

type fieldView struct {
	Name, Value string
	Link        bool // Value is an http(s) URL
}

func newProfileView(a *store.Account, host string) profileView {
	v := profileView{Handle: a.Handle, Acct: a.Handle + "@" + host, Name: displayName(a), Note: a.Note,
		Joined: a.CreatedOn, Bot: a.Bot, HideCollections: a.HideCollections,
		Followers: a.FollowersCount, Following: a.FollowingCount, Posts: a.StatusesCount}
	for _, f := range a.Fields {
		link := (strings.HasPrefix(f.Value, "https://") || strings.HasPrefix(f.Value, "http://")) &&
			!strings.ContainsAny(f.Value, " \t\n")
		v.Fields = append(v.Fields, fieldView{Name: f.Name, Value: f.Value, Link: link})
	}
	return v
}

func displayName(a *store.Account) string {
	if strings.TrimSpace(a.DisplayName) != "" {
		return a.DisplayName
	}
	return a.Handle
}
