// Package mastodon implements the Mastodon client API: thin handlers that
// parse a request, call one capability package, and render entities.
package mastodon

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"publius/internal/account"
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

type ctxKey struct{}

// callerFrom returns the authenticated caller, or nil.
func callerFrom(r *http.Request) *account.Caller {
	c, _ := r.Context().Value(ctxKey{}).(*account.Caller)
	return c
}

// viewer returns the caller's account, or nil.
func viewer(r *http.Request) *store.Account {
	if c := callerFrom(r); c != nil {
		return c.Account
	}
	return nil
}

type authMode int

const (
	optionalAuth authMode = iota // anonymous allowed; a bad token is still 401
	appAuth                      // any valid token with the scope (app or user)
	userAuth                     // a user token with the scope
)

// auth wraps next with token resolution and a scope check.
func (h *Handler) auth(mode authMode, scope string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret := request.BearerToken(r)
		if secret == "" {
			if mode == optionalAuth {
				next(w, r)
				return
			}
			response.Unauthorized(w, "The access token is invalid")
			return
		}
		caller, err := h.Accounts.ResolveToken(r.Context(), secret)
		switch {
		case errors.Is(err, account.ErrInvalidToken):
			response.Unauthorized(w, "The access token is invalid")
			return
		case errors.Is(err, account.ErrSuspended):
			response.Forbidden(w, "Your login is currently disabled")
			return
		case err != nil:
			response.ServerError(w, err)
			return
		}
		if mode == userAuth && caller.Account == nil {
			response.Unprocessable(w, "This method requires an authenticated user")
			return
		}
		if scope != "" && !anyScope(caller.Token.Scopes, scope) {
			response.Forbidden(w, "This action is outside the authorized scopes")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, caller)))
	}
}

// anyScope reports whether granted allows one of the "|"-separated
// alternatives in required (verify_credentials takes profile or read:accounts).
func anyScope(granted []string, required string) bool {
	for _, alt := range strings.Split(required, "|") {
		if account.HasScope(granted, alt) {
			return true
		}
	}
	return false
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
}
