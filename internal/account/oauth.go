package account

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"publius/internal/store"
)

// OOBRedirect is the out-of-band redirect URI: the code is shown, not sent.
const OOBRedirect = "urn:ietf:wg:oauth:2.0:oob"

// OAuth errors (RFC 6749 codes are chosen by the handler).
var (
	ErrInvalidClient   = errors.New("client authentication failed")
	ErrInvalidGrant    = errors.New("the authorization code is invalid, expired, used, or was issued to another client")
	ErrInvalidRedirect = errors.New("redirect_uri is not registered for this application")
	ErrInvalidScope    = errors.New("the requested scope is invalid or exceeds the application's scopes")
	ErrInvalidApp      = errors.New("invalid application")
)

// AppRequest registers a client application.
type AppRequest struct {
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       string
}

// CreateApp validates and stores a client application.
func (s *Service) CreateApp(ctx context.Context, r AppRequest) (*store.App, error) {
	name := strings.TrimSpace(r.Name)
	if name == "" || len(name) > 200 {
		return nil, fmt.Errorf("%w: client_name must be 1-200 characters", ErrInvalidApp)
	}
	if len(r.RedirectURIs) == 0 {
		return nil, fmt.Errorf("%w: redirect_uris is required", ErrInvalidApp)
	}
	var uris []string
	for _, raw := range r.RedirectURIs {
		for _, u := range strings.Fields(raw) {
			if err := checkRedirectURI(u); err != nil {
				return nil, err
			}
			uris = append(uris, u)
		}
	}
	if len(uris) == 0 {
		return nil, fmt.Errorf("%w: redirect_uris is required", ErrInvalidApp)
	}
	scopes, err := ParseScopes(r.Scopes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidApp, err)
	}
	if r.Website != "" {
		if u, err := url.Parse(r.Website); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("%w: website must be an http(s) URL", ErrInvalidApp)
		}
	}
	app := &store.App{Name: name, Website: r.Website, RedirectURIs: uris, Scopes: scopes,
		ClientID: randomToken(32), ClientSecret: randomToken(32)}
	if err := s.store.CreateApp(ctx, app); err != nil {
		return nil, err
	}
	return app, nil
}

