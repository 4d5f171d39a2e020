package disclosuretest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"publius/internal/membership"
	"publius/internal/membership/merkle"
	"publius/internal/servertest"
	"publius/internal/zk"
)

// This file drives the features that came after the first workload: the
// legal demand registry (with its notices from @legal) and verifiable
// membership (groups, verifiers, commitments, badges, proof-carrying posts).

type zkKeyPair struct {
	pk *zk.ProvingKey
	vk *zk.VerifyingKey
}

// zkKeys runs one Groth16 setup per test binary (about a second).
var zkKeys = sync.OnceValues(func() (zkKeyPair, error) {
	pk, vk, err := zk.Setup()
	return zkKeyPair{pk, vk}, err
})

// operator signs up an account, makes it an operator (only the CLI can)
// and logs it in with admin scopes through the password grant.
func (p *probe) operator(appToken string, h headerSet) (user, string) {
	t, env := p.t, p.env
	ops := p.register(appToken, "opsmarshal", "ops.marshal@example.net", h)
	if err := env.Server.Store.SetAdmin(t.Context(), ops.id, true); err != nil {
		t.Fatal(err)
	}
	const scopes = "read write admin:read admin:write"
	app := env.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "Probe Ops Console", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes},
		h.list()...).Map(t)
	p.ident(app["client_secret"].(string))
	tok := env.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
		"client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)},
		"username": {ops.handle}, "password": {servertest.Passphrase}, "scope": {scopes}}, h.list()...).Map(t)
	token := tok["access_token"].(string)
	p.ident(token)
	return ops, token
}

func day(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }

// legalWorkload records a demand naming notified (every field, a document,
// a status change), whose notice @legal sends at once, and a gagged demand
// naming gagged, whose notice must be held.
func (p *probe) legalWorkload(admin string, notified []user, gagged user, h headerSet) {
	t, env := p.t, p.env
	const base = "/api/v1/publius/admin/demands"
	var targets []string
	for _, u := range notified {
		targets = append(targets, "@"+u.handle)
	}
	d := env.Must(t, 201, "POST", base, admin, map[string]any{
		"agency": "U.S. Customs and Border Protection", "office": "Office of Professional Responsibility",
		"agent": "Special Agent J. Doe", "authority": "19 U.S.C. § 1509",
		"process_type": "administrative_summons", "delivery_method": "fax",
		"received_on": day(-3), "deadline_on": day(11), "targets": targets,
		"data_requested": "All records relating to " + strings.Join(targets, " and ") +
			", including sign-up and login addresses, devices, email and the times of every session.",
		"gag_order": false, "court": "N.D. Cal.", "case_number": "3:26-cv-01701",
		"notes": "Forwarded to counsel.", "status": "under_review", "note": "read by the operator",
	}, h.list()...).Map(t)
	id := d["id"].(string)
	doc := env.Must(t, 201, "POST", base+"/"+id+"/documents?name=summons.pdf", admin,
		"%PDF-1.4\nSUMMONS to appear and produce records of "+strings.Join(targets, ", ")+"\n%%EOF\n",
		h.list("Content-Type", "application/pdf")...).Map(t)
	r := env.Must(t, 200, "GET", base+"/"+id+"/documents/"+doc["id"].(string), admin, nil, h.list()...)
	if sum := sha256.Sum256(r.Body); r.Header.Get("X-Content-SHA256") != hex.EncodeToString(sum[:]) {
		t.Errorf("document comes back with SHA-256 %q", r.Header.Get("X-Content-SHA256"))
	}
	env.Must(t, 200, "PATCH", base+"/"+id, admin, map[string]any{"status": "challenged", "on": day(0),
		"note": "motion to quash filed", "notes": "Forwarded to counsel; motion filed."}, h.list()...)
	shown := env.Must(t, 200, "GET", base+"/"+id, admin, nil, h.list()...).Map(t)
	for _, tg := range shown["targets"].([]any) {
		if n := tg.(map[string]any)["notice"]; n != "sent" {
			t.Errorf("demand %s: notice to %v is %v, want sent", id, tg.(map[string]any)["handle"], n)
		}
	}

	g := env.Must(t, 201, "POST", base, admin, map[string]any{
		"agency": "Federal Bureau of Investigation", "office": "Cyber Division", "agent": "SA R. Roe",
		"authority": "18 U.S.C. § 2703(d)", "process_type": "court_order", "delivery_method": "portal",
		"received_on": day(-1), "deadline_on": day(13), "targets": []string{gagged.handle},
		"court": "E.D. Va.", "case_number": "1:26-mj-00042", "gag_order": true, "gag_ends_on": day(180),
		"notes": "Non-disclosure order for 180 days.", "data_requested": "Subscriber records and connection logs of @" + gagged.handle + ".",
	}, h.list()...).Map(t)
	if n := g["targets"].([]any)[0].(map[string]any)["notice"]; n != "delayed" {
		t.Errorf("gagged demand: notice is %v, want delayed", n)
	}
	env.Must(t, 200, "GET", base, admin, nil, h.list()...)

	// The notices as the targets' clients see them: mentions from @legal.
	for _, u := range append(notified, gagged) {
		var list []map[string]any
		env.Must(t, 200, "GET", "/api/v1/notifications", u.token, nil, h.list()...).JSON(t, &list)
		got := 0
		for _, n := range list {
			acct, _ := n["account"].(map[string]any)
			st, _ := n["status"].(map[string]any)
			if acct == nil || acct["acct"] != "legal" || st == nil {
				continue
			}
			got++
			p.ident(acct["id"].(string), n["id"].(string), st["id"].(string))
			if st["visibility"] != "direct" {
				t.Errorf("notice to @%s has visibility %v", u.handle, st["visibility"])
			}
		}
		if want := u.id != gagged.id; (got > 0) != want {
			t.Errorf("@%s has %d notices from @legal; want some: %v", u.handle, got, want)
		}
	}
}

