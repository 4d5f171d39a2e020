package publius_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"publius/internal/api/publius"
	"publius/internal/config"
	"publius/internal/membership"
	"publius/internal/membership/merkle"
	"publius/internal/servertest"
	"publius/internal/zk"
)

type keyPair struct {
	pk *zk.ProvingKey
	vk *zk.VerifyingKey
}

// testKeys runs one Groth16 setup per test binary.
var testKeys = sync.OnceValues(func() (keyPair, error) {
	pk, vk, err := zk.Setup()
	return keyPair{pk, vk}, err
})

func keys(t testing.TB) keyPair {
	t.Helper()
	k, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type fixture struct {
	env        *servertest.Env
	keys       keyPair
	adminToken string // admin:write
	verifier   servertest.User
	slug       string
	members    []zk.Identity
}

// withKeys writes the test keys into the server's data dir before it starts.
func withKeys(t testing.TB, k keyPair, rootsKept int) func(*config.Config) {
	return func(c *config.Config) {
		if err := zk.WriteKeys(c.DataDir, k.pk, k.vk); err != nil {
			t.Fatal(err)
		}
		c.RootsKept = rootsKept
	}
}

func newFixture(t *testing.T, members, rootsKept int) *fixture {
	t.Helper()
	k := keys(t)
	env := servertest.Start(t, withKeys(t, k, rootsKept))
	f := &fixture{env: env, keys: k, slug: "agency"}
	f.adminToken = groupAdminToken(t, env)
	f.verifier = env.Register(t, "verifier")
	f.createGroup(t, f.slug)
	env.Must(t, 200, "POST", "/api/v1/publius/groups/agency/verifiers", f.adminToken, map[string]any{"account": "@verifier"})
	for i := 0; i < members; i++ {
		f.members = append(f.members, f.enrol(t, f.slug))
	}
	return f
}

// adminToken registers an operator and returns a token with admin:write.
func groupAdminToken(t testing.TB, env *servertest.Env) string {
	u := env.Register(t, "boss")
	if err := env.Server.Store.SetAdmin(t.Context(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	app := env.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "ops", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write admin:write"}).Map(t)
	tok := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
		"client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)},
		"username": {"boss"}, "password": {servertest.Passphrase}, "scope": {"read write admin:write"}}).Map(t)
	return tok["access_token"].(string)
}

func (f *fixture) createGroup(t testing.TB, slug string) {
	f.env.Must(t, 201, "POST", "/api/v1/publius/groups", f.adminToken, map[string]any{
		"slug": slug, "name": "Agency " + slug, "description": "Employees of " + slug})
}

// enrol creates an identity and has the verifier add its commitment.
func (f *fixture) enrol(t testing.TB, slug string) zk.Identity {
	t.Helper()
	id, err := zk.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	f.env.Must(t, 201, "POST", "/api/v1/publius/groups/"+slug+"/members", f.verifier.Token,
		map[string]any{"commitment": zk.EncodeElement(id.Commitment())})
	return id
}

// syncLeaves reads every leaf of a group through the public API.
func (f *fixture) syncLeaves(t testing.TB, slug string) []zk.Element {
	t.Helper()
	var out []zk.Element
	for {
		var page struct {
			Leaves    []string `json:"leaves"`
			Next      uint64   `json:"next"`
			LeafCount uint64   `json:"leaf_count"`
		}
		f.env.Must(t, 200, "GET", fmt.Sprintf("/api/v1/publius/groups/%s/leaves?from=%d", slug, len(out)), "", nil).JSON(t, &page)
		for _, s := range page.Leaves {
			e, err := zk.DecodeElement(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		if len(page.Leaves) == 0 || uint64(len(out)) >= page.LeafCount {
			return out
		}
	}
}

// proveWith proves membership of id over leaves for scope and message.
func (f *fixture) proveWith(t testing.TB, leaves []zk.Element, id zk.Identity, scope, message zk.Element) map[string]any {
	t.Helper()
	c := id.Commitment()
	idx := -1
	for i := range leaves {
		if leaves[i].Equal(&c) {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("identity not among the leaves")
	}
	path, root, err := merkle.PathFromLeaves(leaves, uint64(idx))
	if err != nil {
		t.Fatal(err)
	}
	proof, pub, err := zk.ProveRoot(f.keys.pk, id, path, root, scope, message)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"proof": zk.EncodeProof(proof), "root": zk.EncodeElement(pub.Root),
		"nullifier": zk.EncodeElement(pub.Nullifier)}
}

func (f *fixture) badgeProof(t testing.TB, slug string, id zk.Identity, accountID string) map[string]any {
	return f.proveWith(t, f.syncLeaves(t, slug), id, membership.BadgeScope(slug), membership.BadgeMessage(accountID))
}

// mustReject checks a clear 4xx JSON error (never a 500).
func mustReject(t *testing.T, r *servertest.Response, want int, contains string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body %s", r.Status, want, r.Body)
	}
	m := r.Map(t)
	msg, _ := m["error"].(string)
	if msg == "" || !strings.Contains(msg, contains) {
		t.Fatalf("error %q does not mention %q", msg, contains)
	}
}

func TestBadgeClaimShowsOnAccount(t *testing.T) {
	f := newFixture(t, 3, 8)
	alice := f.env.Register(t, "alice")
	r := f.env.Must(t, 201, "POST", "/api/v1/publius/groups/agency/badge", alice.Token, f.badgeProof(t, "agency", f.members[1], alice.ID)).Map(t)
	if r["anonymity_set"].(float64) != 3 || r["group"] != "agency" {
		t.Fatalf("badge %v", r)
	}
	acct := f.env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID, "", nil).Map(t)
	badges := acct["publius"].(map[string]any)["badges"].([]any)
	if len(badges) != 1 || badges[0].(map[string]any)["anonymity_set"].(float64) != 3 {
		t.Fatalf("badges %v", badges)
	}
	fields := acct["fields"].([]any)
	field := fields[len(fields)-1].(map[string]any)
	if field["name"] != "Verified member" || field["verified_at"] == nil ||
		!strings.Contains(field["value"].(string), "Agency agency (one of 3)") {
		t.Fatalf("profile field %v", field)
	}
	// An account without a badge shows none.
	bob := f.env.Register(t, "bob")
	if m := f.env.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID, "", nil).Map(t); m["publius"] != nil {
		t.Fatalf("bob has %v", m["publius"])
	}
	// The same account cannot hold two badges of one group.
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/groups/agency/badge", alice.Token,
		f.badgeProof(t, "agency", f.members[2], alice.ID)), 409, "already holds a badge")
}

