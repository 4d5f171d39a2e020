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
	mux.HandleFunc("GET /api/v2/notifications", h.auth(userAuth, "read:notifications", h.groupedNotifications))
}

// NotificationGroup is Mastodon 4.3's grouped notification; mentions are
// never grouped, so each group holds one.
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID string   `json:"most_recent_notification_id"`
	PageMinID                string   `json:"page_min_id"`
	PageMaxID                string   `json:"page_max_id"`
	LatestPageNotificationAt string   `json:"latest_page_notification_at"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 string   `json:"status_id"`
}

// groupedNotifications serves /api/v2/notifications, which clients that
// see a 4.3 server use instead of v1.
func (h *Handler) groupedNotifications(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"accounts": []*Account{}, "statuses": []*Status{}, "notification_groups": []NotificationGroup{}}
	types, excluded := request.IDs(r, "types"), request.IDs(r, "exclude_types")
	if (len(types) > 0 && !slices.Contains(types, "mention")) || slices.Contains(excluded, "mention") {
		response.OK(w, out)
		return
	}
	list, err := h.Store.MentionsOf(r.Context(), viewer(r).ID, request.Page(r, MaxNotifications))
	if err != nil {
		fail(w, err)
		return
	}
	notes, err := h.notificationEntities(r, list)
	if err != nil {
		fail(w, err)
		return
	}
	accounts, statuses, groups := []*Account{}, []*Status{}, []NotificationGroup{}
	seen := map[string]bool{}
	ids := make([]string, 0, len(notes))
	for _, n := range notes {
		ids = append(ids, n.ID)
		if !seen[n.Account.ID] {
			seen[n.Account.ID] = true
			accounts = append(accounts, n.Account)
		}
		statuses = append(statuses, n.Status)
		groups = append(groups, NotificationGroup{GroupKey: n.GroupKey, NotificationsCount: 1, Type: n.Type,
			MostRecentNotificationID: n.ID, PageMinID: n.ID, PageMaxID: n.ID, LatestPageNotificationAt: n.CreatedAt,
			SampleAccountIDs: []string{n.Account.ID}, StatusID: n.ID})
	}
	out["accounts"], out["statuses"], out["notification_groups"] = accounts, statuses, groups
	setLinkHeader(w, r, h.Config.PublicURL, ids)
	response.OK(w, out)
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
