package mastodon

import (
	"net/http"
	"strings"

	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/timeline"
)

func (h *Handler) statusRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/statuses", h.auth(userAuth, "write:statuses", h.createStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}", h.auth(optionalAuth, "", h.showStatus))
	mux.HandleFunc("DELETE /api/v1/statuses/{id}", h.auth(userAuth, "write:statuses", h.deleteStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", h.auth(optionalAuth, "", h.statusContext))
	mux.HandleFunc("GET /api/v1/timelines/home", h.auth(userAuth, "read:statuses", h.homeTimeline))
	mux.HandleFunc("GET /api/v1/timelines/public", h.auth(optionalAuth, "", h.publicTimeline))
	mux.HandleFunc("GET /api/v1/timelines/tag/{hashtag}", h.auth(optionalAuth, "", h.tagTimeline))
}

// StatusForm is Mastodon's status creation form (JSON or form-encoded).
type StatusForm struct {
	Status      string          `json:"status"`
	InReplyToID string          `json:"in_reply_to_id"`
	Sensitive   request.Bool    `json:"sensitive"`
	SpoilerText string          `json:"spoiler_text"`
	Visibility  string          `json:"visibility"`
	Language    string          `json:"language"`
	MediaIDs    request.Strings `json:"media_ids"`
	Poll        any             `json:"poll"`
	ScheduledAt string          `json:"scheduled_at"`
}

// NewStatus checks the form for features Publius lacks and converts it;
// a non-empty problem is the 422 message.
func (f *StatusForm) NewStatus() (st timeline.NewStatus, problem string) {
	switch {
	case len(f.MediaIDs) > 0:
		return st, "media attachments are not supported yet"
	case f.Poll != nil:
		return st, "polls are not supported yet"
	case f.ScheduledAt != "":
		return st, "scheduled posts are not supported yet"
	}
	return timeline.NewStatus{Text: f.Status, SpoilerText: f.SpoilerText, Sensitive: bool(f.Sensitive),
		Visibility: f.Visibility, Language: f.Language, InReplyToID: f.InReplyToID}, ""
}

func (h *Handler) createStatus(w http.ResponseWriter, r *http.Request) {
	var f StatusForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	in, problem := f.NewStatus()
	if problem != "" {
		response.Unprocessable(w, problem)
		return
	}
	me := viewer(r)
	if !h.limit(w, ratelimit.Post, me.ID) {
		return
	}
	st, err := h.Timelines.Post(r.Context(), me, in, r.Header.Get("Idempotency-Key"), false)
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatus(w, r, st, false)
}

func (h *Handler) renderStatus(w http.ResponseWriter, r *http.Request, st *store.Status, withSource bool) {
	out, err := h.Present.Status(r.Context(), h.Store, st, viewer(r))
	if err != nil {
		fail(w, err)
		return
	}
	if withSource {
		out.Text = ptr(st.Text)
	}
	response.OK(w, out)
}

func (h *Handler) renderStatuses(w http.ResponseWriter, r *http.Request, list []*store.Status) {
	out, err := h.Present.Statuses(r.Context(), h.Store, list, viewer(r))
	if err != nil {
		fail(w, err)
		return
	}
	ids := make([]string, 0, len(list))
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	setLinkHeader(w, r, h.Config.PublicURL, ids)
	response.OK(w, out)
}

func (h *Handler) showStatus(w http.ResponseWriter, r *http.Request) {
	st, err := h.Timelines.Get(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatus(w, r, st, false)
}

func (h *Handler) deleteStatus(w http.ResponseWriter, r *http.Request) {
	st, err := h.Timelines.Delete(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatus(w, r, st, true)
}

func (h *Handler) statusContext(w http.ResponseWriter, r *http.Request) {
	anc, desc, err := h.Timelines.Context(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	ancestors, err := h.Present.Statuses(r.Context(), h.Store, anc, viewer(r))
	if err != nil {
		fail(w, err)
		return
	}
	descendants, err := h.Present.Statuses(r.Context(), h.Store, desc, viewer(r))
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, map[string]any{"ancestors": ancestors, "descendants": descendants})
}

func (h *Handler) homeTimeline(w http.ResponseWriter, r *http.Request) {
	list, err := h.Timelines.Home(r.Context(), viewer(r), request.Page(r, request.MaxLimit))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatuses(w, r, list)
}

func (h *Handler) publicTimeline(w http.ResponseWriter, r *http.Request) {
	// No federation and no media: nothing remote, nothing with media.
	if request.Flag(r, "remote") || request.Flag(r, "only_media") {
		response.OK(w, []any{})
		return
	}
	list, err := h.Timelines.Public(r.Context(), request.Page(r, request.MaxLimit))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatuses(w, r, list)
}

// tagTimeline lists public statuses with the hashtag (any[], all[] and
// none[] are not supported and ignored).
func (h *Handler) tagTimeline(w http.ResponseWriter, r *http.Request) {
	if request.Flag(r, "remote") || request.Flag(r, "only_media") {
		response.OK(w, []any{})
		return
	}
	tag := strings.TrimPrefix(r.PathValue("hashtag"), "#")
	list, err := h.Timelines.Tag(r.Context(), tag, request.Page(r, request.MaxLimit))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatuses(w, r, list)
}
