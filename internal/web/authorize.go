package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"publius/internal/account"
	"publius/internal/ratelimit"
)

const csrfCookie = "publius_csrf"

// csrfToken returns the double-submit token, setting its cookie if needed.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 24)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/oauth", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return v
}

func csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) == 1
}

func (h *Handler) authorizeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if rt := q.Get("response_type"); rt != "" && rt != "code" {
		h.render(w, http.StatusBadRequest, "error", map[string]any{"Title": "Cannot authorize", "Error": "response_type must be code"})
		return
	}
	req, err := h.Accounts.CheckAuthRequest(r.Context(), q.Get("client_id"), q.Get("redirect_uri"), q.Get("scope"),
		q.Get("state"), q.Get("code_challenge"), q.Get("code_challenge_method"))
	if err != nil {
		h.authError(w, err)
		return
	}
	h.render(w, http.StatusOK, "authorize", formData(w, r, req, "", ""))
}

func formData(w http.ResponseWriter, r *http.Request, req *account.AuthRequest, handle, errMsg string) map[string]any {
	return map[string]any{
		"Title": "Authorize " + req.App.Name, "AppName": req.App.Name, "Scopes": req.Scopes,
		"CSRF": csrfToken(w, r), "ClientID": req.App.ClientID, "RedirectURI": req.RedirectURI,
		"Scope": strings.Join(req.Scopes, " "), "State": req.State, "Challenge": req.CodeChallenge,
		"ChallengeMethod": req.CodeChallengeMethod, "Handle": handle, "Error": errMsg,
	}
}

// authError shows a problem with the client's request on our page: the
// redirect URI is not trusted yet, so we never redirect to it.
func (h *Handler) authError(w http.ResponseWriter, err error) {
	msg := "This authorization request is invalid."
	switch {
	case errors.Is(err, account.ErrInvalidClient):
		msg = "Unknown application (client_id)."
	case errors.Is(err, account.ErrInvalidRedirect):
		msg = "The redirect_uri is not registered for this application."
	case errors.Is(err, account.ErrInvalidScope):
		msg = "The requested scope is invalid or exceeds the application's scopes."
	case errors.Is(err, account.ErrInvalidGrant):
		msg = err.Error()
	}
	h.render(w, http.StatusBadRequest, "error", map[string]any{"Title": "Cannot authorize", "Error": msg})
}

func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, http.StatusBadRequest, "error", map[string]any{"Title": "Cannot authorize", "Error": "The form could not be read."})
		return
	}
	if !csrfValid(r) {
		h.render(w, http.StatusForbidden, "error", map[string]any{"Title": "Cannot authorize",
			"Error": "The form expired or came from another site. Go back, reload and try again."})
		return
	}
	f := r.PostForm
	req, err := h.Accounts.CheckAuthRequest(r.Context(), f.Get("client_id"), f.Get("redirect_uri"), f.Get("scope"),
		f.Get("state"), f.Get("code_challenge"), f.Get("code_challenge_method"))
	if err != nil {
		h.authError(w, err)
		return
	}
	if f.Get("decision") == "deny" {
		h.redirect(w, r, req, url.Values{"error": {"access_denied"}, "error_description": {"The user denied access"}})
		return
	}
	client := h.Limiter.ClientAddress(r)
	if ok, wait := h.Limiter.Peek(ratelimit.Login, client); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		h.render(w, http.StatusTooManyRequests, "authorize", formData(w, r, req, f.Get("handle"),
			"Too many failed attempts. Wait a few minutes and try again."))
		return
	}
	a, err := h.Accounts.Authenticate(r.Context(), f.Get("handle"), f.Get("passphrase"))
	if err != nil {
		h.Limiter.Allow(ratelimit.Login, client)
		msg := "Wrong handle or passphrase."
		if errors.Is(err, account.ErrSuspended) {
			msg = "This account is suspended."
		}
		h.render(w, http.StatusUnauthorized, "authorize", formData(w, r, req, f.Get("handle"), msg))
		return
	}
	code, err := h.Codes.Issue(req, a.ID)
	if err != nil {
		h.Log.Error("issue code", "err", err)
		h.render(w, http.StatusInternalServerError, "error", map[string]any{"Title": "Cannot authorize", "Error": "Internal error."})
		return
	}
	if req.RedirectURI == account.OOBRedirect {
		h.render(w, http.StatusOK, "code", map[string]any{"Title": "Authorization code", "AppName": req.App.Name, "Code": code})
		return
	}
	h.redirect(w, r, req, url.Values{"code": {code}})
}

func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, req *account.AuthRequest, params url.Values) {
	if req.RedirectURI == account.OOBRedirect {
		h.render(w, http.StatusOK, "error", map[string]any{"Title": "Access denied", "Error": "You denied access."})
		return
	}
	u, _ := url.Parse(req.RedirectURI)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if req.State != "" {
		q.Set("state", req.State)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func itoa(i int) string { return strconv.Itoa(i) }
