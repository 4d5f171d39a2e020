// Package auth is the API's one bearer-token check: it resolves the token,
// enforces the caller kind and scope, and puts the caller in the request's
// context. Every authenticated route of every API package goes through it.
package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"publius/internal/account"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/store"
)

// Mode says which callers a route accepts.
type Mode int

const (
	Optional Mode = iota // anonymous allowed; a bad token is still 401
	App                  // any valid token with the scope (app or user)
	User                 // a user token with the scope
)

type ctxKey struct{}

// Require wraps next with token resolution and a scope check. scope may
// list "|"-separated alternatives (verify_credentials takes profile or
// read:accounts); "" requires none.
func Require(accounts *account.Service, mode Mode, scope string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret := request.BearerToken(r)
		if secret == "" {
			if mode == Optional {
				next(w, r)
				return
			}
			response.Unauthorized(w, "The access token is invalid")
			return
		}
		caller, err := accounts.ResolveToken(r.Context(), secret)
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
		if mode == User && caller.Account == nil {
			response.Unprocessable(w, "This method requires an authenticated user")
			return
		}
		if scope != "" && !AnyScope(caller.Token.Scopes, scope) {
			response.Forbidden(w, "This action is outside the authorized scopes")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, caller)))
	}
}

// AnyScope reports whether granted allows one of the "|"-separated
// alternatives in required.
func AnyScope(granted []string, required string) bool {
	for _, alt := range strings.Split(required, "|") {
		if account.HasScope(granted, alt) {
			return true
		}
	}
	return false
}

// Caller returns the authenticated caller, or nil.
func Caller(r *http.Request) *account.Caller {
	c, _ := r.Context().Value(ctxKey{}).(*account.Caller)
	return c
}

// Account returns the caller's account, or nil (anonymous or app token).
func Account(r *http.Request) *store.Account {
	if c := Caller(r); c != nil {
		return c.Account
	}
	return nil
}
