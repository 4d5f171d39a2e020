package account_test

import (
	"context"
	"errors"
	"testing"

	"publius/internal/account"
	"publius/internal/store/sqlite"
)

// TestCodeWorksOnceAcrossNodes redeems a code on one node (a Codes built
// from the shared store) and replays it on another, and on a restarted one.
func TestCodeWorksOnceAcrossNodes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := account.NewService(st, nil)
	a, err := svc.Register(ctx, account.Registration{Handle: "alice", Passphrase: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := svc.CreateApp(ctx, account.AppRequest{Name: "app", RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Scopes: "read"})
	if err != nil {
		t.Fatal(err)
	}
	node1, err := svc.NewCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	node2, err := account.NewService(st, nil).NewCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	req, err := svc.CheckAuthRequest(ctx, app.ClientID, "urn:ietf:wg:oauth:2.0:oob", "read", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	code, err := node1.Issue(req, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, tok, err := node2.Redeem(ctx, app, code, "urn:ietf:wg:oauth:2.0:oob", ""); err != nil || tok.AccountID != a.ID {
		t.Fatalf("first redemption on node 2: %v", err)
	}
	if _, _, err := node1.Redeem(ctx, app, code, "urn:ietf:wg:oauth:2.0:oob", ""); !errors.Is(err, account.ErrInvalidGrant) {
		t.Fatalf("replay on node 1 = %v, want ErrInvalidGrant", err)
	}
	restarted, err := account.NewService(st, nil).NewCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := restarted.Redeem(ctx, app, code, "urn:ietf:wg:oauth:2.0:oob", ""); !errors.Is(err, account.ErrInvalidGrant) {
		t.Fatalf("replay after restart = %v, want ErrInvalidGrant", err)
	}
}
