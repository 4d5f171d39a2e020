// Package store defines the storage interface and domain types that the rest
// of Publius uses. Backends (sqlite, postgres) implement Store and must pass
// the conformance suite in store/storetest.
//
// The schema is where the privacy rules of DESIGN.md are enforced: no column
// holds an IP address, user agent, email address, or a time finer than a day
// attached to an account, token or follow. Status IDs carry their creation
// time (posts are public and timestamped); account IDs carry only the day.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors every backend returns, so callers can map them to HTTP statuses.
var (
	ErrNotFound = errors.New("record not found")
	ErrConflict = errors.New("record already exists")
)

// Store is the whole storage interface.
type Store interface {
	Accounts
	Statuses
	Follows
	OAuth
	Secrets
	Legal
	Notifications
	Membership
	// Scrub makes deleted data unrecoverable from the backend's files (for
	// SQLite: checkpoint and truncate the WAL after secure_delete).
	Scrub(ctx context.Context) error
	Close() error
}

// Accounts stores local accounts.
type Accounts interface {
	// CreateAccount inserts a; ErrConflict when the handle is taken, also by
	// a deleted account (handles stay reserved).
	CreateAccount(ctx context.Context, a *Account) error
	AccountByID(ctx context.Context, id string) (*Account, error)
	// AccountByHandle matches case-insensitively.
	AccountByHandle(ctx context.Context, handle string) (*Account, error)
	AccountsByIDs(ctx context.Context, ids []string) (map[string]*Account, error)
	UpdateProfile(ctx context.Context, id string, p Profile) error
	SetPassphraseHash(ctx context.Context, id, hash string) error
	SetSuspended(ctx context.Context, id string, suspended bool) error
	SetAdmin(ctx context.Context, id string, admin bool) error
	// DeleteAccount removes the account's statuses, follows (both ways),
	// tokens and profile, and keeps only a tombstone that reserves the handle.
	DeleteAccount(ctx context.Context, id string) error
	// CountAccounts counts live (not deleted) accounts.
	CountAccounts(ctx context.Context) (int64, error)
	// SearchAccounts finds accounts that are neither deleted nor suspended:
	// first those whose handle starts with query (ignoring case), in handle
	// order, then those whose display name starts with it (ignoring ASCII
	// case), in display-name order. It skips offset matches and returns at
	// most limit; an empty query matches nothing.
	SearchAccounts(ctx context.Context, query string, offset, limit int) ([]*Account, error)
}

// Statuses stores posts and reads timelines. Timelines are fan-out-on-read.
type Statuses interface {
	// CreateStatus inserts s and bumps the author's counters. With a
	// non-empty idempotency key already used by the same author, it stores
	// nothing and returns the status created the first time. ErrNotFound
	// when the author is unknown or deleted; ErrConflict when s.ID is taken.
	CreateStatus(ctx context.Context, s *Status, idempotencyKey string) (*Status, error)
	StatusByID(ctx context.Context, id string) (*Status, error)
	// DeleteStatus removes the status; replies keep their in_reply_to IDs.
	DeleteStatus(ctx context.Context, id string) error
	// AccountStatuses lists an author's statuses newest first.
	AccountStatuses(ctx context.Context, accountID string, f AccountStatusFilter, p Page) ([]*Status, error)
	// HomeTimeline lists statuses of viewerID and of the accounts it follows.
	HomeTimeline(ctx context.Context, viewerID string, p Page) ([]*Status, error)
	// PublicTimeline lists public statuses of all local accounts.
	PublicTimeline(ctx context.Context, p Page) ([]*Status, error)
	// TagTimeline lists public statuses tagged with tag (lower case) of
	// accounts that are not suspended.
	TagTimeline(ctx context.Context, tag string, p Page) ([]*Status, error)
	// Ancestors lists the statuses s replies to, oldest first.
	Ancestors(ctx context.Context, s *Status, limit int) ([]*Status, error)
	// Descendants lists replies to s and their replies, oldest first.
	Descendants(ctx context.Context, s *Status, limit int) ([]*Status, error)
	CountStatuses(ctx context.Context) (int64, error)
	// SearchTags lists, in name order, the hashtags starting with prefix
	// (compared in lower case) that are on at least one public status of
	// an account that is not suspended. It skips offset names and returns
	// at most limit; an empty prefix matches nothing.
	SearchTags(ctx context.Context, prefix string, offset, limit int) ([]string, error)
	// AccountIdempotencyKeys lists the client-chosen idempotency keys kept
	// for an account's statuses, as key → status ID (disclosure export).
	AccountIdempotencyKeys(ctx context.Context, accountID string) (map[string]string, error)
}

// Follows stores the follow graph and keeps exact counters.
type Follows interface {
	// Follow makes followerID follow targetID; following twice is a no-op.
	// ErrNotFound when either account is unknown or deleted.
	Follow(ctx context.Context, followerID, targetID string) error
	// Unfollow is a no-op when there is no such follow.
	Unfollow(ctx context.Context, followerID, targetID string) error
	// Relationships says, for each target, whether accountID follows it and
	// whether it follows accountID.
	Relationships(ctx context.Context, accountID string, targetIDs []string) (map[string]Relationship, error)
	// Followers lists accounts following accountID, most recent follow first.
	Followers(ctx context.Context, accountID string, p Page) ([]FollowEdge, error)
	// Following lists accounts accountID follows, most recent follow first.
	Following(ctx context.Context, accountID string, p Page) ([]FollowEdge, error)
	// FollowerHistory lists the stored days of accountID's follower-count
	// history within [from, to] (compared as UTC calendar days), oldest
	// first. A day without a row means "unchanged since the previous row";
	// before the first row the count is unknown. See DayCount for when rows
	// are written. An unknown or deleted account has no history (empty, no
	// error).
	FollowerHistory(ctx context.Context, accountID string, from, to time.Time) ([]DayCount, error)
}

// OAuth stores client applications and access tokens. Authorization codes
// are sealed, self-contained values (package account); only the hashes of
// redeemed ones are kept, for a day, so that each works once on any node.
type OAuth interface {
	CreateApp(ctx context.Context, a *App) error
	AppByClientID(ctx context.Context, clientID string) (*App, error)
	AppByID(ctx context.Context, id string) (*App, error)
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash finds a token by the SHA-256 of its secret.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	DeleteToken(ctx context.Context, hash string) error
	// DeleteAccountTokens revokes every token of an account.
	DeleteAccountTokens(ctx context.Context, accountID string) error
	// AccountTokens lists an account's tokens, oldest day first (for the
	// disclosure export: what exists must be producible).
	AccountTokens(ctx context.Context, accountID string) ([]*Token, error)
	// SpendCode records that the authorization code with this hash was
	// redeemed on day; false when it already was. Records older than the
	// day before day are dropped (codes live minutes).
	SpendCode(ctx context.Context, hash []byte, day time.Time) (bool, error)
}

// Secrets stores server-wide random keys shared by all app nodes.
type Secrets interface {
	// Secret returns the named secret, storing generate()'s value first if
	// there is none yet. Concurrent callers all get the same value.
	Secret(ctx context.Context, name string, generate func() ([]byte, error)) ([]byte, error)
}