// memberWorkload has an operator create a group and appoint verifier,
// the verifier enrol members (and remove one), members bind badges to
// badgeHolders, and author post once with a proof and once with a proof
// it then deletes. Each member proves on its own, from the public leaves.
func (p *probe) memberWorkload(keys zkKeyPair, admin string, verifier, author user, badgeHolders []user) {
	t, env := p.t, p.env
	const slug = "cbp-staff"
	const g = "/api/v1/publius/groups/" + slug
	h := headerSets
	env.Must(t, 201, "POST", "/api/v1/publius/groups", admin, map[string]any{"slug": slug,
		"name": "CBP employees", "description": "checked in person by @" + verifier.handle}, h[0].list()...)
	env.Must(t, 200, "POST", g+"/verifiers", admin, map[string]any{"account": "@" + verifier.handle}, h[1].list()...)

	var ids []zk.Identity
	for i := range len(badgeHolders) + 4 {
		id, err := zk.NewIdentity()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		p.ident(zk.EncodeElement(id.Commitment()))
		env.Must(t, 201, "POST", g+"/members", verifier.token,
			map[string]any{"commitment": zk.EncodeElement(id.Commitment())}, h[i%len(h)].list()...)
	}
	// One member leaves: its leaf is cleared.
	last := len(ids) - 1
	env.Must(t, 200, "DELETE", fmt.Sprintf("%s/members/%d", g, last), verifier.token, nil, h[2].list()...)
	ids = ids[:last]
	env.Must(t, 200, "GET", g, "", nil, h[0].list()...)
	env.Must(t, 200, "GET", g+"/roots", "", nil, h[1].list()...)
	env.Must(t, 200, "GET", "/api/v1/publius/zk", "", nil, h[2].list()...)

	var leaves []zk.Element
	var page struct {
		Leaves []string `json:"leaves"`
	}
	env.Must(t, 200, "GET", g+"/leaves", "", nil, h[0].list()...).JSON(t, &page)
	for _, s := range page.Leaves {
		e, err := zk.DecodeElement(s)
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, e)
	}
	prove := func(member int, scope, message zk.Element) (map[string]any, []byte) {
		t.Helper()
		path, root, err := merkle.PathFromLeaves(leaves, uint64(member))
		if err != nil {
			t.Fatal(err)
		}
		proof, pub, err := zk.ProveRoot(keys.pk, ids[member], path, root, scope, message)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]any{"proof": zk.EncodeProof(proof), "root": zk.EncodeElement(pub.Root),
			"nullifier": zk.EncodeElement(pub.Nullifier)}
		p.ident(in["proof"].(string), in["nullifier"].(string))
		b := pub.Nullifier.Bytes()
		return in, b[:]
	}

	// Badges; the last holder is expected to delete its account later, and
	// its badge (the link of a member's nullifier to the account) with it.
	for i, u := range badgeHolders {
		in, nullifier := prove(i, membership.BadgeScope(slug), membership.BadgeMessage(u.id))
		env.Must(t, 201, "POST", g+"/badge", u.token, in, h[i%len(h)].list()...)
		acct := env.Must(t, 200, "GET", "/api/v1/accounts/"+u.id, "", nil, h[(i+1)%len(h)].list()...).Map(t)
		if acct["publius"] == nil {
			t.Errorf("@%s shows no badge", u.handle)
		}
		if i == len(badgeHolders)-1 {
			p.secrets.DeletedTexts = append(p.secrets.DeletedTexts, string(nullifier))
		}
	}

	// Proof-carrying posts: one stays, one is deleted with its proof.
	post := func(member int, text, nonce string, hs headerSet) (string, map[string]any, []byte) {
		in, nullifier := prove(member, membership.PostScope(slug, nonce), membership.PostMessage(author.id, text))
		in["group"], in["scope_nonce"] = slug, nonce
		r := env.Must(t, 200, "POST", "/api/v1/publius/statuses", author.token,
			map[string]any{"status": text, "visibility": "public", "publius_proof": in},
			hs.list("Idempotency-Key", "probe-proof-"+nonce[:8])...).Map(t)
		id := r["id"].(string)
		p.ident(id)
		return id, in, nullifier
	}
	nonce := func(b byte) string { return strings.Repeat(hex.EncodeToString([]byte{b}), membership.NonceLen/2) }
	kept, _, _ := post(len(badgeHolders), "Speaking as one of the agency's employees.", nonce(0x5a), h[0])
	if st := env.Must(t, 200, "GET", "/api/v1/statuses/"+kept, "", nil, h[1].list()...).Map(t); st["publius"] == nil {
		t.Errorf("status %s shows no proof", kept)
	}
	env.Must(t, 200, "GET", "/api/v1/accounts/"+author.id+"/statuses?limit=5", "", nil, h[2].list()...)
	// Deleting a post deletes its proof: the text, the nonce, and the
	// proof's nullifier, message hash (of author and text) and bytes.
	const marker = "ZEBRAQUARTZ-DELETED-PROOF-POST-0005"
	text, goneNonce := marker+" (this proof will be deleted)", nonce(0xa7)
	gone, in, nullifier := post(len(badgeHolders)+1, text, goneNonce, h[2])
	message := membership.PostMessage(author.id, text)
	messageBytes := message.Bytes()
	proof, err := base64.RawURLEncoding.DecodeString(in["proof"].(string))
	if err != nil {
		t.Fatal(err)
	}
	p.secrets.DeletedTexts = append(p.secrets.DeletedTexts, marker, goneNonce, string(nullifier), string(messageBytes[:]),
		string(proof), "probe-proof-"+goneNonce[:8]) // the last is its Idempotency-Key
	env.Must(t, 200, "DELETE", "/api/v1/statuses/"+gone, author.token, nil, h[2].list()...)
	env.Do(t, "GET", "/api/v1/statuses/"+gone, "", nil, h[0].list()...)
}
