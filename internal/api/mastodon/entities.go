package mastodon

import (
	"context"
	"html"
	"strings"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// Account is Mastodon's Account entity.
type Account struct {
	ID              string     `json:"id"`
	Username        string     `json:"username"`
	Acct            string     `json:"acct"`
	URL             string     `json:"url"`
	URI             string     `json:"uri"`
	DisplayName     string     `json:"display_name"`
	Note            string     `json:"note"`
	Avatar          string     `json:"avatar"`
	AvatarStatic    string     `json:"avatar_static"`
	Header          string     `json:"header"`
	HeaderStatic    string     `json:"header_static"`
	Locked          bool       `json:"locked"`
	Fields          []Field    `json:"fields"`
	Emojis          []struct{} `json:"emojis"`
	Bot             bool       `json:"bot"`
	Group           bool       `json:"group"`
	Discoverable    *bool      `json:"discoverable"`
	Indexable       bool       `json:"indexable"`
	Noindex         bool       `json:"noindex"`
	HideCollections bool       `json:"hide_collections"`
	Suspended       bool       `json:"suspended,omitempty"`
	Roles           []struct{} `json:"roles"`
	CreatedAt       string     `json:"created_at"`
	LastStatusAt    *string    `json:"last_status_at"`
	StatusesCount   int64      `json:"statuses_count"`
	FollowersCount  int64      `json:"followers_count"`
	FollowingCount  int64      `json:"following_count"`
	Source          *Source    `json:"source,omitempty"`
	// Role is the owner's role (CredentialAccount only).
	Role *Role `json:"role,omitempty"`
	// Publius carries extensions (membership badges) under its own key.
	Publius *AccountExtension `json:"publius,omitempty"`
}

// Field is a profile metadata row; VerifiedAt marks verified ones.
type Field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

// Source is the owner's view of their own profile (verify_credentials).
type Source struct {
	Note                string   `json:"note"`
	Fields              []Field  `json:"fields"`
	Privacy             string   `json:"privacy"`
	Sensitive           bool     `json:"sensitive"`
	Language            string   `json:"language"`
	FollowRequestsCount int      `json:"follow_requests_count"`
	HideCollections     bool     `json:"hide_collections"`
	Discoverable        *bool    `json:"discoverable"`
	Indexable           bool     `json:"indexable"`
	Attribution         []string `json:"attribution_domains"`
}

// Role is Mastodon's Role entity. Every account has the base role: admin
// powers live in the CLI, not the API.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Permissions string `json:"permissions"`
	Highlighted bool   `json:"highlighted"`
}

// AccountExtension holds Publius-only account data.
type AccountExtension struct {
	Badges []Badge `json:"badges"`
}

// Badge is a verified group membership shown on an account.
type Badge struct {
	Group        string `json:"group"`
	GroupName    string `json:"group_name"`
	AnonymitySet int64  `json:"anonymity_set"`
	VerifiedAt   string `json:"verified_at"`
}

// Status is Mastodon's Status entity.
type Status struct {
	ID                 string     `json:"id"`
	URI                string     `json:"uri"`
	URL                string     `json:"url"`
	CreatedAt          string     `json:"created_at"`
	EditedAt           *string    `json:"edited_at"`
	Account            *Account   `json:"account"`
	InReplyToID        *string    `json:"in_reply_to_id"`
	InReplyToAccountID *string    `json:"in_reply_to_account_id"`
	Reblog             *Status    `json:"reblog"`
	Content            string     `json:"content"`
	Text               *string    `json:"text,omitempty"`
	Visibility         string     `json:"visibility"`
	Sensitive          bool       `json:"sensitive"`
	SpoilerText        string     `json:"spoiler_text"`
	Language           *string    `json:"language"`
	MediaAttachments   []struct{} `json:"media_attachments"`
	Application        any        `json:"application,omitempty"`
	Mentions           []Mention  `json:"mentions"`
	Tags               []Tag      `json:"tags"`
	Emojis             []struct{} `json:"emojis"`
	RepliesCount       int64      `json:"replies_count"`
	ReblogsCount       int64      `json:"reblogs_count"`
	FavouritesCount    int64      `json:"favourites_count"`
	Favourited         *bool      `json:"favourited,omitempty"`
	Reblogged          *bool      `json:"reblogged,omitempty"`
	Muted              *bool      `json:"muted,omitempty"`
	Bookmarked         *bool      `json:"bookmarked,omitempty"`
	Pinned             *bool      `json:"pinned,omitempty"`
	Card               any        `json:"card"`
	Poll               any        `json:"poll"`
	Filtered           []struct{} `json:"filtered,omitempty"`
	// Publius carries a membership proof attached to the post, if any.
	Publius any `json:"publius,omitempty"`
}

