package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"publius/internal/account"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/timeline"
)

func (h *Handler) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/accounts", h.auth(appAuth, "write:accounts", h.register))
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", h.auth(userAuth, "read:accounts|profile", h.verifyCredentials))
	mux.HandleFunc("PATCH /api/v1/accounts/update_credentials", h.auth(userAuth, "write:accounts", h.updateCredentials))
	mux.HandleFunc("GET /api/v1/accounts/lookup", h.auth(optionalAuth, "", h.lookupAccount))
	mux.HandleFunc("GET /api/v1/accounts/relationships", h.auth(userAuth, "read:follows", h.relationships))
	mux.HandleFunc("GET /api/v1/accounts/{id}", h.auth(optionalAuth, "", h.showAccount))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", h.auth(optionalAuth, "", h.accountStatuses))
	mux.HandleFunc("GET /api/v1/accounts/{id}/followers", h.auth(optionalAuth, "", h.followers))
	mux.HandleFunc("GET /api/v1/accounts/{id}/following", h.auth(optionalAuth, "", h.following))
	mux.HandleFunc("POST /api/v1/accounts/{id}/follow", h.auth(userAuth, "write:follows", h.follow))
	mux.HandleFunc("POST /api/v1/accounts/{id}/unfollow", h.auth(userAuth, "write:follows", h.unfollow))
	mux.HandleFunc("POST /api/v1/publius/account/delete", h.auth(userAuth, "write:accounts", h.deleteAccount))
}

type registerForm struct {
	Username  string       `json:"username"`
	Password  string       `json:"password"`
	Email     string       `json:"email"` // accepted from Mastodon clients, then dropped unread
	Agreement request.Bool `json:"agreement"`
	Locale    string       `json:"locale"`
	Reason    string       `json:"reason"`
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	if !h.Config.OpenRegistrations {
		response.Forbidden(w, "Registrations are closed on this server")
		return
	}
	var f registerForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	f.Email = "" // never stored, never logged
	if !bool(f.Agreement) {
		response.Unprocessable(w, "agreement must be accepted")
		return
	}
	if !h.limit(w, ratelimit.Signup, h.Limiter.ClientAddress(r)) {
		return
	}
	a, err := h.Accounts.Register(r.Context(), account.Registration{Handle: f.Username, Passphrase: f.Password})
	if err != nil {
		fail(w, err)
		return
	}
	caller := callerFrom(r)
	// As on Mastodon, the user token gets the app token's scopes, not
	// everything the app may ask for.
	secret, tok, err := h.Accounts.IssueToken(r.Context(), caller.App.ID, a.ID, caller.Token.Scopes)
	if err != nil {
		response.ServerError(w, err)
		return
	}
	response.OK(w, TokenEntity(secret, tok))
}

func (h *Handler) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	response.OK(w, h.Present.Account(r.Context(), viewer(r), true))
}

type credentialsForm struct {
	DisplayName      *string       `json:"display_name"`
	Note             *string       `json:"note"`
	Bot              *request.Bool `json:"bot"`
	HideCollections  *request.Bool `json:"hide_collections"`
	FieldsAttributes fieldsInput   `json:"fields_attributes"`
	Source           *struct {
		Privacy string `json:"privacy"`
	} `json:"source"`
}

// fieldsInput takes fields_attributes as a JSON array or as the form
// clients' object keyed by index ({"0": {"name": ..., "value": ...}}).
type fieldsInput struct {
	set    bool
	fields []store.Field
}

func (f *fieldsInput) UnmarshalJSON(b []byte) error {
	f.set = true
	var list []store.Field
	if err := json.Unmarshal(b, &list); err == nil {
		f.fields = list
		return nil
	}
	var byIndex map[string]store.Field
	if err := json.Unmarshal(b, &byIndex); err != nil {
		return err
	}
	for i := 0; i < len(byIndex); i++ {
		v, ok := byIndex[strconv.Itoa(i)]
		if !ok {
			return errors.New("fields_attributes keys must be 0..n-1")
		}
		f.fields = append(f.fields, v)
	}
	return nil
}

func (h *Handler) updateCredentials(w http.ResponseWriter, r *http.Request) {
	var f credentialsForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	p := store.Profile{DisplayName: f.DisplayName, Note: f.Note}
	if f.Bot != nil {
		p.Bot = ptr(bool(*f.Bot))
	}
	if f.HideCollections != nil {
		p.HideCollections = ptr(bool(*f.HideCollections))
	}
	if f.FieldsAttributes.set {
		var kept []store.Field
		for _, fl := range f.FieldsAttributes.fields {
			if strings.TrimSpace(fl.Name) != "" || strings.TrimSpace(fl.Value) != "" {
				kept = append(kept, fl)
			}
		}
		p.Fields = &kept
	}
	if err := account.ValidateProfile(p); err != nil {
		fail(w, err)
		return
	}
	me := viewer(r)
	if err := h.Store.UpdateProfile(r.Context(), me.ID, p); err != nil {
		fail(w, err)
		return
	}
	updated, err := h.Store.AccountByID(r.Context(), me.ID)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, h.Present.Account(r.Context(), updated, true))
}

// liveAccount loads an account that others may see.
func (h *Handler) liveAccount(r *http.Request, id string) (*store.Account, error) {
	a, err := h.Store.AccountByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if a.Deleted || a.Suspended {
		return nil, store.ErrNotFound
	}
	return a, nil
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.liveAccount(r, r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, h.Present.Account(r.Context(), a, false))
}

