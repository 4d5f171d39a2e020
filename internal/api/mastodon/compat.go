package mastodon

import (
	"net/http"

	"publius/internal/api/response"
)

// compatRoutes answers the calls Mastodon apps make at start-up for
// features Publius does not have. Every answer is true as given: a list is
// empty because the feature does not exist here, not because anything was
// left out. Scopes and token kinds are Mastodon's, so apps that work there
// ask for the same grants here.
func (h *Handler) compatRoutes(mux *http.ServeMux) {
	empty := func(scope string) http.HandlerFunc { return h.auth(userAuth, scope, emptyList) }
	// No blocking or muting yet, and no other servers to block.
	mux.HandleFunc("GET /api/v1/blocks", empty("read:blocks"))
	mux.HandleFunc("GET /api/v1/mutes", empty("read:mutes"))
	mux.HandleFunc("GET /api/v1/domain_blocks", empty("read:blocks"))
	// No locked accounts, so nobody has to approve a follow.
	mux.HandleFunc("GET /api/v1/follow_requests", empty("read:follows"))
	// No favourites, bookmarks, lists, filters, followed hashtags or
	// featured profiles.
	mux.HandleFunc("GET /api/v1/favourites", empty("read:favourites"))
	mux.HandleFunc("GET /api/v1/bookmarks", empty("read:bookmarks"))
	mux.HandleFunc("GET /api/v1/lists", empty("read:lists"))
	mux.HandleFunc("GET /api/v1/filters", empty("read:filters"))
	mux.HandleFunc("GET /api/v2/filters", empty("read:filters"))
	mux.HandleFunc("GET /api/v1/followed_tags", empty("read:follows"))
	mux.HandleFunc("GET /api/v1/endorsements", empty("read:accounts"))
	// Operators speak through posts (system notices), not announcements.
	mux.HandleFunc("GET /api/v1/announcements", empty(""))
	// No direct messages (DESIGN.md): no conversations.
	mux.HandleFunc("GET /api/v1/conversations", empty("read:statuses"))
	// Posts cannot be scheduled (creating one with scheduled_at is a 422).
	mux.HandleFunc("GET /api/v1/scheduled_statuses", empty("read:statuses"))
	// Suggestions and trends would rank by interactions Publius does not
	// record; Mastodon serves trends to anyone.
	mux.HandleFunc("GET /api/v2/suggestions", empty("read"))
	mux.HandleFunc("GET /api/v1/trends", emptyList)
	mux.HandleFunc("GET /api/v1/trends/tags", emptyList)
	mux.HandleFunc("GET /api/v1/trends/statuses", emptyList)
	mux.HandleFunc("GET /api/v1/trends/links", emptyList)

	mux.HandleFunc("GET /api/v1/preferences", h.auth(userAuth, "read:accounts", h.preferences))
	mux.HandleFunc("GET /api/v1/markers", h.auth(userAuth, "read:statuses", h.markers))
	mux.HandleFunc("POST /api/v1/markers", h.auth(userAuth, "write:statuses", h.saveMarkers))
}

// preferences is Mastodon's Preferences entity. Publius keeps no posting
// or reading preferences, so these are the defaults new posts get.
func (h *Handler) preferences(w http.ResponseWriter, r *http.Request) {
	response.OK(w, map[string]any{
		"posting:default:visibility": "public",
		"posting:default:sensitive":  false,
		"posting:default:language":   nil,
		"reading:expand:media":       "default",
		"reading:expand:spoilers":    false,
	})
}

// Markers are where an account stopped reading its home timeline and
// notifications, each stamped with the time it was saved. That is a
// per-account record of reading activity, finer than a day, which DESIGN.md
// rules out ("Data we never store"). So none exist (GET finds none, as
// Mastodon answers for a timeline without a marker) and none can be saved
// (POST is refused without reading the body); apps keep their place
// locally instead.
func (h *Handler) markers(w http.ResponseWriter, r *http.Request) {
	response.OK(w, map[string]any{})
}

func (h *Handler) saveMarkers(w http.ResponseWriter, r *http.Request) {
	response.Unprocessable(w, "read positions (markers) are not kept: Publius stores no record of what an account has read")
}
