package mastodon

import (
	"net/http"

	"publius/internal/api/response"
	"publius/internal/legal"
)

// DisclosureRoutes registers GET /api/v1/publius/me/disclosure: what this
// server could be compelled to produce about the caller. It is the same
// export as `publius admin disclose`. ?format=text gives the text form.
func (h *Handler) DisclosureRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/publius/me/disclosure", h.auth(userAuth, "read:accounts",
		func(w http.ResponseWriter, r *http.Request) {
			x, err := legal.Disclose(r.Context(), h.Store, viewer(r).ID)
			if err != nil {
				fail(w, err)
				return
			}
			switch r.URL.Query().Get("format") {
			case "", "json":
				response.OK(w, x)
			case "text":
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Write([]byte(x.Text()))
			default:
				response.BadRequest(w, "format must be json or text")
			}
		}))
}
