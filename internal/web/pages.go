package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"publius/internal/account"
	"publius/internal/id"
	"publius/internal/store"
	"publius/internal/timeline"
)

// perPage is how many posts a public page lists.
const perPage = 20

// publicCache lets shared caches absorb a sudden audience; public pages
// depend on nothing but the URL (no cookies, no session).
const publicCache = "public, max-age=30"

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	p, ok := h.pageParam(w, r)
	if !ok {
		return
	}
	list, err := h.Timelines.Public(r.Context(), p)
	if err != nil {
		h.serverError(w, err)
		return
	}
	posts, next, err := h.postList(r.Context(), list, r)
	if err != nil {
		h.serverError(w, err)
		return
	}
	h.publicPage(w, http.StatusOK, "home", map[string]any{"Title": "Home", "Description": h.Config.InstanceDesc,
		"Host": h.Config.Host(), "OpenRegistrations": h.Config.OpenRegistrations,
		"Posts": posts, "Next": next, "Paged": p.MaxID != ""})
}

// profile serves /@handle. The route is /{at} because a mux wildcard must
// fill a whole path segment.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	handle, ok := strings.CutPrefix(r.PathValue("at"), "@")
	if !ok {
		h.notFound(w, r)
		return
	}
	a, err := h.publicAccount(r.Context(), handle)
	if err != nil {
		h.lookupError(w, r, err)
		return
	}
	p, ok := h.pageParam(w, r)
	if !ok {
		return
	}
	list, err := h.Timelines.Account(r.Context(), nil, a.ID, timeline.AccountOptions{}, p)
	if err != nil {
		h.lookupError(w, r, err)
		return
	}
	posts, next, err := h.postList(r.Context(), list, r)
	if err != nil {
		h.serverError(w, err)
		return
	}
	chart, err := h.followerChart(r.Context(), a)
	if err != nil {
		h.serverError(w, err)
		return
	}
	h.publicPage(w, http.StatusOK, "profile", map[string]any{"Title": displayName(a) + " (@" + a.Handle + ")",
		"Account": newProfileView(a, h.Config.Host()), "Chart": chart, "Posts": posts, "Next": next, "Paged": p.MaxID != ""})
}

// followerChart draws a's follower count over the last chartDays days, or
// returns nil when the page shows no counts. Follower counts are public:
// the API serves them (and their history) even for hidden collections, as
// Mastodon does, and a reader could build the same chart by looking once a
// day. But this page shows no counts for an owner who hid their
// collections, and the chart would print them, so it follows the page.
func (h *Handler) followerChart(ctx context.Context, a *store.Account) (*chartView, error) {
	if a.HideCollections {
		return nil, nil
	}
	series, err := h.Timelines.FollowerSeries(ctx, a, chartDays)
	if err != nil {
		return nil, err
	}
	return followerChart(series, chartDays), nil
}

// status serves /@handle/ID with the post's visible thread.
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	handle, ok := strings.CutPrefix(r.PathValue("at"), "@")
	statusID := r.PathValue("id")
	if !ok || !id.Valid(statusID) {
		h.notFound(w, r)
		return
	}
	st, err := h.Timelines.Get(r.Context(), nil, statusID)
	if err != nil {
		h.lookupError(w, r, err)
		return
	}
	ancestors, descendants, err := h.Timelines.Context(r.Context(), nil, st.ID)
	if err != nil {
		h.lookupError(w, r, err)
		return
	}
	thread := append(append(ancestors, st), descendants...)
	posts, err := h.postViews(r.Context(), thread)
	if err != nil {
		h.serverError(w, err)
		return
	}
	var focus *postView
	for _, p := range posts {
		if p.ID == st.ID {
			p.Focus, focus = true, p
		}
	}
	if focus == nil || !strings.EqualFold(focus.AuthorHandle, handle) {
		h.notFound(w, r) // the author is gone, or the URL names someone else
		return
	}
	h.publicPage(w, http.StatusOK, "status", map[string]any{"Title": focus.AuthorName + ": " + focus.Summary(),
		"Heading": "Post by " + focus.AuthorName + " and its thread", "Posts": posts})
}

var tagPattern = regexp.MustCompile(`^[\p{L}\p{N}_]{1,100}$`)

func (h *Handler) tag(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.PathValue("name"))
	if !tagPattern.MatchString(name) {
		h.notFound(w, r)
		return
	}
	p, ok := h.pageParam(w, r)
	if !ok {
		return
	}
	list, err := h.Timelines.Tag(r.Context(), name, p)
	if err != nil {
		h.serverError(w, err)
		return
	}
	posts, next, err := h.postList(r.Context(), list, r)
	if err != nil {
		h.serverError(w, err)
		return
	}
	h.publicPage(w, http.StatusOK, "tag", map[string]any{"Title": "#" + name, "Tag": name,
		"Posts": posts, "Next": next, "Paged": p.MaxID != ""})
}

func (h *Handler) about(w http.ResponseWriter, r *http.Request) {
	h.publicPage(w, http.StatusOK, "about", map[string]any{"Title": "About", "Description": h.Config.InstanceDesc,
		"Host": h.Config.Host()})
}

// publicAccount finds a live account by handle; suspended and deleted
// accounts are not found.
func (h *Handler) publicAccount(ctx context.Context, handle string) (*store.Account, error) {
	handle, err := account.NormalizeHandle(handle)
	if err != nil {
		return nil, store.ErrNotFound
	}
	a, err := h.Store.AccountByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	if a.Deleted || a.Suspended {
		return nil, store.ErrNotFound
	}
	return a, nil
}

// pageParam reads ?max_id=; a malformed one gets a 400 page.
func (h *Handler) pageParam(w http.ResponseWriter, r *http.Request) (store.Page, bool) {
	maxID := r.URL.Query().Get("max_id")
	if maxID != "" && !id.Valid(maxID) {
		h.publicPage(w, http.StatusBadRequest, "error", map[string]any{"Title": "Bad request",
			"Error": "max_id must be a post ID."})
		return store.Page{}, false
	}
	// One extra row tells whether an older page exists.
	return store.Page{MaxID: maxID, Limit: perPage + 1}, true
}

// postList renders a page of posts and the link to the next (older) page,
// "" when there is none.
func (h *Handler) postList(ctx context.Context, list []*store.Status, r *http.Request) ([]*postView, string, error) {
	next := ""
	if len(list) > perPage {
		list = list[:perPage]
		next = r.URL.Path + "?max_id=" + list[perPage-1].ID
	}
	posts, err := h.postViews(ctx, list)
	return posts, next, err
}

func (h *Handler) lookupError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, timeline.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	h.serverError(w, err)
}

// apiPrefixes are first path segments the API owns: unknown paths there
// keep their JSON 404 even though /{at}/{id} matches them.
var apiPrefixes = map[string]bool{"api": true, "oauth": true, ".well-known": true, "nodeinfo": true}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if apiPrefixes[first] && strings.Contains(strings.TrimPrefix(r.URL.Path, "/"), "/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"Record not found"}`))
		return
	}
	h.publicPage(w, http.StatusNotFound, "error", map[string]any{"Title": "Not found",
		"Error": "There is nothing here. The account or post may not exist, may have been deleted, or may not be public."})
}

func (h *Handler) serverError(w http.ResponseWriter, err error) {
	h.Log.Error("web page", "err", err)
	h.render(w, http.StatusInternalServerError, "error", map[string]any{"Title": "Error", "Error": "Internal error."})
}
