package server

import (
	"net/http"
	"strings"
)

// allowCORS lets browser-based Mastodon clients (Elk, Phanpy and the like)
// call the API from their own origin, as Mastodon does: any origin, no
// cookies (bearer tokens only), Link exposed for pagination. The HTML
// authorization form is left out, so other sites cannot script it.
func allowCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !corsPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Link, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func corsPath(p string) bool {
	switch p {
	case "/oauth/token", "/oauth/revoke":
		return true
	}
	for _, prefix := range []string{"/api/", "/.well-known/", "/nodeinfo/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
