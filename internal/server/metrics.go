package server

import (
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// metrics counts requests by method, route pattern and status class, the
// same three things the request log records. Labels never hold a raw path,
// an address, a handle or an ID: the route is the mux pattern.
type metrics struct {
	mu       sync.Mutex
	requests map[metricKey]uint64
}

type metricKey struct{ method, route, class string }

func newMetrics() *metrics { return &metrics{requests: map[metricKey]uint64{}} }

// countRequests counts each finished request.
func countRequests(m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		method := r.Method
		switch method {
		case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		default:
			method = "other" // client-chosen strings must not grow the label set
		}
		key := metricKey{method, route, fmt.Sprintf("%dxx", rec.status/100)}
		m.mu.Lock()
		m.requests[key]++
		m.mu.Unlock()
	})
}

// ServeHTTP writes the Prometheus text format.
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	lines := make([]string, 0, len(m.requests))
	for k, n := range m.requests {
		lines = append(lines, fmt.Sprintf("publius_http_requests_total{method=%q,route=%q,status=%q} %d",
			k.method, k.route, k.class, n))
	}
	m.mu.Unlock()
	sort.Strings(lines)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b strings.Builder
	b.WriteString("# HELP publius_http_requests_total HTTP requests by method, route pattern and status class.\n")
	b.WriteString("# TYPE publius_http_requests_total counter\n")
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	gauge := func(name, help string, v uint64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	gauge("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.", ms.HeapAlloc)
	gauge("go_memstats_sys_bytes", "Bytes obtained from the OS.", ms.Sys)
	gauge("go_goroutines", "Number of goroutines.", uint64(runtime.NumGoroutine()))
	fmt.Fprintf(&b, "# HELP go_gc_cycles_total Completed GC cycles.\n# TYPE go_gc_cycles_total counter\ngo_gc_cycles_total %d\n", ms.NumGC)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
