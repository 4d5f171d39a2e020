package sqlite_test

import (
	"context"
	"testing"

	"publius/internal/store"
	"publius/internal/store/sqlite"
	"publius/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}