func TestBadgeClaimRejects(t *testing.T) {
	const k = 3
	f := newFixture(t, 4, k)
	alice, bob := f.env.Register(t, "alice"), f.env.Register(t, "bob")
	claim := func(u servertest.User, body any) *servertest.Response {
		return f.env.Do(t, "POST", "/api/v1/publius/groups/agency/badge", u.Token, body)
	}
	valid := f.badgeProof(t, "agency", f.members[0], alice.ID)
	with := func(key, value string) map[string]any {
		m := map[string]any{}
		for k, v := range valid {
			m[k] = v
		}
		m[key] = value
		return m
	}
	proofBytes, _ := base64.RawURLEncoding.DecodeString(valid["proof"].(string))
	random := make([]byte, zk.ProofSize)
	rand.Read(random)

	t.Run("wrong root", func(t *testing.T) {
		mustReject(t, claim(alice, with("root", zk.EncodeElement(zk.Commitment(zk.ZeroHash(3))))), 422, "never a root")
	})
	t.Run("root of another group", func(t *testing.T) {
		f.createGroup(t, "other")
		f.env.Must(t, 200, "POST", "/api/v1/publius/groups/other/verifiers", f.adminToken, map[string]any{"account": "verifier"})
		f.enrol(t, "other") // so that other's roots differ from agency's
		f.env.Must(t, 201, "POST", "/api/v1/publius/groups/other/members", f.verifier.Token,
			map[string]any{"commitment": zk.EncodeElement(f.members[0].Commitment())})
		other := f.badgeProof(t, "other", f.members[0], alice.ID)
		// A valid proof for group "other", submitted to "agency".
		mustReject(t, claim(alice, other), 422, "never a root")
		// Its proof with agency's root: scope and root do not match.
		mustReject(t, claim(alice, map[string]any{"proof": other["proof"], "root": valid["root"], "nullifier": other["nullifier"]}), 422, "does not verify")
	})
	t.Run("tampered message", func(t *testing.T) {
		// Alice's proof submitted by Bob: the message is Bob's account ID.
		mustReject(t, claim(bob, valid), 422, "does not verify")
	})
	t.Run("tampered nullifier", func(t *testing.T) {
		mustReject(t, claim(alice, with("nullifier", zk.EncodeElement(zk.ZeroHash(1)))), 422, "does not verify")
	})
	t.Run("random bytes", func(t *testing.T) {
		mustReject(t, claim(alice, with("proof", base64.RawURLEncoding.EncodeToString(random))), 422, "invalid membership proof")
		mustReject(t, claim(alice, with("proof", strings.Repeat("!", len(valid["proof"].(string))))), 422, "invalid membership proof")
	})
	t.Run("truncated proof", func(t *testing.T) {
		mustReject(t, claim(alice, with("proof", base64.RawURLEncoding.EncodeToString(proofBytes[:zk.ProofSize-1]))), 422, "invalid membership proof")
		mustReject(t, claim(alice, with("proof", "")), 422, "invalid membership proof")
	})
	t.Run("malformed fields", func(t *testing.T) {
		mustReject(t, claim(alice, with("root", "xyz")), 422, "root")
		mustReject(t, claim(alice, `{"proof": 5}`), 400, "wrong type")
		mustReject(t, claim(alice, `{`), 400, "malformed")
	})
	t.Run("unknown group", func(t *testing.T) {
		r := f.env.Do(t, "POST", "/api/v1/publius/groups/nope/badge", alice.Token, valid)
		mustReject(t, r, 404, "not found")
	})
	t.Run("no token", func(t *testing.T) {
		mustReject(t, claim(servertest.User{}, valid), 401, "invalid")
	})
	t.Run("valid then reused nullifier", func(t *testing.T) {
		f.env.Must(t, 201, "POST", "/api/v1/publius/groups/agency/badge", alice.Token, valid)
		// The same member claiming for a second account.
		mustReject(t, claim(bob, f.badgeProof(t, "agency", f.members[0], bob.ID)), 409, "another account")
	})
	t.Run("stale root", func(t *testing.T) {
		carol := f.env.Register(t, "carol")
		old := f.badgeProof(t, "agency", f.members[1], carol.ID)
		for i := 0; i < k; i++ {
			f.enrol(t, "agency")
		}
		mustReject(t, claim(carol, old), 422, "older than the group's last 3 roots")
		// Proving again against a current root works.
		f.env.Must(t, 201, "POST", "/api/v1/publius/groups/agency/badge", carol.Token, f.badgeProof(t, "agency", f.members[1], carol.ID))
	})
	t.Run("removed member", func(t *testing.T) {
		dave := f.env.Register(t, "dave")
		before := f.syncLeaves(t, "agency")
		idx := -1
		c := f.members[2].Commitment()
		for i := range before {
			if before[i].Equal(&c) {
				idx = i
			}
		}
		// A non-verifier cannot remove anyone.
		mustReject(t, f.env.Do(t, "DELETE", fmt.Sprintf("/api/v1/publius/groups/agency/members/%d", idx), dave.Token, nil), 403, "verifiers")
		f.env.Must(t, 200, "DELETE", fmt.Sprintf("/api/v1/publius/groups/agency/members/%d", idx), f.verifier.Token, nil)
		mustReject(t, f.env.Do(t, "DELETE", fmt.Sprintf("/api/v1/publius/groups/agency/members/%d", idx), f.verifier.Token, nil), 404, "not found")
		after := f.syncLeaves(t, "agency")
		if !after[idx].IsZero() || len(after) != len(before) {
			t.Fatal("removed leaf is not zero")
		}
		// No path leads from the removed commitment to the current root.
		path, root, _ := merkle.PathFromLeaves(after, uint64(idx))
		if _, _, err := zk.ProveRoot(f.keys.pk, f.members[2], path, root, membership.BadgeScope("agency"), membership.BadgeMessage(dave.ID)); err == nil {
			t.Fatal("removed member could prove against the current root")
		}
		// Its proof against the pre-removal root dies once that root is past K.
		old := f.proveWith(t, before, f.members[2], membership.BadgeScope("agency"), membership.BadgeMessage(dave.ID))
		for i := 0; i < k; i++ {
			f.enrol(t, "agency")
		}
		mustReject(t, claim(dave, old), 422, "older than")
		// Putting itself back into today's leaves gives a root the group never had.
		forged := withLeaf(f.syncLeaves(t, "agency"), idx, c)
		mustReject(t, claim(dave, f.proveWith(t, forged, f.members[2], membership.BadgeScope("agency"), membership.BadgeMessage(dave.ID))), 422, "never a root")
	})
}

