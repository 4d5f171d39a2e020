package mastodon

import (
	"net/http"
	"slices"

	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/store"
)

// Notification is Mastodon's Notification entity. Publius keeps no
// notification table: each notification is a status that mentions the
// reader (type "mention"), and its ID is the status's ID.
type Notification struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	CreatedAt string   `json:"created_at"`
	GroupKey  string   `json:"group_key"`
	Account   *Account `json:"account"`
	Status    *Status  `json:"status"`
}

// MaxNotifications is the largest notifications page, as on Mastodon.
const MaxNotifications = 80

func (h *Handler) notificationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/notifications", h.auth(userAuth, "read:notifications", h.notifications))
	mux.HandleFunc("GET /api/v1/notifications/{id}", h.auth(userAuth, "read:notifications", h.notification))
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) {
	// Mentions are the only type there is; filters that leave it out get
	// an empty page.
	types, excluded := request.IDs(r, "types"), request.IDs(r, "exclude_types")
	if (len(types) > 0 && !slices.Contains(types, "mention")) || slices.Contains(excluded, "mention") {
		response.OK(w, []Notification{})
		return
	}
	list, err := h.Store.MentionsOf(r.Context(), viewer(r).ID, request.Page(r, MaxNotifications))
	if err != nil {
		fail(w, err)
		return
	}
	ids := make([]string, 0, len(list))
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if from := r.URL.Query().Get("account_id"); from != "" {
		list = slices.DeleteFunc(list, func(s *store.Status) bool { return s.AccountID != from })
	}
	out, err := h.notificationEntities(r, list)
	if err != nil {
		fail(w, err)
		return
	}
	setLinkHeader(w, r, h.Config.PublicURL, ids)
	response.OK(w, out)
}

func (h *Handler) notification(w http.ResponseWriter, r *http.Request) {
	me := viewer(r)
	st, err := h.Timelines.Get(r.Context(), me, r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	if st.AccountID == me.ID || !slices.Contains(st.Mentions, me.ID) {
		response.NotFound(w)
		return
	}
	out, err := h.notificationEntities(r, []*store.Status{st})
	if err != nil {
		fail(w, err)
		return
	}
	if len(out) == 0 {
		response.NotFound(w)
		return
	}
	response.OK(w, out[0])
}

func (h *Handler) notificationEntities(r *http.Request, list []*store.Status) ([]Notification, error) {
	statuses, err := h.Present.Statuses(r.Context(), h.Store, list, viewer(r))
	if err != nil {
		return nil, err
	}
	out := make([]Notification, 0, len(statuses))
	for _, s := range statuses {
		out = append(out, Notification{ID: s.ID, Type: "mention", CreatedAt: s.CreatedAt,
			GroupKey: "ungrouped-" + s.ID, Account: s.Account, Status: s})
	}
	return out, nil
}
