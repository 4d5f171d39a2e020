package server_test

import (
	"regexp"
	"strings"
	"testing"

	"publius/internal/servertest"
)

// TestMetricsLabels checks that /metrics counts by method, route pattern
// and status class, and that raw paths, IDs and odd methods never become
// label values.
func TestMetricsLabels(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "metered")
	env.Must(t, 200, "GET", "/api/v1/accounts/"+u.ID, "", nil)
	env.Must(t, 404, "GET", "/api/v1/accounts/999999999999999999", "", nil)
	env.Do(t, "GET", "/no/such/page/"+u.Handle, "", nil)
	env.Do(t, "BREW", "/api/v1/instance", "", nil)
	m := string(env.Must(t, 200, "GET", "/metrics", "", nil).Body)
	for _, want := range []string{
		`publius_http_requests_total{method="GET",route="GET /api/v1/accounts/{id}",status="2xx"} 1`,
		`publius_http_requests_total{method="GET",route="GET /api/v1/accounts/{id}",status="4xx"} 1`,
		`publius_http_requests_total{method="GET",route="unmatched",status="4xx"} 1`,
		`publius_http_requests_total{method="other",`,
		"go_memstats_heap_alloc_bytes ",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
	for _, bad := range []string{u.ID, u.Handle, "999999999999999999", "BREW", "127.0.0.1"} {
		if strings.Contains(m, bad) {
			t.Errorf("metrics contain %q", bad)
		}
	}
	line := regexp.MustCompile(`^(# (HELP|TYPE) .*|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \d+)$`)
	for _, l := range strings.Split(strings.TrimSpace(m), "\n") {
		if !line.MatchString(l) {
			t.Errorf("not Prometheus text format: %q", l)
		}
	}
}
