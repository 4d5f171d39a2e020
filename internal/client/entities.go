package client

import "encoding/json"

// Account is the part of Mastodon's Account entity the CLI uses.
type Account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"`
	DisplayName    string `json:"display_name"`
	URL            string `json:"url"`
	Note           string `json:"note"`
	StatusesCount  int64  `json:"statuses_count"`
	FollowersCount int64  `json:"followers_count"`
	FollowingCount int64  `json:"following_count"`
}

// Status is the part of Mastodon's Status entity the CLI uses. Raw keeps
// the whole object as the server sent it, for --json output.
type Status struct {
	ID          string          `json:"id"`
	URI         string          `json:"uri"`
	URL         *string         `json:"url"`
	CreatedAt   string          `json:"created_at"`
	Account     Account         `json:"account"`
	InReplyToID *string         `json:"in_reply_to_id"`
	Reblog      *Status         `json:"reblog"`
	Content     string          `json:"content"`
	Visibility  string          `json:"visibility"`
	Sensitive   bool            `json:"sensitive"`
	SpoilerText string          `json:"spoiler_text"`
	Raw         json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a status and keeps its raw bytes.
func (s *Status) UnmarshalJSON(b []byte) error {
	type plain Status
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	s.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Link returns the status's web URL, or its URI when it has none.
func (s *Status) Link() string {
	if s.URL != nil && *s.URL != "" {
		return *s.URL
	}
	return s.URI
}

// Relationship is Mastodon's Relationship entity (the fields we show).
type Relationship struct {
	ID         string `json:"id"`
	Following  bool   `json:"following"`
	FollowedBy bool   `json:"followed_by"`
	Requested  bool   `json:"requested"`
	Blocking   bool   `json:"blocking"`
	BlockedBy  bool   `json:"blocked_by"`
}

// Application is a registered app with its client credentials.
type Application struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Token is an OAuth access token.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}

// Instance is the part of /api/v1/instance the CLI shows.
type Instance struct {
	URI     string `json:"uri"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

// NodeInfo is the part of a NodeInfo 2.x document the CLI reads.
type NodeInfo struct {
	Version  string `json:"version"`
	Software struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"software"`
}