// Mention is a mentioned account in a Status.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is a hashtag in a Status.
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

// Token is Mastodon's Token entity.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}

// Application is Mastodon's (Credential)Application entity.
type Application struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"`
	RedirectURIs []string `json:"redirect_uris"`
	VapidKey     string   `json:"vapid_key"`
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	// ClientSecretExpiresAt is 0: secrets do not expire (CredentialApplication).
	ClientSecretExpiresAt *int64 `json:"client_secret_expires_at,omitempty"`
}

const timeLayout = "2006-01-02T15:04:05.000Z"

// Presenter converts store records into API entities. Extensions (badges,
// post proofs) plug in through the hooks.
type Presenter struct {
	BaseURL string
	Host    string
	// AccountHook may add extension data and profile fields to an account.
	AccountHook func(ctx context.Context, a *store.Account, out *Account)
	// StatusHook may add extension data to a status.
	StatusHook func(ctx context.Context, s *store.Status, out *Status)
	// Preload runs once before a list is rendered and returns a context
	// carrying what the hooks need for the whole list, so that they do not
	// query once per item.
	Preload func(ctx context.Context, statuses []*store.Status, authorIDs []string) context.Context
}

// Account renders a; withSource adds the owner-only source block.
func (p *Presenter) Account(ctx context.Context, a *store.Account, withSource bool) *Account {
	profile := p.BaseURL + "/@" + a.Handle
	out := &Account{
		ID: a.ID, Username: a.Handle, Acct: a.Handle, URL: profile, URI: p.BaseURL + "/users/" + a.Handle,
		DisplayName: a.DisplayName, Note: noteHTML(a.Note),
		Avatar: p.BaseURL + "/static/avatar.png", AvatarStatic: p.BaseURL + "/static/avatar.png",
		Header: p.BaseURL + "/static/header.png", HeaderStatic: p.BaseURL + "/static/header.png",
		Fields: make([]Field, 0, len(a.Fields)), Emojis: []struct{}{}, Roles: []struct{}{},
		Bot: a.Bot, HideCollections: a.HideCollections, Suspended: a.Suspended,
		CreatedAt:     a.CreatedOn.UTC().Format(timeLayout),
		StatusesCount: a.StatusesCount, FollowersCount: a.FollowersCount, FollowingCount: a.FollowingCount,
	}
	for _, f := range a.Fields {
		out.Fields = append(out.Fields, Field{Name: f.Name, Value: linkify(f.Value)})
	}
	if a.LastStatusID != "" {
		if t, err := id.Time(a.LastStatusID); err == nil {
			day := t.Format("2006-01-02")
			out.LastStatusAt = &day
		}
	}
	if withSource {
		src := &Source{Note: a.Note, Fields: make([]Field, 0, len(a.Fields)), Privacy: store.VisibilityPublic,
			HideCollections: a.HideCollections, Attribution: []string{}}
		for _, f := range a.Fields {
			src.Fields = append(src.Fields, Field{Name: f.Name, Value: f.Value})
		}
		out.Source = src
		out.Role = &Role{ID: "-99", Permissions: "0"}
	}
	if p.AccountHook != nil {
		p.AccountHook(ctx, a, out)
	}
	return out
}

// noteHTML renders a plain-text bio as escaped paragraphs.
func noteHTML(note string) string {
	if strings.TrimSpace(note) == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(note, "\r\n", "\n"), "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>")
	}
	return b.String()
}

// linkify escapes a profile field value and links it when it is a URL.
func linkify(v string) string {
	if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
		if !strings.ContainsAny(v, " \t\n\"<>") {
			e := html.EscapeString(v)
			return `<a href="` + e + `" target="_blank" rel="nofollow noopener noreferrer me" translate="no">` + e + `</a>`
		}
	}
	return html.EscapeString(v)
}

