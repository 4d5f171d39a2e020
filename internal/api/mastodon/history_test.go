package mastodon_test

import (
	"context"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/servertest"
	"publius/internal/store"
)

type dayCount struct {
	Day       string `json:"day"`
	Followers int64  `json:"followers"`
}

// history fetches an account's follower history and checks its shape: one
// entry a day, consecutive, ending on the server's today (which may have
// changed since the caller looked).
func history(t *testing.T, env *servertest.Env, accountID, query, token string) []dayCount {
	t.Helper()
	before := time.Now().UTC().Format(time.DateOnly)
	var out []dayCount
	env.Must(t, 200, "GET", "/api/v1/publius/accounts/"+accountID+"/follower_history"+query, token, nil).JSON(t, &out)
	after := time.Now().UTC().Format(time.DateOnly)
	if len(out) == 0 {
		t.Fatalf("follower_history%s is empty", query)
	}
	for i, c := range out {
		day, err := time.Parse(time.DateOnly, c.Day)
		if err != nil {
			t.Fatalf("entry %d day %q: %v", i, c.Day, err)
		}
		if i > 0 {
			if prev, _ := time.Parse(time.DateOnly, out[i-1].Day); !day.Equal(prev.AddDate(0, 0, 1)) {
				t.Errorf("entries %d and %d are not consecutive days: %v", i-1, i, out)
			}
		}
	}
	if last := out[len(out)-1].Day; last != before && last != after {
		t.Errorf("history ends on %s, want today (%s)", last, after)
	}
	return out
}

func TestFollowerHistory(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	st := env.Server.Store
	bob, carol := env.Register(t, "bob"), env.Register(t, "carol")

	// An account created ten days ago (through the store: the API only
	// creates accounts today) starts its history with 0 on that day.
	created := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
	old := &store.Account{ID: id.AccountID(created), Handle: "oldtimer", CreatedOn: created}
	if err := st.CreateAccount(ctx, old); err != nil {
		t.Fatal(err)
	}
	target := servertest.User{ID: old.ID}
	env.Follow(t, bob, target)
	env.Follow(t, carol, target)
	env.Must(t, 200, "POST", "/api/v1/accounts/"+old.ID+"/unfollow", carol.Token, nil)

	got := history(t, env, old.ID, "", "")
	if len(got) < 11 || len(got) > 12 || got[0].Day != created.Format(time.DateOnly) {
		t.Fatalf("default history %v, want every day from the creation day %s to today", got, created.Format(time.DateOnly))
	}
	// 0 until today's two follows and one unfollow; the day before today
	// may hold some of them if midnight passed in between.
	for i, c := range got[:len(got)-2] {
		if c.Followers != 0 {
			t.Errorf("day %d (%s): %d followers, want 0", i, c.Day, c.Followers)
		}
	}
	if n := got[len(got)-1].Followers; n != 1 {
		t.Errorf("today: %d followers, want 1", n)
	}
	if got := history(t, env, old.ID, "?days=3", bob.Token); len(got) != 3 || got[2].Followers != 1 {
		t.Errorf("?days=3 with a token: %v, want 3 days ending with 1", got)
	}
	if got := history(t, env, old.ID, "?days=1", ""); len(got) != 1 || got[0].Followers != 1 {
		t.Errorf("?days=1: %v", got)
	}
	if got := history(t, env, old.ID, "?days=730", ""); len(got) < 11 || got[0].Day != created.Format(time.DateOnly) {
		t.Errorf("?days=730 = %v, want to start on the creation day (nothing is known before it)", got)
	}
	// A new account's series is today's 0.
	if got := history(t, env, bob.ID, "", ""); got[len(got)-1].Followers != 0 || len(got) > 2 {
		t.Errorf("new account's history %v, want today's 0", got)
	}

	for _, q := range []string{"0", "-1", "731", "1.5", "ninety", "9999999999999999999999"} {
		wantError(t, env.Do(t, "GET", "/api/v1/publius/accounts/"+old.ID+"/follower_history?days="+q, "", nil), 422)
	}
	wantError(t, env.Do(t, "GET", "/api/v1/publius/accounts/"+id.AccountID(created)+"/follower_history", "", nil), 404)
	wantError(t, env.Do(t, "GET", "/api/v1/publius/accounts/not-an-id/follower_history", "", nil), 404)
	if err := st.SetSuspended(ctx, carol.ID, true); err != nil {
		t.Fatal(err)
	}
	wantError(t, env.Do(t, "GET", "/api/v1/publius/accounts/"+carol.ID+"/follower_history", "", nil), 404)
	env.Must(t, 200, "POST", "/api/v1/publius/account/delete", bob.Token, map[string]any{"passphrase": servertest.Passphrase})
	wantError(t, env.Do(t, "GET", "/api/v1/publius/accounts/"+bob.ID+"/follower_history", "", nil), 404)
	// bob's deletion lowered oldtimer's count today.
	if got := history(t, env, old.ID, "?days=1", ""); got[0].Followers != 0 {
		t.Errorf("after its follower was deleted: %v, want 0", got)
	}
}
