// Package account holds handles, passphrases (argon2id), access tokens,
// scopes and OAuth client applications. Accounts are a handle and a
// passphrase: no email, no phone, no login times.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"publius/internal/id"
	"publius/internal/store"
)

// Errors callers map to API statuses.
var (
	ErrInvalidHandle   = errors.New("handle must be 1-30 characters: a-z, 0-9 and _")
	ErrHandleTaken     = errors.New("handle is taken")
	ErrBadCredentials  = errors.New("invalid handle or passphrase")
	ErrSuspended       = errors.New("account is suspended")
	ErrInvalidToken    = errors.New("the access token is invalid")
	ErrInvalidProfile  = errors.New("invalid profile")
	ErrReservedHandle  = errors.New("handle is reserved")
	ErrAccountNotFound = store.ErrNotFound
)

var handlePattern = regexp.MustCompile(`^[a-z0-9_]{1,30}$`)

// reserved handles name the system accounts and common confusables.
var reserved = map[string]bool{
	"admin": true, "administrator": true, "legal": true, "root": true, "support": true,
	"publius": true, "system": true, "moderator": true, "security": true, "abuse": true,
}

// NormalizeHandle lower-cases h, strips a leading @, and validates it.
func NormalizeHandle(h string) (string, error) {
	h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
	if !handlePattern.MatchString(h) {
		return "", ErrInvalidHandle
	}
	return h, nil
}

// Service manages accounts and tokens over a store.
type Service struct {
	store store.Store
	now   func() time.Time
}

// NewService returns a Service; now is injectable for tests (nil: wall clock).
func NewService(s store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// Today is the current calendar day (UTC midnight): the only time Publius
// attaches to accounts and tokens.
func (s *Service) Today() time.Time {
	t := s.now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Registration is a new account's handle and passphrase.
type Registration struct {
	Handle     string
	Passphrase string
	Admin      bool
	// AllowReserved lets the operator create system accounts like @legal.
	AllowReserved bool
}

// Register creates an account.
func (s *Service) Register(ctx context.Context, r Registration) (*store.Account, error) {
	handle, err := NormalizeHandle(r.Handle)
	if err != nil {
		return nil, err
	}
	if reserved[handle] && !r.AllowReserved {
		return nil, ErrReservedHandle
	}
	if err := CheckPassphrase(r.Passphrase); err != nil {
		return nil, err
	}
	hash, err := HashPassphrase(r.Passphrase)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		a := &store.Account{
			ID: id.AccountID(s.Today()), Handle: handle, Admin: r.Admin,
			PassphraseHash: hash, CreatedOn: s.Today(),
		}
		err = s.store.CreateAccount(ctx, a)
		if errors.Is(err, store.ErrConflict) {
			// A random-ID collision is astronomically rare; a taken handle is not.
			if _, lookErr := s.store.AccountByHandle(ctx, handle); lookErr == nil || attempt > 3 {
				return nil, ErrHandleTaken
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return s.store.AccountByID(ctx, a.ID)
	}
}

// Authenticate checks a handle and passphrase; it takes about as long for
// unknown handles as for known ones.
func (s *Service) Authenticate(ctx context.Context, handle, passphrase string) (*store.Account, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		VerifyPassphrase(passphrase, dummyHash)
		return nil, ErrBadCredentials
	}
	a, err := s.store.AccountByHandle(ctx, h)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.Deleted) {
		VerifyPassphrase(passphrase, dummyHash)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if !VerifyPassphrase(passphrase, a.PassphraseHash) {
		return nil, ErrBadCredentials
	}
	if a.Suspended {
		return nil, ErrSuspended
	}
	return a, nil
}

// ChangePassphrase replaces the passphrase and revokes all other tokens.
func (s *Service) ChangePassphrase(ctx context.Context, accountID, newPassphrase string) error {
	if err := CheckPassphrase(newPassphrase); err != nil {
		return err
	}
	hash, err := HashPassphrase(newPassphrase)
	if err != nil {
		return err
	}
	if err := s.store.SetPassphraseHash(ctx, accountID, hash); err != nil {
		return err
	}
	return s.store.DeleteAccountTokens(ctx, accountID)
}

// Profile limits, as on Mastodon.
const (
	MaxDisplayName = 30
	MaxNote        = 500
	MaxFields      = 4
	MaxFieldLen    = 255
)

// ValidateProfile checks lengths of a profile update.
func ValidateProfile(p store.Profile) error {
	if p.DisplayName != nil && utf8.RuneCountInString(*p.DisplayName) > MaxDisplayName {
		return fmt.Errorf("%w: display name is longer than %d characters", ErrInvalidProfile, MaxDisplayName)
	}
	if p.Note != nil && utf8.RuneCountInString(*p.Note) > MaxNote {
		return fmt.Errorf("%w: note is longer than %d characters", ErrInvalidProfile, MaxNote)
	}
	if p.Fields != nil {
		if len(*p.Fields) > MaxFields {
			return fmt.Errorf("%w: at most %d profile fields", ErrInvalidProfile, MaxFields)
		}
		for _, f := range *p.Fields {
			if utf8.RuneCountInString(f.Name) > MaxFieldLen || utf8.RuneCountInString(f.Value) > MaxFieldLen {
				return fmt.Errorf("%w: profile fields are limited to %d characters", ErrInvalidProfile, MaxFieldLen)
			}
		}
	}
	return nil
}

// Delete removes an account for good after checking its passphrase.
func (s *Service) Delete(ctx context.Context, accountID, passphrase string) error {
	a, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return err
	}
	if !VerifyPassphrase(passphrase, a.PassphraseHash) {
		return ErrBadCredentials
	}
	return s.store.DeleteAccount(ctx, accountID)
}

// randomToken returns n random bytes as unpadded base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("account: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the stored form of a token secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IssueToken creates an access token for app (and account, unless "") and
// returns its secret, which is shown once and never stored.
func (s *Service) IssueToken(ctx context.Context, appID, accountID string, scopes []string) (string, *store.Token, error) {
	secret := randomToken(32)
	t := &store.Token{Hash: HashToken(secret), AppID: appID, AccountID: accountID, Scopes: scopes, CreatedOn: s.Today()}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Caller is who a request acts as.
type Caller struct {
	Token   *store.Token
	App     *store.App
	Account *store.Account // nil for app-only tokens
}

// ResolveToken looks up a bearer token; suspended and deleted accounts'
// tokens are invalid.
func (s *Service) ResolveToken(ctx context.Context, secret string) (*Caller, error) {
	if secret == "" || len(secret) > 512 {
		return nil, ErrInvalidToken
	}
	t, err := s.store.TokenByHash(ctx, HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	app, err := s.store.AppByID(ctx, t.AppID)
	if err != nil {
		return nil, fmt.Errorf("token's app: %w", err)
	}
	c := &Caller{Token: t, App: app}
	if t.AccountID != "" {
		a, err := s.store.AccountByID(ctx, t.AccountID)
		if err != nil {
			return nil, ErrInvalidToken
		}
		if a.Suspended || a.Deleted {
			return nil, ErrSuspended
		}
		c.Account = a
	}
	return c, nil
}

// RevokeToken deletes a token by its secret; unknown tokens are not an error
// (RFC 7009).
func (s *Service) RevokeToken(ctx context.Context, secret string) error {
	return s.store.DeleteToken(ctx, HashToken(secret))
}
