package mastodon

import (
	"net/http"
	"strings"

	"publius/internal/api/response"
	"publius/internal/timeline"
)

func (h *Handler) instanceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/instance", h.instanceV1)
	mux.HandleFunc("GET /api/v2/instance", h.instanceV2)
	mux.HandleFunc("GET /api/v1/instance/peers", emptyList)
	mux.HandleFunc("GET /api/v1/instance/rules", emptyList)
	mux.HandleFunc("GET /api/v1/custom_emojis", emptyList)
	mux.HandleFunc("GET /.well-known/nodeinfo", h.nodeinfoIndex)
	mux.HandleFunc("GET /nodeinfo/2.0", h.nodeinfo)
	mux.HandleFunc("GET /.well-known/webfinger", h.webfinger)
}

func emptyList(w http.ResponseWriter, r *http.Request) { response.OK(w, []any{}) }

func (h *Handler) statusesConfig() map[string]any {
	return map[string]any{
		"max_characters":              timeline.MaxChars,
		"max_media_attachments":       0,
		"characters_reserved_per_url": 23,
	}
}

func (h *Handler) counts(r *http.Request) (users, statuses int64, err error) {
	if users, err = h.Store.CountAccounts(r.Context()); err != nil {
		return 0, 0, err
	}
	statuses, err = h.Store.CountStatuses(r.Context())
	return users, statuses, err
}

func (h *Handler) instanceV1(w http.ResponseWriter, r *http.Request) {
	users, statuses, err := h.counts(r)
	if err != nil {
		response.ServerError(w, err)
		return
	}
	c := h.Config
	response.OK(w, map[string]any{
		"uri":               c.Host(),
		"title":             c.InstanceTitle,
		"short_description": c.InstanceDesc,
		"description":       c.InstanceDesc,
		"email":             "",
		"version":           h.Version,
		"urls":              map[string]any{"streaming_api": nil},
		"stats":             map[string]any{"user_count": users, "status_count": statuses, "domain_count": 0},
		"thumbnail":         c.PublicURL + "/static/header.png",
		"languages":         []string{"en"},
		"registrations":     c.OpenRegistrations,
		"approval_required": false,
		"invites_enabled":   false,
		"configuration": map[string]any{
			"accounts":          map[string]any{"max_featured_tags": 0},
			"statuses":          h.statusesConfig(),
			"media_attachments": map[string]any{"supported_mime_types": []string{}, "image_size_limit": 0, "video_size_limit": 0},
			"polls":             map[string]any{"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
		},
		"contact_account": nil,
		"rules":           []any{},
	})
}

func (h *Handler) instanceV2(w http.ResponseWriter, r *http.Request) {
	c := h.Config
	out := map[string]any{
		"domain":      c.Host(),
		"title":       c.InstanceTitle,
		"version":     h.Version,
		"source_url":  "",
		"description": c.InstanceDesc,
		// Publius keeps no activity records, so monthly actives are unknown.
		"usage":     map[string]any{"users": map[string]any{"active_month": 0}},
		"thumbnail": map[string]any{"url": c.PublicURL + "/static/header.png"},
		"icon":      []any{},
		"languages": []string{"en"},
		"configuration": map[string]any{
			"urls":              map[string]any{"streaming": nil, "status": nil},
			"vapid":             map[string]any{"public_key": ""},
			"accounts":          map[string]any{"max_featured_tags": 0, "max_pinned_statuses": 0},
			"statuses":          h.statusesConfig(),
			"media_attachments": map[string]any{"supported_mime_types": []string{}, "image_size_limit": 0, "video_size_limit": 0, "image_matrix_limit": 0, "video_matrix_limit": 0, "video_frame_rate_limit": 0},
			"polls":             map[string]any{"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
			"translation":       map[string]any{"enabled": false},
		},
		"registrations": map[string]any{"enabled": c.OpenRegistrations, "approval_required": false, "message": nil, "url": nil},
		"api_versions":  map[string]any{"mastodon": 2},
		"contact":       map[string]any{"email": "", "account": nil},
		"rules":         []any{},
	}
	if h.InstanceHook != nil {
		h.InstanceHook(r.Context(), out)
	}
	response.OK(w, out)
}

func (h *Handler) nodeinfoIndex(w http.ResponseWriter, r *http.Request) {
	response.OK(w, map[string]any{"links": []map[string]string{{
		"rel":  "http://nodeinfo.diaspora.software/ns/schema/2.0",
		"href": h.Config.PublicURL + "/nodeinfo/2.0",
	}}})
}

func (h *Handler) nodeinfo(w http.ResponseWriter, r *http.Request) {
	users, statuses, err := h.counts(r)
	if err != nil {
		response.ServerError(w, err)
		return
	}
	response.OK(w, map[string]any{
		"version":           "2.0",
		"software":          map[string]any{"name": "publius", "version": SoftwareVersion},
		"protocols":         []string{},
		"services":          map[string]any{"inbound": []string{}, "outbound": []string{}},
		"openRegistrations": h.Config.OpenRegistrations,
		// Publius keeps no activity times, so active-user counts are absent.
		"usage": map[string]any{"users": map[string]any{"total": users}, "localPosts": statuses},
		// Always present: some clients read metadata without checking it exists.
		"metadata": map[string]any{
			"nodeName": h.Config.InstanceTitle,
			"upstream": map[string]any{"name": "mastodon", "version": MastodonCompat},
		},
	})
}

func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Query().Get("resource")
	acct := strings.TrimPrefix(resource, "acct:")
	base := h.Config.PublicURL
	switch {
	case strings.HasPrefix(resource, base+"/@"):
		acct = strings.TrimPrefix(resource, base+"/@")
	case strings.HasPrefix(resource, base+"/users/"):
		acct = strings.TrimPrefix(resource, base+"/users/")
	}
	a := h.localAccount(r.Context(), acct)
	if a == nil {
		response.NotFound(w)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
	response.JSON(w, http.StatusOK, map[string]any{
		"subject": "acct:" + a.Handle + "@" + h.Config.Host(),
		"aliases": []string{base + "/@" + a.Handle, base + "/users/" + a.Handle},
		"links": []map[string]string{
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": base + "/@" + a.Handle},
		},
	})
}

// Versions clients parse: Mastodon-compatible first, Publius's own after.
const (
	SoftwareVersion = "0.1.0"
	MastodonCompat  = "4.3.0"
	VersionString   = MastodonCompat + " (compatible; Publius " + SoftwareVersion + ")"
)
