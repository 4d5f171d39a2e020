package mastodon

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"publius/internal/api/request"
	"publius/internal/api/response"
)

func (h *Handler) searchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v2/search", h.auth(optionalAuth, "read:search", h.search))
	mux.HandleFunc("GET /api/v1/accounts/search", h.auth(userAuth, "read:accounts", h.accountSearch))
}

// SearchResults is Mastodon's Search entity.
type SearchResults struct {
	Accounts []*Account `json:"accounts"`
	Statuses []*Status  `json:"statuses"`
	Hashtags []TagInfo  `json:"hashtags"`
}

// TagInfo is Mastodon's Tag entity (a hashtag on its own, not in a
// status). History is empty: Publius keeps no per-day usage counts.
// Following is false for a signed-in caller: hashtags cannot be followed.
type TagInfo struct {
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	History   []struct{} `json:"history"`
	Following *bool      `json:"following,omitempty"`
}

// search is GET /api/v2/search. Accounts match by handle prefix or display
// name, hashtags by prefix among those on public posts. Statuses are never
// found: Mastodon finds only statuses the caller interacted with unless it
// runs full-text search, and Publius has neither those interactions
// (favourites, bookmarks) nor full-text search. resolve has nothing to
// look up (no federation); following and account_id are ignored.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	term := strings.TrimSpace(q.Get("q"))
	if term == "" {
		response.BadRequest(w, "q is required")
		return
	}
	me := viewer(r)
	// As on Mastodon, paging and resolving need a signed-in user.
	if me == nil && q.Get("offset") != "" {
		response.Unauthorized(w, "Search queries pagination is not supported without authentication")
		return
	}
	if me == nil && request.Flag(r, "resolve") {
		response.Unauthorized(w, "Search queries that resolve remote resources are not supported without authentication")
		return
	}
	limit, offset := limitParam(r, 20, 40), offsetParam(r)
	out := SearchResults{Accounts: []*Account{}, Statuses: []*Status{}, Hashtags: []TagInfo{}}
	kind := q.Get("type")
	if user, ok := h.accountTerm(term); ok && (kind == "" || kind == "accounts") {
		list, err := h.Store.SearchAccounts(r.Context(), user, offset, limit)
		if err != nil {
			fail(w, err)
			return
		}
		for _, a := range list {
			out.Accounts = append(out.Accounts, h.Present.Account(r.Context(), a, false))
		}
	}
	if tag, ok := tagTerm(term); ok && (kind == "" || kind == "hashtags") {
		names, err := h.Store.SearchTags(r.Context(), tag, offset, limit)
		if err != nil {
			fail(w, err)
			return
		}
		for _, name := range names {
			t := TagInfo{Name: name, URL: h.Config.PublicURL + "/tags/" + name, History: []struct{}{}}
			if me != nil {
				t.Following = ptr(false)
			}
			out.Hashtags = append(out.Hashtags, t)
		}
	}
	response.OK(w, out)
}

// accountSearch is GET /api/v1/accounts/search: the accounts part of
// search, with Mastodon's larger default page. resolve and following are
// ignored, as in search.
func (h *Handler) accountSearch(w http.ResponseWriter, r *http.Request) {
	out := []*Account{}
	if user, ok := h.accountTerm(strings.TrimSpace(r.URL.Query().Get("q"))); ok {
		list, err := h.Store.SearchAccounts(r.Context(), user, offsetParam(r), limitParam(r, 40, 80))
		if err != nil {
			fail(w, err)
			return
		}
		for _, a := range list {
			out = append(out, h.Present.Account(r.Context(), a, false))
		}
	}
	response.OK(w, out)
}

// accountTerm turns a query into the text accounts are matched on:
// "alice", "@alice" and "@alice@this-host" all look for "alice", as does
// "@alice@thi" while the host is being typed. Accounts elsewhere cannot be
// here (no federation), nor can a query for a hashtag find any.
func (h *Handler) accountTerm(q string) (string, bool) {
	if strings.HasPrefix(q, "#") {
		return "", false
	}
	user, domain, _ := strings.Cut(strings.TrimPrefix(q, "@"), "@")
	if !strings.HasPrefix(strings.ToLower(h.Config.Host()), strings.ToLower(domain)) {
		return "", false
	}
	user = strings.TrimSpace(user)
	return user, user != ""
}

// tagName is what a hashtag can hold (package timeline's pattern).
var tagName = regexp.MustCompile(`^[\p{L}\p{N}_]+$`)

// tagTerm turns a query ("#name" or "name") into a hashtag prefix; a query
// no hashtag can start with finds none.
func tagTerm(q string) (string, bool) {
	q = strings.TrimPrefix(q, "#")
	return strings.ToLower(q), tagName.MatchString(q)
}

// limitParam reads limit as request.Page does (not a number: def; out of
// range: clamped to 1..most), with the endpoint's own default and maximum.
func limitParam(r *http.Request, def, most int) int {
	limit := def
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil || errors.Is(err, strconv.ErrRange) {
		limit = v
	}
	return min(max(limit, 1), most)
}

// offsetParam reads offset: not a number is 0, too large a number the
// largest int (past every result), a negative one 0.
func offsetParam(r *http.Request) int {
	v, err := strconv.Atoi(r.URL.Query().Get("offset"))
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0
	}
	return max(v, 0)
}
