package sqlite

import (
	"context"
	"strings"
	"testing"
)

// Account search must stay on indexes: anonymous callers can run it, so a
// plan that scans the accounts table would let them tie up the server.
func TestAccountSearchUsesIndexes(t *testing.T) {
	db := openTest(t)
	for name, q := range map[string]string{"handle": accountsByHandlePrefix, "display name": accountsByDisplayName} {
		rows, err := db.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, "a", "b", "a", "b", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, "SCAN accounts") || !strings.Contains(joined, "USING INDEX") {
			t.Errorf("%s search plan does not use an index: %s", name, joined)
		}
	}
}
