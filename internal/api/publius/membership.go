package publius

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"publius/internal/account"
	"publius/internal/api/auth"
	"publius/internal/api/mastodon"
	"publius/internal/api/request"
	"publius/internal/api/response"
	"publius/internal/membership"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/zk"
)

// MembershipHandler serves groups, leaves, roots, badges and proof-carrying
// posts under /api/v1/publius/. There is deliberately no endpoint that
// returns a member's Merkle path: asking for it would reveal the leaf.
type MembershipHandler struct {
	Store    store.Store
	Accounts *account.Service
	Members  *membership.Service
	Present  *mastodon.Presenter
	Limiter  *ratelimit.Limiter
	// ProvingKeyPath is the proving key file members download to prove.
	ProvingKeyPath string
}

// InstallMembership loads the zk verifying key from the data directory (if
// `publius admin zk setup` has created it), builds the membership service,
// adds badges and post proofs to rendered accounts and statuses, and
// registers the routes.
func InstallMembership(ctx context.Context, mux *http.ServeMux, api *mastodon.Handler) error {
	vk, err := zk.LoadVerifyingKey(api.Config.DataDir)
	if errors.Is(err, fs.ErrNotExist) {
		vk = nil // endpoints that need it answer 503
	} else if err != nil {
		return fmt.Errorf("membership: %w", err)
	}
	h := &MembershipHandler{Store: api.Store, Accounts: api.Accounts, Present: api.Present, Limiter: api.Limiter,
		Members:        membership.NewService(api.Store, vk, api.Config.RootsKept, api.Timelines),
		ProvingKeyPath: filepath.Join(api.Config.DataDir, zk.ProvingKeyFile)}
	h.hook()
	h.Routes(mux)
	return nil
}

// Routes registers the membership routes.
func (h *MembershipHandler) Routes(mux *http.ServeMux) {
	const p = "/api/v1/publius"
	mux.HandleFunc("GET "+p+"/zk", h.zkKey)
	mux.HandleFunc("GET "+p+"/zk/proving_key", h.provingKey)
	mux.HandleFunc("POST "+p+"/groups", h.auth("admin:write", h.createGroup))
	mux.HandleFunc("GET "+p+"/groups", h.listGroups)
	mux.HandleFunc("GET "+p+"/groups/{slug}", h.showGroup)
	mux.HandleFunc("POST "+p+"/groups/{slug}/verifiers", h.auth("admin:write", h.addVerifier))
	mux.HandleFunc("POST "+p+"/groups/{slug}/members", h.auth("write", h.addMember))
	mux.HandleFunc("DELETE "+p+"/groups/{slug}/members/{index}", h.auth("write", h.removeMember))
	mux.HandleFunc("GET "+p+"/groups/{slug}/leaves", h.leaves)
	mux.HandleFunc("GET "+p+"/groups/{slug}/roots", h.roots)
	mux.HandleFunc("POST "+p+"/groups/{slug}/badge", h.auth("write:accounts", h.claimBadge))
	mux.HandleFunc("POST "+p+"/statuses", h.auth("write:statuses", h.createStatus))
}

func me(r *http.Request) *store.Account { return auth.Account(r) }

// auth requires a user token with scope.
func (h *MembershipHandler) auth(scope string, next http.HandlerFunc) http.HandlerFunc {
	return auth.Require(h.Accounts, auth.User, scope, next)
}

func (h *MembershipHandler) zkKey(w http.ResponseWriter, r *http.Request) {
	vk, err := h.Members.VerifyingKey()
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, map[string]any{
		"verifying_key": base64.StdEncoding.EncodeToString(vk.Bytes()),
		"sha256":        vk.Fingerprint(),
		"header":        vk.Header(),
		"roots_kept":    h.Members.RootsKept(),
	})
}

