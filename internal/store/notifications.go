package store

import "context"

// Notifications reads what Mastodon clients show as notifications. There is
// no notification table: a notification is a status that mentions the
// reader, so deleting the status removes it.
type Notifications interface {
	// MentionsOf lists statuses that mention accountID, newest first,
	// excluding the account's own statuses and those of suspended or
	// deleted authors.
	MentionsOf(ctx context.Context, accountID string, p Page) ([]*Status, error)
}
