// Package mastodon implements the Mastodon client API: thin handlers that
// parse a request, call one capability package, and render entities.
package mastodon

import (
	"context"
	"errors"
	"net/http"

	"publius/internal/account"
	"publius/internal/api/auth"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/config"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/timeline"
)

// Handler holds what the API handlers need.
type Handler struct {
	Config    config.Config
	Store     store.Store
	Accounts  *account.Service
	Codes     *account.Codes
	Timelines *timeline.Service
	Present   *Presenter
	Limiter   *ratelimit.Limiter
	// Software is the instance version string clients parse.
	Version string
	// InstanceHook may add Publius extension data to /api/v2/instance.
	InstanceHook func(ctx context.Context, out map[string]any)
}

// callerFrom returns the authenticated caller, or nil.
func callerFrom(r *http.Request) *account.Caller { return auth.Caller(r) }

// viewer returns the caller's account, or nil.
func viewer(r *http.Request) *store.Account { return auth.Account(r) }

type authMode = auth.Mode

const (
	optionalAuth = auth.Optional
	appAuth      = auth.App
	userAuth     = auth.User
)

// auth wraps next with token resolution and a scope check.
func (h *Handler) auth(mode authMode, scope string, next http.HandlerFunc) http.HandlerFunc {
	return auth.Require(h.Accounts, mode, scope, next)
}

// limit applies a rate-limit rule; it writes 429 and returns false when
// the client is over it.
func (h *Handler) limit(w http.ResponseWriter, rule, client string) bool {
	ok, wait := h.Limiter.Allow(rule, client)
	if !ok {
		response.TooManyRequests(w, wait)
	}
	return ok
}

// fail maps a capability error to an API error.
func fail(w http.ResponseWriter, err error) {
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		response.Error(w, http.StatusRequestEntityTooLarge, "Request body too large")
	case errors.Is(err, store.ErrNotFound):
		response.NotFound(w)
	case errors.Is(err, request.ErrBadBody):
		response.BadRequest(w, err.Error())
	case errors.Is(err, timeline.ErrForbidden):
		response.Forbidden(w, "This action is not allowed")
	case errors.Is(err, timeline.ErrInvalidStatus), errors.Is(err, timeline.ErrDirectUnsupported),
		errors.Is(err, timeline.ErrSelfFollow), errors.Is(err, account.ErrInvalidProfile),
		errors.Is(err, account.ErrInvalidHandle), errors.Is(err, account.ErrWeakPassphrase),
		errors.Is(err, account.ErrReservedHandle):
		response.Unprocessable(w, err.Error())
	case errors.Is(err, account.ErrHandleTaken):
		response.Unprocessable(w, "username is taken")
	default:
		response.ServerError(w, err)
	}
}

// Routes registers every Mastodon API route on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.oauthRoutes(mux)
	h.accountRoutes(mux)
	h.statusRoutes(mux)
	h.instanceRoutes(mux)
	h.notificationRoutes(mux)
	h.compatRoutes(mux)
	h.searchRoutes(mux)
	h.historyRoutes(mux)
}