// provingKey serves the proving key file: members need it to prove on
// their own devices. It is public, like the verifying key.
func (h *MembershipHandler) provingKey(w http.ResponseWriter, r *http.Request) {
	if _, err := h.Members.VerifyingKey(); err != nil {
		fail(w, err)
		return
	}
	f, err := os.Open(h.ProvingKeyPath)
	if err != nil {
		fail(w, membership.ErrNoKeys)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", time.Time{}, f)
}

type groupForm struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (h *MembershipHandler) createGroup(w http.ResponseWriter, r *http.Request) {
	var f groupForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	g, err := h.Members.CreateGroup(r.Context(), me(r), membership.NewGroup{Slug: f.Slug, Name: f.Name, Description: f.Description})
	if err != nil {
		fail(w, err)
		return
	}
	h.renderGroup(w, r, g, http.StatusCreated)
}

func (h *MembershipHandler) listGroups(w http.ResponseWriter, r *http.Request) {
	list, err := h.Members.Groups(r.Context())
	if err != nil {
		fail(w, err)
		return
	}
	out := make([]GroupJSON, 0, len(list))
	for _, g := range list {
		j, err := h.groupJSON(r.Context(), g, false)
		if err != nil {
			fail(w, err)
			return
		}
		out = append(out, j)
	}
	response.OK(w, out)
}

func (h *MembershipHandler) showGroup(w http.ResponseWriter, r *http.Request) {
	g, err := h.Members.Group(r.Context(), r.PathValue("slug"))
	if err != nil {
		fail(w, err)
		return
	}
	h.renderGroup(w, r, g, http.StatusOK)
}

// GroupJSON is a group as the API shows it.
type GroupJSON struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	// Root is the current root; Members the anonymity set of a proof
	// against it (current members, removed ones not counted).
	Root      string `json:"root"`
	Members   int64  `json:"members"`
	LeafCount uint64 `json:"leaf_count"`
	Version   int64  `json:"version"`
	RootsKept int    `json:"roots_kept"`
	// RecentRoots are the roots proofs may use now (newest first).
	RecentRoots []RootJSON     `json:"recent_roots,omitempty"`
	Verifiers   []VerifierJSON `json:"verifiers,omitempty"`
}

// RootJSON is one root history entry.
type RootJSON struct {
	Seq          int64  `json:"seq"`
	Root         string `json:"root"`
	AnonymitySet int64  `json:"anonymity_set"`
	CreatedAt    string `json:"created_at"`
}

// VerifierJSON names a verifier account.
type VerifierJSON struct {
	ID   string `json:"id"`
	Acct string `json:"acct"`
}

func rootJSON(r store.Root) RootJSON {
	var e zk.Element
	e.SetBytes(r.Root)
	return RootJSON{Seq: r.Seq, Root: zk.EncodeElement(e), AnonymitySet: r.Size, CreatedAt: day(r.CreatedOn)}
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func (h *MembershipHandler) groupJSON(ctx context.Context, g *store.Group, detail bool) (GroupJSON, error) {
	cur, err := h.Members.CurrentRoot(ctx, g)
	if err != nil {
		return GroupJSON{}, err
	}
	out := GroupJSON{Slug: g.Slug, Name: g.Name, Description: g.Description, CreatedAt: day(g.CreatedOn),
		Root: rootJSON(cur).Root, Members: g.MemberCount, LeafCount: g.LeafCount, Version: g.Version,
		RootsKept: h.Members.RootsKept()}
	if !detail {
		return out, nil
	}
	roots, err := h.Members.Roots(ctx, g, 0, h.Members.RootsKept())
	if err != nil {
		return out, err
	}
	out.RecentRoots = make([]RootJSON, 0, len(roots))
	for _, r := range roots {
		out.RecentRoots = append(out.RecentRoots, rootJSON(r))
	}
	vs, err := h.Members.Verifiers(ctx, g)
	if err != nil {
		return out, err
	}
	out.Verifiers = make([]VerifierJSON, 0, len(vs))
	for _, a := range vs {
		out.Verifiers = append(out.Verifiers, VerifierJSON{ID: a.ID, Acct: a.Handle})
	}
	return out, nil
}

func (h *MembershipHandler) renderGroup(w http.ResponseWriter, r *http.Request, g *store.Group, status int) {
	out, err := h.groupJSON(r.Context(), g, true)
	if err != nil {
		fail(w, err)
		return
	}
	response.JSON(w, status, out)
}

type verifierForm struct {
	Account string `json:"account"`
}

func (h *MembershipHandler) addVerifier(w http.ResponseWriter, r *http.Request) {
	var f verifierForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	a, err := h.Members.AddVerifier(r.Context(), me(r), r.PathValue("slug"), f.Account)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, VerifierJSON{ID: a.ID, Acct: a.Handle})
}