// withLeaf returns leaves with c put back at idx.
func withLeaf(leaves []zk.Element, idx int, c zk.Element) []zk.Element {
	out := append([]zk.Element(nil), leaves...)
	out[idx] = c
	return out
}

func TestMembersAuthorization(t *testing.T) {
	f := newFixture(t, 1, 4)
	mallory := f.env.Register(t, "mallory")
	id, _ := zk.NewIdentity()
	c := zk.EncodeElement(id.Commitment())
	path := "/api/v1/publius/groups/agency/members"
	mustReject(t, f.env.Do(t, "POST", path, mallory.Token, map[string]any{"commitment": c}), 403, "verifiers")
	mustReject(t, f.env.Do(t, "POST", path, "", map[string]any{"commitment": c}), 401, "invalid")
	mustReject(t, f.env.Do(t, "POST", path, f.verifier.Token, map[string]any{"commitment": strings.Repeat("0", 64)}), 422, "zero")
	mustReject(t, f.env.Do(t, "POST", path, f.verifier.Token, map[string]any{"commitment": "abc"}), 422, "64 hex")
	mustReject(t, f.env.Do(t, "POST", path, f.verifier.Token, map[string]any{"commitment": strings.Repeat("f", 64)}), 422, "modulus")
	mustReject(t, f.env.Do(t, "POST", path, f.verifier.Token, map[string]any{"commitment": zk.EncodeElement(f.members[0].Commitment())}), 409, "already a member")
	// Operators may add members; verifiers may not create groups or appoint verifiers.
	f.env.Must(t, 201, "POST", path, f.adminToken, map[string]any{"commitment": c})
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/groups", f.verifier.Token, map[string]any{"slug": "x1", "name": "X"}), 403, "scopes")
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/groups", f.adminToken, map[string]any{"slug": "agency", "name": "X"}), 409, "exists")
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/groups", f.adminToken, map[string]any{"slug": "Bad Slug", "name": "X"}), 422, "slug")
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/groups/agency/verifiers", f.adminToken, map[string]any{"account": "@nobody"}), 422, "no account")
	mustReject(t, f.env.Do(t, "DELETE", path+"/abc", f.verifier.Token, nil), 422, "leaf number")
	mustReject(t, f.env.Do(t, "DELETE", path+"/99", f.verifier.Token, nil), 404, "not found")

	g := f.env.Must(t, 200, "GET", "/api/v1/publius/groups/agency", "", nil).Map(t)
	if g["members"].(float64) != 2 || g["leaf_count"].(float64) != 2 || len(g["recent_roots"].([]any)) != 2 ||
		len(g["verifiers"].([]any)) != 1 {
		t.Fatalf("group %v", g)
	}
}

