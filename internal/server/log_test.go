package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"publius/internal/servertest"
)

// TestRequestLogFields checks that a request line holds exactly level,
// message, method, route pattern, status and duration: no time, address,
// path or header.
func TestRequestLogFields(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "logged")
	env.Must(t, 200, "GET", "/api/v1/accounts/"+u.ID, "", nil)
	var seen int
	for _, line := range strings.Split(strings.TrimSpace(env.Log.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if _, ok := rec["time"]; ok {
			t.Errorf("log line has a time: %q", line)
		}
		if rec["msg"] != "request" {
			continue
		}
		seen++
		keys := make([]string, 0, len(rec))
		for k := range rec {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"duration_ms", "level", "method", "msg", "route", "status"}; !slices.Equal(keys, want) {
			t.Errorf("request line has keys %v, want %v: %q", keys, want, line)
		}
		if strings.Contains(line, u.ID) || strings.Contains(line, "127.0.0.1") {
			t.Errorf("request line names an account or address: %q", line)
		}
	}
	if seen < 2 {
		t.Fatalf("%d request lines logged, want at least 2:\n%s", seen, env.Log.String())
	}
}