type memberForm struct {
	Commitment string `json:"commitment"`
}

// ChangeJSON answers a membership change.
type ChangeJSON struct {
	Index uint64   `json:"index"`
	Root  RootJSON `json:"root"`
}

func (h *MembershipHandler) addMember(w http.ResponseWriter, r *http.Request) {
	var f memberForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	c, err := h.Members.AddMember(r.Context(), me(r), r.PathValue("slug"), f.Commitment)
	if err != nil {
		fail(w, err)
		return
	}
	response.JSON(w, http.StatusCreated, ChangeJSON{Index: c.Index, Root: rootJSON(c.Root)})
}

func (h *MembershipHandler) removeMember(w http.ResponseWriter, r *http.Request) {
	index, err := strconv.ParseUint(r.PathValue("index"), 10, 32)
	if err != nil {
		response.Unprocessable(w, "index must be a leaf number")
		return
	}
	c, err := h.Members.RemoveMember(r.Context(), me(r), r.PathValue("slug"), index)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, ChangeJSON{Index: c.Index, Root: rootJSON(c.Root)})
}

// LeavesJSON is one page of a group's leaves.
type LeavesJSON struct {
	From uint64 `json:"from"`
	// Leaves are hex commitments; a removed member's leaf is 64 zeros.
	Leaves []string `json:"leaves"`
	// Next is the from of the next page; LeafCount the total at the time.
	Next      uint64 `json:"next"`
	LeafCount uint64 `json:"leaf_count"`
	Version   int64  `json:"version"`
}

func (h *MembershipHandler) leaves(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, limit := uint64(0), membership.MaxLeavesPage
	var err error
	if v := q.Get("from"); v != "" {
		if from, err = strconv.ParseUint(v, 10, 32); err != nil {
			response.Unprocessable(w, "from must be a leaf number")
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			response.Unprocessable(w, "limit must be a positive number")
			return
		}
	}
	g, err := h.Members.Group(r.Context(), r.PathValue("slug"))
	if err != nil {
		fail(w, err)
		return
	}
	list, err := h.Members.Leaves(r.Context(), g, from, limit)
	if err != nil {
		fail(w, err)
		return
	}
	if r.Header.Get("Accept") == LeavesBinary {
		writeLeavesBinary(w, g, list)
		return
	}
	out := LeavesJSON{From: from, Leaves: make([]string, len(list)), Next: from + uint64(len(list)),
		LeafCount: g.LeafCount, Version: g.Version}
	for i, l := range list {
		out.Leaves[i] = zk.EncodeElement(l)
	}
	response.OK(w, out)
}

// LeavesBinary is the Accept value for the compact leaves form: the
// leaves' 32-byte big-endian encodings back to back, with the group's leaf
// count and version in the Publius-Leaf-Count and Publius-Version headers.
// It is about three times smaller than JSON and needs no parsing.
const LeavesBinary = "application/vnd.publius.leaves"

func writeLeavesBinary(w http.ResponseWriter, g *store.Group, list []zk.Element) {
	body := make([]byte, 0, 32*len(list))
	for i := range list {
		b := list[i].Bytes()
		body = append(body, b[:]...)
	}
	w.Header().Set("Content-Type", LeavesBinary)
	w.Header().Set("Publius-Leaf-Count", strconv.FormatUint(g.LeafCount, 10))
	w.Header().Set("Publius-Version", strconv.FormatInt(g.Version, 10))
	w.Write(body)
}

