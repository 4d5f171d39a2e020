package mastodon

import (
	"errors"
	"net/http"
	"strings"

	"publius/internal/account"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/ratelimit"
)

func (h *Handler) oauthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/apps", h.createApp)
	mux.HandleFunc("GET /api/v1/apps/verify_credentials", h.auth(appAuth, "", h.verifyApp))
	mux.HandleFunc("POST /oauth/token", h.token)
	mux.HandleFunc("POST /oauth/revoke", h.revoke)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", h.oauthMetadata)
}

type appForm struct {
	ClientName   string          `json:"client_name"`
	RedirectURIs request.Strings `json:"redirect_uris"`
	Scopes       string          `json:"scopes"`
	Website      string          `json:"website"`
}

func (h *Handler) createApp(w http.ResponseWriter, r *http.Request) {
	var f appForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	app, err := h.Accounts.CreateApp(r.Context(), account.AppRequest{
		Name: f.ClientName, Website: f.Website, RedirectURIs: f.RedirectURIs, Scopes: f.Scopes})
	if errors.Is(err, account.ErrInvalidApp) {
		response.Unprocessable(w, strings.TrimPrefix(err.Error(), account.ErrInvalidApp.Error()+": "))
		return
	}
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, ApplicationEntity(app, true))
}

func (h *Handler) verifyApp(w http.ResponseWriter, r *http.Request) {
	response.OK(w, ApplicationEntity(callerFrom(r).App, false))
}

type tokenForm struct {
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	CodeVerifier string `json:"code_verifier"`
	Scope        string `json:"scope"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	var f tokenForm
	if err := request.Decode(w, r, &f); err != nil {
		response.OAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	// RFC 6749 §2.3.1: client credentials may come as HTTP Basic auth.
	if id, secret, ok := r.BasicAuth(); ok && f.ClientID == "" {
		f.ClientID, f.ClientSecret = id, secret
	}
	ctx := r.Context()
	app, err := h.Accounts.AuthenticateClient(ctx, f.ClientID, f.ClientSecret,
		f.GrantType == "authorization_code" && f.CodeVerifier != "")
	if errors.Is(err, account.ErrInvalidClient) {
		response.OAuthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	if err != nil {
		response.ServerError(w, err)
		return
	}
	switch f.GrantType {
	case "authorization_code":
		s, t, err := h.Codes.Redeem(ctx, app, f.Code, f.RedirectURI, f.CodeVerifier)
		if errors.Is(err, account.ErrInvalidGrant) {
			response.OAuthError(w, http.StatusBadRequest, "invalid_grant", err.Error())
			return
		}
		if err != nil {
			response.ServerError(w, err)
			return
		}
		response.OK(w, TokenEntity(s, t))
	case "client_credentials":
		scopes, err := account.ParseScopes(f.Scope)
		if err != nil || !account.SubsetOf(scopes, app.Scopes) {
			response.OAuthError(w, http.StatusBadRequest, "invalid_scope", account.ErrInvalidScope.Error())
			return
		}
		s, t, err := h.Accounts.IssueToken(ctx, app.ID, "", scopes)
		if err != nil {
			response.ServerError(w, err)
			return
		}
		response.OK(w, TokenEntity(s, t))
	case "password":
		if !h.Config.AllowPasswordGrant {
			response.OAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
				"the password grant is disabled; start the server with --allow-password-grant to enable it")
			return
		}
		scopes, err := account.ParseScopes(f.Scope)
		if err != nil || !account.SubsetOf(scopes, app.Scopes) {
			response.OAuthError(w, http.StatusBadRequest, "invalid_scope", account.ErrInvalidScope.Error())
			return
		}
		if !h.checkLoginLimit(w, r) {
			return
		}
		a, err := h.Accounts.Authenticate(ctx, f.Username, f.Password)
		if err != nil {
			h.loginFailed(r)
			response.OAuthError(w, http.StatusBadRequest, "invalid_grant", account.ErrBadCredentials.Error())
			return
		}
		s, t, err := h.Accounts.IssueToken(ctx, app.ID, a.ID, scopes)
		if err != nil {
			response.ServerError(w, err)
			return
		}
		response.OK(w, TokenEntity(s, t))
	default:
		response.OAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
			"grant_type must be authorization_code or client_credentials")
	}
}

// checkLoginLimit refuses a login attempt from an address that failed too
// often recently. Only failures spend tokens (see loginFailed).
func (h *Handler) checkLoginLimit(w http.ResponseWriter, r *http.Request) bool {
	if ok, wait := h.Limiter.Peek(ratelimit.Login, h.Limiter.ClientAddress(r)); !ok {
		response.TooManyRequests(w, wait)
		return false
	}
	return true
}

func (h *Handler) loginFailed(r *http.Request) {
	h.Limiter.Allow(ratelimit.Login, h.Limiter.ClientAddress(r))
}

type revokeForm struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Token        string `json:"token"`
}

func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	var f revokeForm
	if err := request.Decode(w, r, &f); err != nil {
		response.OAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if id, secret, ok := r.BasicAuth(); ok && f.ClientID == "" {
		f.ClientID, f.ClientSecret = id, secret
	}
	app, err := h.Accounts.AuthenticateClient(r.Context(), f.ClientID, f.ClientSecret, false)
	if err != nil {
		response.OAuthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	caller, err := h.Accounts.ResolveToken(r.Context(), f.Token)
	if err == nil && caller.App.ID != app.ID {
		response.OAuthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	if err := h.Accounts.RevokeToken(r.Context(), f.Token); err != nil {
		response.ServerError(w, err)
		return
	}
	response.OK(w, map[string]any{})
}

func (h *Handler) oauthMetadata(w http.ResponseWriter, r *http.Request) {
	base := h.Config.PublicURL
	grants := []string{"authorization_code", "client_credentials"}
	if h.Config.AllowPasswordGrant {
		grants = append(grants, "password")
	}
	response.OK(w, map[string]any{
		"issuer":                                base + "/",
		"service_documentation":                 "https://docs.joinmastodon.org/",
		"authorization_endpoint":                base + "/oauth/authorize",
		"token_endpoint":                        base + "/oauth/token",
		"revocation_endpoint":                   base + "/oauth/revoke",
		"app_registration_endpoint":             base + "/api/v1/apps",
		"scopes_supported":                      []string{"read", "write", "follow", "push", "profile", "read:accounts", "read:follows", "read:statuses", "write:accounts", "write:follows", "write:statuses"},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"grant_types_supported":                 grants,
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}