func checkRedirectURI(u string) error {
	if u == OOBRedirect {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Fragment != "" || len(u) > 2000 {
		return fmt.Errorf("%w: redirect URI %q must be absolute, without fragment", ErrInvalidApp, u)
	}
	if p.Scheme == "javascript" || p.Scheme == "data" {
		return fmt.Errorf("%w: redirect URI scheme %q is not allowed", ErrInvalidApp, p.Scheme)
	}
	return nil
}

// AuthenticateClient checks client_id and client_secret. A public client
// using PKCE may omit the secret (allowPublic).
func (s *Service) AuthenticateClient(ctx context.Context, clientID, clientSecret string, allowPublic bool) (*store.App, error) {
	app, err := s.store.AppByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if clientSecret == "" && allowPublic {
		return app, nil
	}
	if subtle.ConstantTimeCompare([]byte(clientSecret), []byte(app.ClientSecret)) != 1 {
		return nil, ErrInvalidClient
	}
	return app, nil
}

// AuthRequest is a validated /oauth/authorize request.
type AuthRequest struct {
	App                 *store.App
	RedirectURI         string
	Scopes              []string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// CheckAuthRequest validates authorize parameters against the app.
func (s *Service) CheckAuthRequest(ctx context.Context, clientID, redirectURI, scope, state, challenge, method string) (*AuthRequest, error) {
	app, err := s.store.AppByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if redirectURI == "" && len(app.RedirectURIs) == 1 {
		redirectURI = app.RedirectURIs[0]
	}
	if !slices.Contains(app.RedirectURIs, redirectURI) {
		return nil, ErrInvalidRedirect
	}
	scopes, err := ParseScopes(scope)
	if err != nil || !SubsetOf(scopes, app.Scopes) {
		return nil, ErrInvalidScope
	}
	if challenge != "" {
		if method == "" {
			method = "plain"
		}
		if method != "S256" {
			return nil, fmt.Errorf("%w: only code_challenge_method=S256 is supported", ErrInvalidGrant)
		}
		if len(challenge) < 43 || len(challenge) > 128 {
			return nil, fmt.Errorf("%w: code_challenge must be 43-128 characters", ErrInvalidGrant)
		}
	}
	return &AuthRequest{App: app, RedirectURI: redirectURI, Scopes: scopes, State: state,
		CodeChallenge: challenge, CodeChallengeMethod: method}, nil
}

// CodeTTL is how long an authorization code stays valid.
const CodeTTL = 10 * time.Minute

// codePayload is sealed inside the authorization code; nothing is stored.
type codePayload struct {
	ClientID  string   `json:"c"`
	AccountID string   `json:"a"`
	Redirect  string   `json:"r"`
	Scopes    []string `json:"s"`
	Challenge string   `json:"p,omitempty"`
	Expires   int64    `json:"e"`
	Nonce     string   `json:"n"`
}

// Codes issues and redeems sealed authorization codes. Only the sealing key
// (shared by all nodes through the store) and, for a day, the hashes of
// codes already redeemed are kept.
type Codes struct {
	svc  *Service
	aead cipher.AEAD
}

// NewCodes loads or creates the sealing key.
func (s *Service) NewCodes(ctx context.Context) (*Codes, error) {
	key, err := s.store.Secret(ctx, "oauth-code-key", func() ([]byte, error) {
		k := make([]byte, 32)
		_, err := rand.Read(k)
		return k, err
	})
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Codes{svc: s, aead: aead}, nil
}

// Issue seals a code for the account's approval of req.
func (c *Codes) Issue(req *AuthRequest, accountID string) (string, error) {
	p := codePayload{ClientID: req.App.ClientID, AccountID: accountID, Redirect: req.RedirectURI,
		Scopes: req.Scopes, Challenge: req.CodeChallenge, Expires: c.svc.now().Add(CodeTTL).Unix(), Nonce: randomToken(9)}
	plain, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := c.aead.Seal(nonce, nonce, plain, []byte("publius-oauth-code"))
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Redeem opens a code once, checking client, redirect URI and PKCE verifier,
// and issues the account's token.
func (c *Codes) Redeem(ctx context.Context, app *store.App, code, redirectURI, verifier string) (string, *store.Token, error) {
	raw, err := base64.RawURLEncoding.DecodeString(code)
	if err != nil || len(raw) < c.aead.NonceSize()+c.aead.Overhead() {
		return "", nil, ErrInvalidGrant
	}
	ns := c.aead.NonceSize()
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], []byte("publius-oauth-code"))
	if err != nil {
		return "", nil, ErrInvalidGrant
	}
	var p codePayload
	if err := json.Unmarshal(plain, &p); err != nil {
		return "", nil, ErrInvalidGrant
	}
	now := c.svc.now().Unix()
	if now > p.Expires || p.ClientID != app.ClientID {
		return "", nil, ErrInvalidGrant
	}
	// RFC 6749 §4.1.3: the redirect_uri of the authorization request must
	// be repeated, identically.
	if redirectURI != p.Redirect {
		return "", nil, fmt.Errorf("%w: redirect_uri does not match the authorization request", ErrInvalidGrant)
	}
	if p.Challenge != "" {
		sum := sha256.Sum256([]byte(verifier))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != p.Challenge {
			return "", nil, fmt.Errorf("%w: PKCE verification failed", ErrInvalidGrant)
		}
	} else if verifier != "" {
		return "", nil, fmt.Errorf("%w: code_verifier given but no code_challenge was", ErrInvalidGrant)
	}
	hash := sha256.Sum256(raw)
	fresh, err := c.svc.store.SpendCode(ctx, hash[:], c.svc.now())
	if err != nil {
		return "", nil, err
	}
	if !fresh {
		return "", nil, fmt.Errorf("%w: code already used", ErrInvalidGrant)
	}
	a, err := c.svc.store.AccountByID(ctx, p.AccountID)
	if err != nil || a.Deleted || a.Suspended {
		return "", nil, ErrInvalidGrant
	}
	return c.svc.IssueToken(ctx, app.ID, p.AccountID, p.Scopes)
}