func TestLeavesAndRoots(t *testing.T) {
	f := newFixture(t, 5, 4)
	var page struct {
		From   uint64   `json:"from"`
		Leaves []string `json:"leaves"`
		Next   uint64   `json:"next"`
	}
	f.env.Must(t, 200, "GET", "/api/v1/publius/groups/agency/leaves?from=1&limit=3", "", nil).JSON(t, &page)
	if page.From != 1 || page.Next != 4 || len(page.Leaves) != 3 || page.Leaves[0] != zk.EncodeElement(f.members[1].Commitment()) {
		t.Fatalf("page %+v", page)
	}
	bin := f.env.Must(t, 200, "GET", "/api/v1/publius/groups/agency/leaves?from=1&limit=3", "", nil, "Accept", publius.LeavesBinary)
	if len(bin.Body) != 3*32 || bin.Header.Get("Publius-Leaf-Count") != "5" || bin.Header.Get("Publius-Version") != "5" {
		t.Fatalf("binary page: %d bytes, headers %v", len(bin.Body), bin.Header)
	}
	c1 := f.members[1].Commitment()
	if c := c1.Bytes(); string(bin.Body[:32]) != string(c[:]) {
		t.Fatal("binary page starts with the wrong leaf")
	}
	mustReject(t, f.env.Do(t, "GET", "/api/v1/publius/groups/agency/leaves?from=-1", "", nil), 422, "leaf number")
	mustReject(t, f.env.Do(t, "GET", "/api/v1/publius/groups/agency/leaves?limit=x", "", nil), 422, "limit")
	var roots []struct {
		Seq          int64  `json:"seq"`
		Root         string `json:"root"`
		AnonymitySet int64  `json:"anonymity_set"`
	}
	f.env.Must(t, 200, "GET", "/api/v1/publius/groups/agency/roots?limit=2", "", nil).JSON(t, &roots)
	if len(roots) != 2 || roots[0].Seq != 5 || roots[0].AnonymitySet != 5 || roots[1].AnonymitySet != 4 {
		t.Fatalf("roots %+v", roots)
	}
	_, want, _ := merkle.PathFromLeaves(f.syncLeaves(t, "agency"), 0)
	if roots[0].Root != zk.EncodeElement(want) {
		t.Fatal("newest root does not match the leaves")
	}
	f.env.Must(t, 200, "GET", "/api/v1/publius/groups/agency/roots?root="+roots[1].Root, "", nil).JSON(t, &roots)
	if len(roots) != 1 || roots[0].Seq != 4 {
		t.Fatalf("root lookup %+v", roots)
	}
	mustReject(t, f.env.Do(t, "GET", "/api/v1/publius/groups/agency/roots?root="+strings.Repeat("1", 64), "", nil), 404, "not found")
	zkInfo := f.env.Must(t, 200, "GET", "/api/v1/publius/zk", "", nil).Map(t)
	if zkInfo["sha256"] != f.keys.vk.Fingerprint() {
		t.Fatalf("zk %v", zkInfo)
	}
	raw, _ := base64.StdEncoding.DecodeString(zkInfo["verifying_key"].(string))
	if _, err := zk.DecodeVerifyingKey(raw); err != nil {
		t.Fatal(err)
	}
}

