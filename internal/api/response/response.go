// Package response writes API responses: JSON bodies and Mastodon-style
// errors ({"error": "..."}), so handlers carry no plumbing.
package response

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// JSON writes v with status, as application/json unless the handler set
// another Content-Type.
func JSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode response", "err", err)
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	// A handler may have chosen a JSON subtype (webfinger's jrd+json).
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	w.Write(body)
}

// OK writes v with 200.
func OK(w http.ResponseWriter, v any) { JSON(w, http.StatusOK, v) }

// Error writes {"error": msg} with status.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, map[string]string{"error": msg})
}

// BadRequest is 400.
func BadRequest(w http.ResponseWriter, msg string) { Error(w, http.StatusBadRequest, msg) }

// Unauthorized is 401.
func Unauthorized(w http.ResponseWriter, msg string) { Error(w, http.StatusUnauthorized, msg) }

// Forbidden is 403.
func Forbidden(w http.ResponseWriter, msg string) { Error(w, http.StatusForbidden, msg) }

// NotFound is 404 with Mastodon's wording.
func NotFound(w http.ResponseWriter) { Error(w, http.StatusNotFound, "Record not found") }

// Conflict is 409.
func Conflict(w http.ResponseWriter, msg string) { Error(w, http.StatusConflict, msg) }

// Unprocessable is 422, Mastodon's validation failure.
func Unprocessable(w http.ResponseWriter, msg string) {
	Error(w, http.StatusUnprocessableEntity, "Validation failed: "+msg)
}

// TooManyRequests is 429 with Retry-After.
func TooManyRequests(w http.ResponseWriter, retryAfter time.Duration) {
	secs := int(retryAfter.Seconds() + 0.999)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	Error(w, http.StatusTooManyRequests, "Too many requests")
}

// ServerError is 500; the cause goes to the log (never with request data).
func ServerError(w http.ResponseWriter, err error) {
	slog.Error("internal error", "err", err)
	Error(w, http.StatusInternalServerError, "Internal error")
}

// OAuthError writes an RFC 6749 error with error_description.
func OAuthError(w http.ResponseWriter, status int, code, description string) {
	JSON(w, status, map[string]string{"error": code, "error_description": description})
}