// Statuses renders a list, loading authors and mentioned accounts in one
// batch. Statuses whose author is gone or suspended are skipped (the home
// timeline's query does not look at authors).
func (p *Presenter) Statuses(ctx context.Context, st store.Store, list []*store.Status, viewer *store.Account) ([]*Status, error) {
	need := map[string]bool{}
	for _, s := range list {
		need[s.AccountID] = true
		for _, m := range s.Mentions {
			need[m] = true
		}
	}
	ids := make([]string, 0, len(need))
	for k := range need {
		ids = append(ids, k)
	}
	accounts, err := st.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	if p.Preload != nil {
		authors := make([]string, 0, len(list))
		for _, s := range list {
			authors = append(authors, s.AccountID)
		}
		ctx = p.Preload(ctx, list, authors)
	}
	rendered := make(map[string]*Account, len(accounts))
	out := make([]*Status, 0, len(list))
	for _, s := range list {
		author := accounts[s.AccountID]
		if author == nil || author.Deleted || author.Suspended {
			continue
		}
		ra := rendered[author.ID]
		if ra == nil {
			ra = p.Account(ctx, author, false)
			rendered[author.ID] = ra
		}
		out = append(out, p.status(ctx, s, ra, accounts, viewer))
	}
	return out, nil
}

// Status renders one status.
func (p *Presenter) Status(ctx context.Context, st store.Store, s *store.Status, viewer *store.Account) (*Status, error) {
	list, err := p.Statuses(ctx, st, []*store.Status{s}, viewer)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, store.ErrNotFound
	}
	return list[0], nil
}

func (p *Presenter) status(ctx context.Context, s *store.Status, author *Account, accounts map[string]*store.Account, viewer *store.Account) *Status {
	created := ""
	if t, err := id.Time(s.ID); err == nil {
		created = t.Format(timeLayout)
	}
	url := p.BaseURL + "/@" + author.Username + "/" + s.ID
	out := &Status{
		ID: s.ID, URI: p.BaseURL + "/users/" + author.Username + "/statuses/" + s.ID, URL: url,
		CreatedAt: created, Account: author, Content: s.Content, Visibility: s.Visibility,
		Sensitive: s.Sensitive, SpoilerText: s.SpoilerText, MediaAttachments: []struct{}{},
		Mentions: []Mention{}, Tags: []Tag{}, Emojis: []struct{}{}, RepliesCount: s.RepliesCount,
	}
	if s.InReplyToID != "" {
		out.InReplyToID, out.InReplyToAccountID = ptr(s.InReplyToID), ptr(s.InReplyToAccountID)
	}
	if s.Language != "" {
		out.Language = ptr(s.Language)
	}
	for _, m := range s.Mentions {
		if a := accounts[m]; a != nil && !a.Deleted {
			out.Mentions = append(out.Mentions, Mention{ID: a.ID, Username: a.Handle, URL: p.BaseURL + "/@" + a.Handle, Acct: a.Handle})
		}
	}
	for _, t := range s.Tags {
		out.Tags = append(out.Tags, Tag{Name: t, URL: p.BaseURL + "/tags/" + t})
	}
	if viewer != nil {
		f := false
		out.Favourited, out.Reblogged, out.Muted, out.Bookmarked = &f, &f, &f, &f
		if viewer.ID == s.AccountID {
			out.Pinned = &f
		}
	}
	if p.StatusHook != nil {
		p.StatusHook(ctx, s, out)
	}
	return out
}

// RelationshipEntity renders one relationship.
func RelationshipEntity(targetID string, r store.Relationship) Relationship {
	return Relationship{ID: targetID, Following: r.Following, ShowingReblogs: r.Following, FollowedBy: r.FollowedBy,
		Languages: nil}
}

// TokenEntity renders a token with its secret.
func TokenEntity(secret string, t *store.Token) Token {
	return Token{AccessToken: secret, TokenType: "Bearer", Scope: strings.Join(t.Scopes, " "), CreatedAt: t.CreatedOn.Unix()}
}

// ApplicationEntity renders an app; withSecrets adds client credentials.
func ApplicationEntity(a *store.App, withSecrets bool) Application {
	out := Application{ID: a.ID, Name: a.Name, Scopes: a.Scopes, RedirectURI: strings.Join(a.RedirectURIs, "\n"),
		RedirectURIs: a.RedirectURIs, VapidKey: ""}
	if a.Website != "" {
		out.Website = ptr(a.Website)
	}
	if withSecrets {
		out.ClientID, out.ClientSecret, out.ClientSecretExpiresAt = a.ClientID, a.ClientSecret, ptr(int64(0))
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// dayString formats a date for verified_at-style fields.
func dayString(t time.Time) string { return t.UTC().Format(timeLayout) }
