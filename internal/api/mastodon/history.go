package mastodon

import (
	"net/http"
	"strconv"
	"time"

	"publius/internal/api/response"
	"publius/internal/timeline"
)

// historyRoutes registers GET /api/v1/publius/accounts/:id/follower_history,
// a Publius extension: an account's follower count for each UTC day of the
// last ?days=N days (default 90, at most timeline.MaxHistoryDays), oldest
// first, as [{"day": "YYYY-MM-DD", "followers": N}]. Days before the first
// stored count are left out (see timeline.Service.FollowerSeries), so the
// list may be shorter than N. Public, like GET /api/v1/accounts/:id:
// follower counts are public there too, hidden collections or not.
func (h *Handler) historyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/publius/accounts/{id}/follower_history", h.auth(optionalAuth, "", h.followerHistory))
}

// DayCount is one day of an account's follower history.
type DayCount struct {
	Day       string `json:"day"` // YYYY-MM-DD, UTC
	Followers int64  `json:"followers"`
}

func (h *Handler) followerHistory(w http.ResponseWriter, r *http.Request) {
	days := 90
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > timeline.MaxHistoryDays {
			response.Unprocessable(w, "days must be a whole number from 1 to "+strconv.Itoa(timeline.MaxHistoryDays))
			return
		}
		days = n
	}
	a, err := h.liveAccount(r, r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	series, err := h.Timelines.FollowerSeries(r.Context(), a, days)
	if err != nil {
		fail(w, err)
		return
	}
	out := make([]DayCount, len(series))
	for i, c := range series {
		out[i] = DayCount{Day: c.Day.UTC().Format(time.DateOnly), Followers: c.Followers}
	}
	response.OK(w, out)
}
