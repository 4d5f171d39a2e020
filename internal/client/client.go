// Package client is a small client for the public Mastodon client API,
// used by the publius command line. It speaks only what any Mastodon-API
// server offers; the one Publius-specific helper (completing the
// authorization form, in publius.go) is optional.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to one server, optionally with a bearer token.
type Client struct {
	// Server is the base URL, e.g. https://example.org (no trailing slash).
	Server string
	// Token is the bearer token sent with every request when not empty.
	Token string
	// HTTP is the underlying client; New sets one with a timeout.
	HTTP *http.Client
}

// maxBody bounds what we read from a server, so a broken or hostile one
// cannot exhaust memory.
const maxBody = 8 << 20

// New returns a client for server. A bare host ("example.org") means https.
func New(server, token string) (*Client, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return nil, err
	}
	return &Client{Server: base, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}, nil
}

// NormalizeServer turns user input into a base URL: a missing scheme is
// https (http for a loopback address, where test servers run), a trailing
// slash is dropped, and queries, fragments and user info are refused.
func NormalizeServer(server string) (string, error) {
	s := strings.TrimSpace(server)
	if s == "" {
		return "", errors.New("server URL is empty")
	}
	if !strings.Contains(s, "://") {
		scheme := "https://"
		if u, err := url.Parse("//" + s); err == nil && isLoopback(u.Hostname()) {
			scheme = "http://"
		}
		s = scheme + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("server %q is not an http(s) URL", server)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("server %q must be a plain base URL such as https://example.org", server)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String(), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Error is an answer from the server with a non-2xx status. Message is
// the server's "error" text; OAuth errors also carry a Description.
type Error struct {
	Status      int
	Message     string
	Description string
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return fmt.Sprintf("%s (HTTP %d)", msg, e.Status)
}

// NetworkError means the server could not be reached or did not answer.
type NetworkError struct {
	Server string
	Err    error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("could not reach %s: %v", e.Server, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// IsStatus reports whether err is a server answer with the given status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// decodeError builds an Error from a failed response body. Servers answer
// {"error": "..."} (Mastodon), sometimes with error_description (OAuth);
// anything else falls back to the HTTP status text and a short excerpt.
func decodeError(status int, body []byte) *Error {
	var m struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &m) == nil {
		// Some servers send {"error": {"message": ...}}; take any message.
		switch v := m.Error.(type) {
		case string:
			if v != "" {
				return &Error{Status: status, Message: v, Description: m.Description}
			}
		case map[string]any:
			if s, ok := v["message"].(string); ok && s != "" {
				return &Error{Status: status, Message: s, Description: m.Description}
			}
		}
	}
	msg := http.StatusText(status)
	if msg == "" {
		msg = "unexpected status"
	}
	// A short plain-text body (a proxy's "Bad Gateway" page) helps; HTML does not.
	text := strings.TrimSpace(string(body))
	if text != "" && len(text) <= 200 && !strings.HasPrefix(text, "<") && !strings.HasPrefix(text, "{") {
		msg += ": " + text
	}
	return &Error{Status: status, Message: msg}
}

// request is one API call.
type request struct {
	method  string
	path    string // joined to Server
	url     string // an absolute URL instead of path
	query   url.Values
	form    url.Values // sent form-encoded when not nil
	headers map[string]string
	noAuth  bool
}

// do sends r and decodes a JSON answer into out (when not nil). It returns
// the response headers for callers that read Link.
func (c *Client) do(ctx context.Context, r request, out any) (http.Header, error) {
	u := c.Server + r.path
	if r.url != "" {
		u = r.url
	}
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, err
	}
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" && !r.noAuth {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, &NetworkError{Server: c.Server, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, &NetworkError{Server: c.Server, Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, decodeError(resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: the server sent a response that is not the expected JSON: %w", r.method, r.path, err)
		}
	}
	return resp.Header, nil
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// unwrapURLError drops url.Error's "Get URL:" prefix: NetworkError names
// the server already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// isDialError reports whether the request never left this machine, so a
// retry cannot duplicate anything.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
