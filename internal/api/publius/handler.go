// Package publius serves the Publius extensions to the Mastodon API under
// /api/v1/publius/, and the legal pages (/transparency, /law-enforcement).
package publius

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"publius/internal/account"
	"publius/internal/api/auth"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/config"
	"publius/internal/legal"
	"publius/internal/membership"
	"publius/internal/store"
	"publius/internal/timeline"
)

// NotifyEvery is how often the legal notifier looks for gag orders that
// have ended.
const NotifyEvery = 15 * time.Minute

// Deps is what the Publius extensions need from the server.
type Deps struct {
	Config    config.Config
	Store     store.Store
	Accounts  *account.Service
	Timelines *timeline.Service
	Log       *slog.Logger
	// Now is the legal registry's clock (nil: wall clock).
	Now func() time.Time
}

// Handler holds what the extension handlers need.
type Handler struct {
	Config   config.Config
	Accounts *account.Service
	Registry *legal.Registry
	Log      *slog.Logger
}

// Mount builds the handlers, registers their routes on mux, and starts the
// legal notifier through onStart.
func Mount(mux *http.ServeMux, onStart func(func(context.Context)), d Deps) *Handler {
	h := &Handler{Config: d.Config, Accounts: d.Accounts, Log: d.Log,
		Registry: legal.NewRegistry(d.Store, d.Accounts, d.Timelines, d.Now, d.Log)}
	h.Routes(mux)
	onStart(func(ctx context.Context) { h.Registry.RunNotifier(ctx, NotifyEvery) })
	return h
}

// Routes registers every route of this package.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.demandRoutes(mux)
	h.transparencyRoutes(mux)
}

func caller(r *http.Request) *store.Account { return auth.Account(r) }

// admin lets through only operators (account.Admin) whose token carries
// scope: no token is 401, anyone else 403.
func (h *Handler) admin(scope string, next http.HandlerFunc) http.HandlerFunc {
	return auth.Require(h.Accounts, auth.App, "", func(w http.ResponseWriter, r *http.Request) {
		c := auth.Caller(r)
		if c.Account == nil || !c.Account.Admin {
			response.Forbidden(w, "This action is for the server's operators")
			return
		}
		if !account.HasScope(c.Token.Scopes, scope) {
			response.Forbidden(w, "This action is outside the authorized scopes ("+scope+" is needed)")
			return
		}
		next(w, r)
	})
}

// errUnknownField is a JSON key the API does not know: a typo must not be
// silently dropped from a legal record.
var errUnknownField = errors.New("unknown field")

// decodeStrict reads a JSON object into dst, rejecting unknown fields.
func decodeStrict(w http.ResponseWriter, r *http.Request, dst any) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return fmt.Errorf("%w: send the demand as application/json", request.ErrBadBody)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, request.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typ *json.UnmarshalTypeError
		var maxErr *http.MaxBytesError
		switch {
		case errors.As(err, &maxErr):
			return err
		case errors.As(err, &typ):
			return fmt.Errorf("%w: field %q has the wrong type", legal.ErrInvalid, typ.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return fmt.Errorf("%w: %s", errUnknownField, strings.TrimPrefix(err.Error(), "json: "))
		case errors.Is(err, io.EOF):
			return fmt.Errorf("%w: empty body", request.ErrBadBody)
		default:
			return fmt.Errorf("%w: %v", request.ErrBadBody, err)
		}
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the JSON object", request.ErrBadBody)
	}
	return nil
}

// fail maps a capability error (legal registry, membership) to an API error.
func fail(w http.ResponseWriter, err error) {
	var maxErr *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		response.NotFound(w)
	case errors.Is(err, request.ErrBadBody):
		response.BadRequest(w, err.Error())
	case errors.As(err, &maxErr):
		response.Error(w, http.StatusRequestEntityTooLarge, "Request body too large")
	case errors.Is(err, membership.ErrNoKeys):
		response.Error(w, http.StatusServiceUnavailable, err.Error())
	case errors.Is(err, store.ErrStale):
		response.Error(w, http.StatusServiceUnavailable, "the group is changing too fast right now; try again")
	case errors.Is(err, membership.ErrForbidden), errors.Is(err, timeline.ErrForbidden):
		response.Forbidden(w, err.Error())
	case errors.Is(err, membership.ErrDuplicate), errors.Is(err, membership.ErrNullifierUsed),
		errors.Is(err, membership.ErrAlreadyBadged):
		response.Conflict(w, err.Error())
	case errors.Is(err, legal.ErrInvalid), errors.Is(err, errUnknownField),
		errors.Is(err, membership.ErrInvalid), errors.Is(err, membership.ErrInvalidProof),
		errors.Is(err, membership.ErrUnknownRoot), errors.Is(err, membership.ErrFull),
		errors.Is(err, timeline.ErrInvalidStatus), errors.Is(err, timeline.ErrDirectUnsupported):
		response.Unprocessable(w, err.Error())
	default:
		response.ServerError(w, err)
	}
}
