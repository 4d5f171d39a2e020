package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// VerifyCredentials returns the token's account.
func (c *Client) VerifyCredentials(ctx context.Context) (*Account, error) {
	var a Account
	if _, err := c.do(ctx, request{method: "GET", path: "/api/v1/accounts/verify_credentials"}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Lookup finds an account by acct ("alice" or "alice@example.org"; a
// leading @ is ignored).
func (c *Client) Lookup(ctx context.Context, acct string) (*Account, error) {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	if acct == "" {
		return nil, errors.New("empty account name")
	}
	var a Account
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/accounts/lookup", query: url.Values{"acct": {acct}}}, &a)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// NewStatus is a post to publish.
type NewStatus struct {
	Text        string
	Visibility  string // public, unlisted, private, direct; "" for the account default
	SpoilerText string
	InReplyToID string
}

// PostStatus publishes s. The idempotency key makes a retry safe: the
// server returns the first status instead of posting twice. A request that
// may have reached the server is retried once with the same key.
func (c *Client) PostStatus(ctx context.Context, s NewStatus, idempotencyKey string) (*Status, error) {
	form := url.Values{"status": {s.Text}}
	if s.Visibility != "" {
		form.Set("visibility", s.Visibility)
	}
	if s.SpoilerText != "" {
		form.Set("spoiler_text", s.SpoilerText)
	}
	if s.InReplyToID != "" {
		form.Set("in_reply_to_id", s.InReplyToID)
	}
	r := request{method: "POST", path: "/api/v1/statuses", form: form}
	if idempotencyKey != "" {
		r.headers = map[string]string{"Idempotency-Key": idempotencyKey}
	}
	var out Status
	_, err := c.do(ctx, r, &out)
	var netErr *NetworkError
	if idempotencyKey != "" && errors.As(err, &netErr) && !isDialError(err) {
		select {
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return nil, err
		}
		_, err = c.do(ctx, r, &out)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Page selects a slice of a timeline (Mastodon pagination).
type Page struct {
	MaxID string
	MinID string
	Limit int // 0: the server's default
}

func (p Page) query() url.Values {
	q := url.Values{}
	if p.MaxID != "" {
		q.Set("max_id", p.MaxID)
	}
	if p.MinID != "" {
		q.Set("min_id", p.MinID)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	return q
}

// Statuses is one page of a timeline. NextMaxID continues to older posts
// (from the Link header); it is empty on the last page.
type Statuses struct {
	Statuses  []Status
	NextMaxID string
}

// HomeTimeline is the caller's home timeline.
func (c *Client) HomeTimeline(ctx context.Context, p Page) (*Statuses, error) {
	return c.timeline(ctx, "/api/v1/timelines/home", p.query())
}

// PublicTimeline is the public timeline; local limits it to this server.
func (c *Client) PublicTimeline(ctx context.Context, p Page, local bool) (*Statuses, error) {
	q := p.query()
	if local {
		q.Set("local", "true")
	}
	return c.timeline(ctx, "/api/v1/timelines/public", q)
}

// AccountStatuses is an account's posts, newest first.
func (c *Client) AccountStatuses(ctx context.Context, accountID string, p Page) (*Statuses, error) {
	return c.timeline(ctx, "/api/v1/accounts/"+url.PathEscape(accountID)+"/statuses", p.query())
}

func (c *Client) timeline(ctx context.Context, path string, q url.Values) (*Statuses, error) {
	var list []Status
	h, err := c.do(ctx, request{method: "GET", path: path, query: q}, &list)
	if err != nil {
		return nil, err
	}
	out := &Statuses{Statuses: list}
	if next := linkRel(h, "next"); next != "" && len(list) > 0 {
		if u, err := url.Parse(next); err == nil {
			out.NextMaxID = u.Query().Get("max_id")
		}
	}
	return out, nil
}

// linkRel returns the URL of the Link header entry with rel, or "".
func linkRel(h http.Header, rel string) string {
	for _, v := range h.Values("Link") {
		for part := range strings.SplitSeq(v, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "rel") && strings.Trim(v, `"`) == rel {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

// Follow follows an account.
func (c *Client) Follow(ctx context.Context, accountID string) (*Relationship, error) {
	return c.relationshipCall(ctx, accountID, "follow")
}

// Unfollow stops following an account.
func (c *Client) Unfollow(ctx context.Context, accountID string) (*Relationship, error) {
	return c.relationshipCall(ctx, accountID, "unfollow")
}

func (c *Client) relationshipCall(ctx context.Context, accountID, verb string) (*Relationship, error) {
	var rel Relationship
	path := "/api/v1/accounts/" + url.PathEscape(accountID) + "/" + verb
	if _, err := c.do(ctx, request{method: "POST", path: path, form: url.Values{}}, &rel); err != nil {
		return nil, err
	}
	return &rel, nil
}

// Relationships returns the caller's relationships with the accounts.
func (c *Client) Relationships(ctx context.Context, accountIDs ...string) ([]Relationship, error) {
	var out []Relationship
	q := url.Values{"id[]": accountIDs}
	if _, err := c.do(ctx, request{method: "GET", path: "/api/v1/accounts/relationships", query: q}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Instance returns /api/v1/instance.
func (c *Client) Instance(ctx context.Context) (*Instance, error) {
	var in Instance
	if _, err := c.do(ctx, request{method: "GET", path: "/api/v1/instance", noAuth: true}, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// NodeInfo follows /.well-known/nodeinfo to the newest 2.x document it lists.
func (c *Client) NodeInfo(ctx context.Context) (*NodeInfo, error) {
	var index struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if _, err := c.do(ctx, request{method: "GET", path: "/.well-known/nodeinfo", noAuth: true}, &index); err != nil {
		return nil, err
	}
	href, best := "", ""
	for _, l := range index.Links {
		if strings.HasPrefix(l.Rel, "http://nodeinfo.diaspora.software/ns/schema/2.") && l.Rel > best {
			href, best = l.Href, l.Rel
		}
	}
	if href == "" {
		return nil, errors.New("the server lists no NodeInfo 2.x document")
	}
	// Only follow a link to this server's own host: the index could point
	// anywhere, and we have no reason to contact another host.
	u, err := url.Parse(href)
	base, _ := url.Parse(c.Server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() != base.Hostname() {
		return nil, errors.New("the server's NodeInfo link points to another host")
	}
	var ni NodeInfo
	if _, err := c.do(ctx, request{method: "GET", url: u.String(), noAuth: true}, &ni); err != nil {
		return nil, err
	}
	return &ni, nil
}
