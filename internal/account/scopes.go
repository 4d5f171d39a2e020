package account

import (
	"fmt"
	"slices"
	"strings"
)

// topScopes are the top-level scopes; granular ones are "read:statuses" etc.
var topScopes = []string{"read", "write", "follow", "push", "profile", "admin:read", "admin:write"}

var granular = map[string][]string{
	"read":        {"accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"},
	"write":       {"accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"},
	"admin:read":  {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
	"admin:write": {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
}

// followImplies is what the deprecated "follow" scope grants.
var followImplies = []string{"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}

// ParseScopes splits a space- (or +-) separated scope list and rejects
// unknown scopes; empty means "read", as on Mastodon.
func ParseScopes(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	var out []string
	for _, f := range fields {
		if !validScope(f) {
			return nil, fmt.Errorf("unknown scope %q", f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

func validScope(s string) bool {
	if slices.Contains(topScopes, s) {
		return true
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return false
	}
	return slices.Contains(granular[s[:i]], s[i+1:])
}

// HasScope reports whether granted allows required (a granular scope such
// as "write:statuses", or a top-level one).
func HasScope(granted []string, required string) bool {
	for _, g := range granted {
		if g == required {
			return true
		}
		if strings.HasPrefix(required, g+":") {
			return true
		}
		if g == "follow" && slices.Contains(followImplies, required) {
			return true
		}
	}
	return false
}

// SubsetOf reports whether every scope in want is allowed by have.
func SubsetOf(want, have []string) bool {
	for _, w := range want {
		if !HasScope(have, w) {
			return false
		}
	}
	return true
}
