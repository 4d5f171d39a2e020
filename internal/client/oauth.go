package client

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
)

// OOBRedirect is the out-of-band redirect: the server shows the code.
const OOBRedirect = "urn:ietf:wg:oauth:2.0:oob"

// RegisterApp registers a client application (POST /api/v1/apps).
func (c *Client) RegisterApp(ctx context.Context, name, redirectURI, scopes, website string) (*Application, error) {
	form := url.Values{"client_name": {name}, "redirect_uris": {redirectURI}, "scopes": {scopes}}
	if website != "" {
		form.Set("website", website)
	}
	var app Application
	if _, err := c.do(ctx, request{method: "POST", path: "/api/v1/apps", form: form, noAuth: true}, &app); err != nil {
		return nil, err
	}
	return &app, nil
}

// PKCE is a proof key (RFC 7636): the verifier stays here, the S256
// challenge goes into the authorize URL.
type PKCE struct {
	Verifier  string
	Challenge string
}

// NewPKCE makes a fresh verifier (43 characters, 256 bits) and its challenge.
func NewPKCE() PKCE {
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	return PKCE{Verifier: v, Challenge: S256(v)}
}

// S256 is the PKCE S256 transform of a verifier.
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AuthorizeURL is the page where the user approves app for scopes.
func (c *Client) AuthorizeURL(clientID, redirectURI, scopes string, p PKCE, state string) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"scope": {scopes}, "code_challenge": {p.Challenge}, "code_challenge_method": {"S256"},
	}
	if state != "" {
		q.Set("state", state)
	}
	return c.Server + "/oauth/authorize?" + q.Encode()
}

// ExchangeCode trades an authorization code for a token (POST /oauth/token).
func (c *Client) ExchangeCode(ctx context.Context, app *Application, code, redirectURI, verifier, scopes string) (*Token, error) {
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "code_verifier": {verifier},
		"scope": {scopes},
	}
	var t Token
	if _, err := c.do(ctx, request{method: "POST", path: "/oauth/token", form: form, noAuth: true}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Revoke invalidates token (POST /oauth/revoke).
func (c *Client) Revoke(ctx context.Context, clientID, clientSecret, token string) error {
	form := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "token": {token}}
	_, err := c.do(ctx, request{method: "POST", path: "/oauth/revoke", form: form, noAuth: true}, nil)
	return err
}