func (h *MembershipHandler) roots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g, err := h.Members.Group(r.Context(), r.PathValue("slug"))
	if err != nil {
		fail(w, err)
		return
	}
	if root := q.Get("root"); root != "" {
		e, err := h.Members.FindRoot(r.Context(), g, root)
		if err != nil {
			fail(w, err)
			return
		}
		response.OK(w, []RootJSON{rootJSON(*e)})
		return
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		limit = 100
	}
	list, err := h.Members.Roots(r.Context(), g, before, limit)
	if err != nil {
		fail(w, err)
		return
	}
	out := make([]RootJSON, 0, len(list))
	for _, e := range list {
		out = append(out, rootJSON(e))
	}
	response.OK(w, out)
}

type proofForm struct {
	Proof     string `json:"proof"`
	Root      string `json:"root"`
	Nullifier string `json:"nullifier"`
}

func (f proofForm) input() membership.ProofInput {
	return membership.ProofInput{Proof: f.Proof, Root: f.Root, Nullifier: f.Nullifier}
}

func (h *MembershipHandler) claimBadge(w http.ResponseWriter, r *http.Request) {
	var f proofForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	if ok, wait := h.Limiter.Allow(ratelimit.Post, me(r).ID); !ok {
		response.TooManyRequests(w, wait) // each claim costs a proof verification
		return
	}
	b, err := h.Members.ClaimBadge(r.Context(), me(r), r.PathValue("slug"), f.input())
	if err != nil {
		fail(w, err)
		return
	}
	response.JSON(w, http.StatusCreated, badgeJSON(b))
}

func badgeJSON(b *store.Badge) mastodon.Badge {
	return mastodon.Badge{Group: b.GroupSlug, GroupName: b.GroupName, AnonymitySet: b.AnonymitySet,
		VerifiedAt: day(b.CreatedOn)}
}

// postForm is Mastodon's status form plus the proof. Posting stays on
// POST /api/v1/statuses for every Mastodon client; proof-carrying posts
// come here so the Mastodon endpoint keeps its exact behaviour.
type postForm struct {
	mastodon.StatusForm
	Proof *struct {
		Group      string `json:"group"`
		ScopeNonce string `json:"scope_nonce"`
		proofForm
	} `json:"publius_proof"`
}

func (h *MembershipHandler) createStatus(w http.ResponseWriter, r *http.Request) {
	var f postForm
	if err := request.Decode(w, r, &f); err != nil {
		fail(w, err)
		return
	}
	if f.Proof == nil {
		response.Unprocessable(w, "publius_proof is required here; post without a proof to /api/v1/statuses")
		return
	}
	in, problem := f.NewStatus()
	if problem != "" {
		response.Unprocessable(w, problem)
		return
	}
	author := me(r)
	if ok, wait := h.Limiter.Allow(ratelimit.Post, author.ID); !ok {
		response.TooManyRequests(w, wait)
		return
	}
	st, err := h.Members.Post(r.Context(), author, in, r.Header.Get("Idempotency-Key"), membership.PostProofInput{
		Group: f.Proof.Group, ScopeNonce: f.Proof.ScopeNonce, ProofInput: f.Proof.input()})
	if err != nil {
		fail(w, err)
		return
	}
	out, err := h.Present.Status(r.Context(), h.Store, st, author)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, out)
}

// PostProofJSON is the `publius` object of a status carrying a proof:
// everything a reader needs to verify it with the group's root history
// and the verifying key, without trusting this server's word.
type PostProofJSON struct {
	Group      string `json:"group"`
	GroupName  string `json:"group_name"`
	Root       string `json:"root"`
	Nullifier  string `json:"nullifier"`
	Scope      string `json:"scope"`
	ScopeNonce string `json:"scope_nonce"`
	// Message is MessageHash(author id, text); Text is the exact text bound.
	Message      string `json:"message"`
	Text         string `json:"text"`
	Proof        string `json:"proof"`
	AnonymitySet int64  `json:"anonymity_set"`
}

