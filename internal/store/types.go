package store

import "time"

// Account is a local account. It holds no email, phone, IP or login time.
type Account struct {
	ID              string
	Handle          string // canonical lower case
	DisplayName     string
	Note            string // plain text bio as written by the owner
	Fields          []Field
	HideCollections bool
	Bot             bool
	Admin           bool
	Suspended       bool
	Deleted         bool
	PassphraseHash  string
	// CreatedOn is the creation day (midnight UTC); nothing finer is kept.
	CreatedOn      time.Time
	FollowersCount int64
	FollowingCount int64
	StatusesCount  int64
	// LastStatusID is the newest status's ID, "" when none; clients get its day.
	LastStatusID string
}

// Field is one profile metadata row.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Profile is what an owner can change about an account. Nil means unchanged.
type Profile struct {
	DisplayName     *string
	Note            *string
	Fields          *[]Field
	HideCollections *bool
	Bot             *bool
}

// Visibility of a status.
const (
	VisibilityPublic   = "public"
	VisibilityUnlisted = "unlisted"
	VisibilityPrivate  = "private"
	// VisibilityDirect is only ever used by the system account for notices
	// (legal demands); members cannot send direct messages.
	VisibilityDirect = "direct"
)

// Status is a post.
type Status struct {
	ID                 string // time-sortable; its creation time is ID-derived
	AccountID          string
	Text               string // source as written
	Content            string // rendered, safe HTML
	SpoilerText        string
	Sensitive          bool
	Visibility         string
	Language           string
	InReplyToID        string
	InReplyToAccountID string
	Mentions           []string // mentioned account IDs
	Tags               []string // lower-case hashtag names
	RepliesCount       int64
}

// AccountStatusFilter narrows an account's statuses.
type AccountStatusFilter struct {
	IncludePrivate bool // viewer is the author or follows them
	ExcludeReplies bool
	OnlyPublic     bool // public only (no unlisted), e.g. for feeds
}

// Page is a Mastodon-style window over a list sorted by ID.
// MaxID and SinceID bound a newest-first page; MinID asks for the page
// immediately newer than MinID. Results are always returned newest first.
type Page struct {
	MaxID   string
	SinceID string
	MinID   string
	Limit   int
}

// Relationship between a viewer and one target account.
type Relationship struct {
	Following  bool
	FollowedBy bool
}

// FollowEdge is one row of a followers/following list; ID is the follow's
// own sortable ID, used for pagination.
type FollowEdge struct {
	ID      string
	Account *Account
}

// App is a registered OAuth client application.
type App struct {
	ID           string
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       []string
	ClientID     string
	ClientSecret string
}

// Token is an access token. Only the SHA-256 of the secret is stored.
type Token struct {
	Hash      string
	AppID     string
	AccountID string // "" for client_credentials tokens
	Scopes    []string
	CreatedOn time.Time // day only
}