func TestPostProof(t *testing.T) {
	f := newFixture(t, 3, 4)
	alice := f.env.Register(t, "alice")
	post := func(u servertest.User, text, nonce string, proof map[string]any) *servertest.Response {
		p := map[string]any{"group": "agency", "scope_nonce": nonce}
		for k, v := range proof {
			p[k] = v
		}
		return f.env.Do(t, "POST", "/api/v1/publius/statuses", u.Token, map[string]any{"status": text, "publius_proof": p})
	}
	nonce := strings.Repeat("ab", 16)
	leaves := f.syncLeaves(t, "agency")
	text := "  We are the agency.  "
	proof := f.proveWith(t, leaves, f.members[0], membership.PostScope("agency", nonce), membership.PostMessage(alice.ID, text))
	r := post(alice, text, nonce, proof)
	if r.Status != 200 {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	id := r.Map(t)["id"].(string)
	st := f.env.Must(t, 200, "GET", "/api/v1/statuses/"+id, "", nil).Map(t)
	p, _ := st["publius"].(map[string]any)
	if p == nil || p["anonymity_set"].(float64) != 3 || p["group"] != "agency" || p["text"] != strings.TrimSpace(text) ||
		p["proof"] != proof["proof"] || p["scope"] != zk.EncodeElement(membership.PostScope("agency", nonce)) {
		t.Fatalf("status publius %v", st["publius"])
	}
	// Plain statuses carry nothing.
	plain := f.env.Post(t, alice, "plain")
	if m := f.env.Must(t, 200, "GET", "/api/v1/statuses/"+plain, "", nil).Map(t); m["publius"] != nil {
		t.Fatal("plain status has a proof")
	}
	// The same proof again (same nonce, same nullifier) on a new post.
	mustReject(t, post(alice, text, nonce, proof), 409, "nullifier")
	bob := f.env.Register(t, "bob")
	nonce2 := strings.Repeat("cd", 16)
	proof2 := f.proveWith(t, leaves, f.members[1], membership.PostScope("agency", nonce2), membership.PostMessage(alice.ID, "original"))
	mustReject(t, post(alice, "edited", nonce2, proof2), 422, "does not verify")
	mustReject(t, post(bob, "original", nonce2, proof2), 422, "does not verify")
	mustReject(t, post(alice, "original", strings.Repeat("ef", 16), proof2), 422, "does not verify")
	mustReject(t, post(alice, "original", "short", proof2), 422, "scope_nonce")
	mustReject(t, f.env.Do(t, "POST", "/api/v1/publius/statuses", alice.Token, map[string]any{"status": "x"}), 422, "publius_proof")
	// A rejected post leaves no status behind.
	acct := f.env.Must(t, 200, "GET", "/api/v1/accounts/"+alice.ID, "", nil).Map(t)
	if acct["statuses_count"].(float64) != 2 {
		t.Fatalf("statuses_count %v", acct["statuses_count"])
	}
	f.env.Must(t, 200, "GET", "/api/v1/statuses/"+id, "", nil)
	// Deleting the status deletes its proof with it.
	f.env.Must(t, 200, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil)
	if _, err := f.env.Server.Store.PostProof(t.Context(), id); err == nil {
		t.Fatal("proof survived its status")
	}
}

func TestDeletedAccountLosesBadge(t *testing.T) {
	f := newFixture(t, 2, 4)
	alice, bob := f.env.Register(t, "alice"), f.env.Register(t, "bob")
	f.env.Must(t, 201, "POST", "/api/v1/publius/groups/agency/badge", alice.Token, f.badgeProof(t, "agency", f.members[0], alice.ID))
	if err := f.env.Server.Store.DeleteAccount(t.Context(), alice.ID); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.env.Server.Store.AccountBadges(t.Context(), alice.ID); len(b) != 0 {
		t.Fatal("badge survived the account")
	}
	// The member may now bind another account.
	f.env.Must(t, 201, "POST", "/api/v1/publius/groups/agency/badge", bob.Token, f.badgeProof(t, "agency", f.members[0], bob.ID))
}

func TestWithoutKeys(t *testing.T) {
	env := servertest.Start(t)
	mustReject(t, env.Do(t, "GET", "/api/v1/publius/zk", "", nil), 503, "publius admin zk setup")
	u := env.Register(t, "alice")
	token := groupAdminToken(t, env)
	env.Must(t, 201, "POST", "/api/v1/publius/groups", token, map[string]any{"slug": "g1", "name": "G"})
	mustReject(t, env.Do(t, "POST", "/api/v1/publius/groups/g1/badge", u.Token, map[string]any{"proof": "x"}), 503, "publius admin zk setup")
	mustReject(t, env.Do(t, "POST", "/api/v1/publius/statuses", u.Token, map[string]any{"status": "x",
		"publius_proof": map[string]any{"group": "g1"}}), 503, "publius admin zk setup")
}
