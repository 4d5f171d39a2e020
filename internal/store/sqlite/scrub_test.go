package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

// TestScrubUnderConcurrentLoad deletes posts while readers hold snapshots
// and a writer keeps writing: every delete must succeed and no deleted
// text may remain in the database file or its WAL.
func TestScrubUnderConcurrentLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct := &store.Account{ID: id.AccountID(time.Now()), Handle: "scrubber", CreatedOn: time.Now().UTC().Truncate(24 * time.Hour)}
	if err := db.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	gen := id.NewGenerator()
	post := func(text string) (string, error) {
		s, err := db.CreateStatus(ctx, &store.Status{ID: gen.Next(), AccountID: acct.ID, Text: text,
			Content: "<p>" + text + "</p>", Visibility: store.VisibilityPublic}, "")
		if err != nil {
			return "", err
		}
		return s.ID, nil
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	loop := func(fn func(n int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := fn(n); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 4 {
		loop(func(int) error {
			_, err := db.PublicTimeline(ctx, store.Page{Limit: 40})
			return err
		})
	}
	loop(func(n int) error {
		_, err := post(fmt.Sprintf("filler post %d with some padding to fill pages quickly", n))
		return err
	})
	var markers []string
	for n := range 25 {
		m := fmt.Sprintf("SCRUB-MARKER-%04d", n)
		markers = append(markers, m)
		sid, err := post(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteStatus(ctx, sid); err != nil {
			t.Fatalf("delete %d under load: %v", n, err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, name := range []string{"publius.db", "publius.db-wal"} {
		data, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markers {
			if bytes.Contains(data, []byte(m)) {
				t.Errorf("%s still holds deleted text %s", name, m)
			}
		}
	}
}