// preloaded holds the badges and proofs of a list being rendered; an ID
// in a loaded set with no entry has none.
type preloaded struct {
	badges   map[string][]*store.Badge
	proofs   map[string]*store.PostProof
	accounts map[string]bool
	statuses map[string]bool
}

type preloadKey struct{}

// hook adds badges to accounts and proofs to statuses, keeping any hooks
// installed before.
func (h *MembershipHandler) hook() {
	prevPreload := h.Present.Preload
	h.Present.Preload = func(ctx context.Context, statuses []*store.Status, authorIDs []string) context.Context {
		if prevPreload != nil {
			ctx = prevPreload(ctx, statuses, authorIDs)
		}
		ids := make([]string, len(statuses))
		for i, s := range statuses {
			ids[i] = s.ID
		}
		pre := &preloaded{accounts: map[string]bool{}, statuses: map[string]bool{}}
		var err error
		if pre.badges, err = h.Store.BadgesOf(ctx, authorIDs); err != nil {
			return ctx // the hooks fall back to one query per item
		}
		if pre.proofs, err = h.Store.PostProofsOf(ctx, ids); err != nil {
			return ctx
		}
		for _, a := range authorIDs {
			pre.accounts[a] = true
		}
		for _, s := range ids {
			pre.statuses[s] = true
		}
		return context.WithValue(ctx, preloadKey{}, pre)
	}
	prevAccount, prevStatus := h.Present.AccountHook, h.Present.StatusHook
	h.Present.AccountHook = func(ctx context.Context, a *store.Account, out *mastodon.Account) {
		if prevAccount != nil {
			prevAccount(ctx, a, out)
		}
		h.addBadges(ctx, a, out)
	}
	h.Present.StatusHook = func(ctx context.Context, s *store.Status, out *mastodon.Status) {
		if prevStatus != nil {
			prevStatus(ctx, s, out)
		}
		h.addProof(ctx, s, out)
	}
}

// addBadges renders badges both as a Publius extension and as verified
// profile fields, so every Mastodon client shows them with their
// anonymity set.
func (h *MembershipHandler) addBadges(ctx context.Context, a *store.Account, out *mastodon.Account) {
	var badges []*store.Badge
	var err error
	if pre, ok := ctx.Value(preloadKey{}).(*preloaded); ok && pre.accounts[a.ID] {
		badges = pre.badges[a.ID]
	} else {
		badges, err = h.Members.Badges(ctx, a.ID)
	}
	if err != nil || len(badges) == 0 {
		return // a rendering hook cannot fail the request; the badge is missing this once
	}
	if out.Publius == nil {
		out.Publius = &mastodon.AccountExtension{}
	}
	for _, b := range badges {
		out.Publius.Badges = append(out.Publius.Badges, badgeJSON(b))
		at := b.CreatedOn.UTC().Format("2006-01-02T15:04:05.000Z")
		out.Fields = append(out.Fields, mastodon.Field{
			Name:       "Verified member",
			Value:      html.EscapeString(fmt.Sprintf("%s (one of %d)", b.GroupName, b.AnonymitySet)),
			VerifiedAt: &at,
		})
	}
}

func (h *MembershipHandler) addProof(ctx context.Context, s *store.Status, out *mastodon.Status) {
	var p *store.PostProof
	if pre, ok := ctx.Value(preloadKey{}).(*preloaded); ok && pre.statuses[s.ID] {
		p = pre.proofs[s.ID]
	} else {
		p, _ = h.Members.PostProof(ctx, s.ID)
	}
	if p == nil {
		return
	}
	hex := func(b []byte) string {
		var e zk.Element
		e.SetBytes(b)
		return zk.EncodeElement(e)
	}
	out.Publius = PostProofJSON{Group: p.GroupSlug, GroupName: p.GroupName, Root: hex(p.Root),
		Nullifier: hex(p.Nullifier), Scope: hex(p.Scope), ScopeNonce: p.ScopeNonce, Message: hex(p.Message),
		Text: s.Text, Proof: base64.RawURLEncoding.EncodeToString(p.Proof), AnonymitySet: p.AnonymitySet}
}