func (h *Handler) lookupAccount(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(r.Context(), strings.TrimPrefix(strings.TrimSpace(r.URL.Query().Get("acct")), "@"))
	if a == nil {
		response.NotFound(w)
		return
	}
	response.OK(w, h.Present.Account(r.Context(), a, false))
}

// localAccount resolves "handle" or "handle@this-host" to a visible local
// account, or nil.
func (h *Handler) localAccount(ctx context.Context, acct string) *store.Account {
	user, domain, _ := strings.Cut(acct, "@")
	if user == "" || (domain != "" && !strings.EqualFold(domain, h.Config.Host())) {
		return nil
	}
	handle, err := account.NormalizeHandle(user)
	if err != nil {
		return nil
	}
	a, err := h.Store.AccountByHandle(ctx, handle)
	if err != nil || a.Deleted || a.Suspended {
		return nil
	}
	return a
}

func (h *Handler) accountStatuses(w http.ResponseWriter, r *http.Request) {
	// No pinning and no media yet: those lists are empty.
	if request.Flag(r, "pinned") || request.Flag(r, "only_media") {
		response.OK(w, []any{})
		return
	}
	opts := timeline.AccountOptions{ExcludeReplies: request.Flag(r, "exclude_replies")}
	page := request.Page(r, request.MaxLimit)
	list, err := h.Timelines.Account(r.Context(), viewer(r), r.PathValue("id"), opts, page)
	if err != nil {
		fail(w, err)
		return
	}
	h.renderStatuses(w, r, list)
}

func (h *Handler) followers(w http.ResponseWriter, r *http.Request) {
	h.followList(w, r, h.Timelines.Followers)
}

func (h *Handler) following(w http.ResponseWriter, r *http.Request) {
	h.followList(w, r, h.Timelines.Following)
}

func (h *Handler) followList(w http.ResponseWriter, r *http.Request,
	list func(ctx context.Context, viewer *store.Account, accountID string, p store.Page) ([]store.FollowEdge, error)) {
	edges, err := list(r.Context(), viewer(r), r.PathValue("id"), request.Page(r, 80))
	if err != nil {
		fail(w, err)
		return
	}
	out := make([]*Account, 0, len(edges))
	ids := make([]string, 0, len(edges))
	for _, e := range edges {
		out = append(out, h.Present.Account(r.Context(), e.Account, false))
		ids = append(ids, e.ID)
	}
	setLinkHeader(w, r, h.Config.PublicURL, ids)
	response.OK(w, out)
}

func (h *Handler) follow(w http.ResponseWriter, r *http.Request) {
	h.changeFollow(w, r, h.Timelines.Follow)
}

func (h *Handler) unfollow(w http.ResponseWriter, r *http.Request) {
	h.changeFollow(w, r, h.Timelines.Unfollow)
}

func (h *Handler) changeFollow(w http.ResponseWriter, r *http.Request, change func(context.Context, *store.Account, string) error) {
	me, target := viewer(r), r.PathValue("id")
	if err := change(r.Context(), me, target); err != nil {
		fail(w, err)
		return
	}
	rels, err := h.Store.Relationships(r.Context(), me.ID, []string{target})
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, RelationshipEntity(target, rels[target]))
}

func (h *Handler) relationships(w http.ResponseWriter, r *http.Request) {
	ids := request.IDs(r, "id")
	if len(ids) > 100 {
		ids = ids[:100]
	}
	rels, err := h.Store.Relationships(r.Context(), viewer(r).ID, ids)
	if err != nil {
		fail(w, err)
		return
	}
	existing, err := h.Store.AccountsByIDs(r.Context(), ids)
	if err != nil {
		fail(w, err)
		return
	}
	out := make([]Relationship, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if a := existing[id]; a != nil && !a.Deleted && !seen[id] {
			seen[id] = true
			out = append(out, RelationshipEntity(id, rels[id]))
		}
	}
	response.OK(w, out)
}

type deleteForm struct {
	Passphrase string `json:"passphrase"`
}

// deleteAccount deletes the caller's account for good: posts, follows,
// tokens and profile go; only the handle stays reserved.
func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	var f deleteForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	if !h.checkLoginLimit(w, r) {
		return
	}
	err := h.Accounts.Delete(r.Context(), viewer(r).ID, f.Passphrase)
	if errors.Is(err, account.ErrBadCredentials) {
		h.loginFailed(r)
		response.Forbidden(w, "Wrong passphrase")
		return
	}
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, map[string]any{})
}

// setLinkHeader writes Mastodon's pagination Link header from the page's
// IDs (newest first): next pages older items, prev newer ones.
func setLinkHeader(w http.ResponseWriter, r *http.Request, base string, ids []string) {
	if len(ids) == 0 {
		return
	}
	link := func(key, value string) string {
		q := r.URL.Query()
		for _, k := range []string{"max_id", "since_id", "min_id"} {
			q.Del(k)
		}
		q.Set(key, value)
		return "<" + base + r.URL.Path + "?" + q.Encode() + ">"
	}
	w.Header().Set("Link", link("max_id", ids[len(ids)-1])+`; rel="next", `+link("min_id", ids[0])+`; rel="prev"`)
}
