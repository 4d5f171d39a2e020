package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"publius/internal/client"
	"publius/internal/servertest"
)

// TestAgainstPublius drives every client call against a real server.
func TestAgainstPublius(t *testing.T) {
	env := servertest.Start(t)
	env.Register(t, "alice")
	bob := env.Register(t, "bob")
	env.Post(t, bob, "first from bob")
	env.Post(t, bob, "second from bob")
	ctx := context.Background()

	c, err := client.New(env.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	ni, err := c.NodeInfo(ctx)
	if err != nil || ni.Software.Name != "publius" {
		t.Fatalf("nodeinfo %+v, %v", ni, err)
	}
	if in, err := c.Instance(ctx); err != nil || !strings.Contains(in.Version, "Publius") {
		t.Fatalf("instance %+v, %v", in, err)
	}

	app, err := c.RegisterApp(ctx, "client test", client.OOBRedirect, "read write follow", "")
	if err != nil || app.ClientID == "" || app.ClientSecret == "" {
		t.Fatalf("app %+v, %v", app, err)
	}
	pkce := client.NewPKCE()
	authURL := c.AuthorizeURL(app.ClientID, client.OOBRedirect, "read write follow", pkce, "")
	if _, err := c.AuthorizeWithPassphrase(ctx, authURL, "alice", "wrong passphrase!"); !errors.Is(err, client.ErrLoginRejected) ||
		!strings.Contains(err.Error(), "Wrong handle or passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	code, err := c.AuthorizeWithPassphrase(ctx, authURL, "alice", servertest.Passphrase)
	if err != nil || code == "" {
		t.Fatalf("code %q, %v", code, err)
	}
	// The code is bound to the PKCE verifier.
	if _, err := c.ExchangeCode(ctx, app, code, client.OOBRedirect, client.NewPKCE().Verifier, "read write follow"); !client.IsStatus(err, 400) {
		t.Fatalf("exchange with another verifier: %v", err)
	}
	code, _ = c.AuthorizeWithPassphrase(ctx, authURL, "alice", servertest.Passphrase)
	tok, err := c.ExchangeCode(ctx, app, code, client.OOBRedirect, pkce.Verifier, "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	c.Token = tok.AccessToken

	me, err := c.VerifyCredentials(ctx)
	if err != nil || me.Acct != "alice" {
		t.Fatalf("verify_credentials %+v, %v", me, err)
	}
	b, err := c.Lookup(ctx, "@bob")
	if err != nil || b.ID != bob.ID {
		t.Fatalf("lookup %+v, %v", b, err)
	}

	// The same Idempotency-Key gives the same status, not a second post.
	s1, err := c.PostStatus(ctx, client.NewStatus{Text: "hello", SpoilerText: "cw", Visibility: "unlisted"}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.PostStatus(ctx, client.NewStatus{Text: "hello", SpoilerText: "cw", Visibility: "unlisted"}, "k1")
	if err != nil || s2.ID != s1.ID {
		t.Fatalf("idempotent repeat gave %v, %v; want %s", s2, err, s1.ID)
	}
	if s1.SpoilerText != "cw" || s1.Visibility != "unlisted" || !strings.HasPrefix(s1.Link(), env.URL) {
		t.Errorf("status %+v", s1)
	}
	if _, err := c.PostStatus(ctx, client.NewStatus{Text: ""}, ""); !client.IsStatus(err, 422) {
		t.Errorf("empty post: %v", err)
	}

	rel, err := c.Follow(ctx, bob.ID)
	if err != nil || !rel.Following {
		t.Fatalf("follow %+v, %v", rel, err)
	}
	rels, err := c.Relationships(ctx, bob.ID)
	if err != nil || len(rels) != 1 || !rels[0].Following {
		t.Fatalf("relationships %+v, %v", rels, err)
	}

	// Home timeline, two posts per page, without duplicates or gaps.
	var seen []string
	page := client.Page{Limit: 2}
	for range 5 {
		list, err := c.HomeTimeline(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Statuses {
			seen = append(seen, client.PlainText(s.Content))
		}
		if list.NextMaxID == "" || len(list.Statuses) == 0 {
			break
		}
		page.MaxID = list.NextMaxID
	}
	if got := strings.Join(seen, "|"); got != "hello|second from bob|first from bob" {
		t.Errorf("home pages: %q", got)
	}
	if pub, err := c.PublicTimeline(ctx, client.Page{}, true); err != nil || len(pub.Statuses) != 2 {
		t.Errorf("public (local): %v, %v", pub, err) // the unlisted post is not public
	}
	if list, err := c.AccountStatuses(ctx, bob.ID, client.Page{Limit: 1}); err != nil || len(list.Statuses) != 1 ||
		client.PlainText(list.Statuses[0].Content) != "second from bob" || list.NextMaxID == "" {
		t.Errorf("account statuses: %+v, %v", list, err)
	}

	if rel, err := c.Unfollow(ctx, bob.ID); err != nil || rel.Following {
		t.Fatalf("unfollow %+v, %v", rel, err)
	}

	if err := c.Revoke(ctx, app.ClientID, app.ClientSecret, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyCredentials(ctx); !client.IsStatus(err, 401) {
		t.Fatalf("revoked token: %v", err)
	}
}
