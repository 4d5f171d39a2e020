package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"publius/internal/config"
	"publius/internal/server"
)

// loadConfig bounds every load phase by a request count or a duration.
type loadConfig struct {
	Dir          string
	Bin          string
	Out          string
	Name         string
	HomeWarmup   int
	HomeRequests int
	HomeClients  int
	PostClients  int
	PostDuration time.Duration
	CostPosts    int
	InProcess    bool
}

func (c *loadConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Dir, "data", "bench/results/tmp/data", "seeded data directory")
	c.bindExceptData(fs)
}

func (c *loadConfig) bindExceptData(fs *flag.FlagSet) {
	fs.StringVar(&c.Bin, "bin", "", "publius binary to run (default: go build ./cmd/publius into bench/results/tmp)")
	fs.StringVar(&c.Out, "out", "bench/results", "directory for the results files")
	fs.StringVar(&c.Name, "name", "", "results file name without extension (default: UTC date and time, to the second)")
	fs.IntVar(&c.HomeWarmup, "home-warmup", 200, "home timeline requests before measuring")
	fs.IntVar(&c.HomeRequests, "home-requests", 2000, "measured home timeline requests")
	fs.IntVar(&c.HomeClients, "home-clients", 1, "concurrent home timeline clients")
	fs.IntVar(&c.PostClients, "post-clients", 16, "concurrent posting clients (one account each)")
	fs.DurationVar(&c.PostDuration, "post-duration", 10*time.Second, "how long the posting clients run")
	fs.IntVar(&c.CostPosts, "cost-posts", 300, "posts each by the celebrity and the small account")
	fs.BoolVar(&c.InProcess, "inprocess", false, "run the server inside the harness (for -cpuprofile; RSS then includes the load generator)")
}

// Targets from issue 3.
const (
	targetHomeP99Ms   = 10.0
	targetPostsPerSec = 1000.0
	targetCostRatio   = 1.5
	targetRSSMB       = 150.0
)

type result struct {
	Metric, Unit, Target string
	Value                float64
	Pass                 string // "yes", "no" or "" (informational)
}

func load(ctx context.Context, c loadConfig, logf func(string, ...any)) error {
	m, err := readManifest(c.Dir)
	if err != nil {
		return err
	}
	if len(m.Posters) < c.PostClients {
		return fmt.Errorf("the data set has %d poster accounts; -post-clients is %d", len(m.Posters), c.PostClients)
	}
	if err := os.MkdirAll(filepath.Join(c.Out, "tmp"), 0o755); err != nil {
		return err
	}
	if c.Name == "" {
		c.Name = time.Now().UTC().Format("2006-01-02-150405") + "-sqlite"
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	srv, err := startServer(ctx, c, addr, logf)
	if err != nil {
		return err
	}
	defer srv.stop()
	sampler := startSampler(srv.pid, 100*time.Millisecond)
	defer sampler.stop()
	if err := waitHealthy(ctx, base, 30*time.Second); err != nil {
		return err
	}
	loadStart := uptimeLoad()
	cl := newClient(base)
	var results []result
	add := func(metric string, v float64, unit, target string, pass *bool) {
		r := result{Metric: metric, Value: v, Unit: unit, Target: target}
		if pass != nil {
			r.Pass = map[bool]string{true: "yes", false: "no"}[*pass]
		}
		results = append(results, r)
	}
	// Home timeline: a check of the page, a warm-up, then measured requests.
	sampler.setPhase("home")
	first, err := cl.homePage(m.Reader.Token)
	if err != nil {
		return err
	}
	if first != 20 {
		return fmt.Errorf("home timeline returned %d statuses, want 20", first)
	}
	if _, err := cl.repeat(ctx, c.HomeWarmup, c.HomeClients, func(int, int) error { return cl.homeRead(m.Reader.Token) }); err != nil {
		return err
	}
	logf("home timeline: %d requests, %d clients", c.HomeRequests, c.HomeClients)
	home, err := cl.repeat(ctx, c.HomeRequests, c.HomeClients, func(int, int) error { return cl.homeRead(m.Reader.Token) })
	if err != nil {
		return err
	}
	hs := summarize(home.latencies)
	ok := hs.p99 <= targetHomeP99Ms
	add("home_p50", hs.p50, "ms", "", nil)
	add("home_p95", hs.p95, "ms", "", nil)
	add("home_p99", hs.p99, "ms", fmt.Sprintf("<= %g", targetHomeP99Ms), &ok)
	add("home_mean", hs.mean, "ms", "", nil)
	add("home_max", hs.max, "ms", "", nil)
	add("home_requests_per_s", float64(len(home.latencies))/home.elapsed.Seconds(), "req/s", "", nil)

	// Posting throughput: each client posts as its own account.
	sampler.setPhase("post")
	logf("posting: %d clients for %s", c.PostClients, c.PostDuration)
	posts, err := cl.forDuration(ctx, c.PostDuration, c.PostClients, func(client, n int) error {
		return cl.post(m.Posters[client].Token, fmt.Sprintf("bench post %d from client %d", n, client))
	})
	if err != nil {
		return err
	}
	ps := summarize(posts.latencies)
	rate := float64(len(posts.latencies)) / posts.elapsed.Seconds()
	ok = rate >= targetPostsPerSec
	add("post_throughput", rate, "posts/s", fmt.Sprintf(">= %g", targetPostsPerSec), &ok)
	add("post_count", float64(len(posts.latencies)), "posts", "", nil)
	add("post_p50", ps.p50, "ms", "", nil)
	add("post_p99", ps.p99, "ms", "", nil)

	// Posting cost: interleaved single-client posts by both accounts.
	sampler.setPhase("cost")
	logf("posting cost: %d posts each by @%s (%d followers) and @%s (%d)", c.CostPosts, m.Celebrity.Handle, m.CelebrityFollowers, m.Small.Handle, m.SmallFollowers)
	for i := range 20 { // warm both paths
		if err := cl.post(m.Celebrity.Token, fmt.Sprintf("warm %d", i)); err != nil {
			return err
		}
		if err := cl.post(m.Small.Token, fmt.Sprintf("warm %d", i)); err != nil {
			return err
		}
	}
	var celeb, small []time.Duration
	for i := range c.CostPosts {
		order := []*[]time.Duration{&celeb, &small}
		tokens := []string{m.Celebrity.Token, m.Small.Token}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
			tokens[0], tokens[1] = tokens[1], tokens[0]
		}
		for j := range 2 {
			t0 := time.Now()
			if err := cl.post(tokens[j], fmt.Sprintf("cost post %d", i)); err != nil {
				return err
			}
			*order[j] = append(*order[j], time.Since(t0))
		}
	}
	cs, ss := summarize(celeb), summarize(small)
	ratio := cs.mean / ss.mean
	ok = ratio <= targetCostRatio
	add("celebrity_followers", float64(followersOf(cl, m.Celebrity)), "accounts", "", nil)
	add("small_followers", float64(followersOf(cl, m.Small)), "accounts", "", nil)
	add("post_celebrity_mean", cs.mean, "ms", "", nil)
	add("post_celebrity_p50", cs.p50, "ms", "", nil)
	add("post_small_mean", ss.mean, "ms", "", nil)
	add("post_small_p50", ss.p50, "ms", "", nil)
	add("post_cost_ratio_mean", ratio, "x", fmt.Sprintf("<= %g", targetCostRatio), &ok)
	add("post_cost_ratio_p50", cs.p50/ss.p50, "x", "", nil)

	sampler.setPhase("end")
	time.Sleep(200 * time.Millisecond)
	peak, hwm := sampler.peak()
	ok = hwm/1024 <= targetRSSMB
	add("rss_peak_sampled", peak/1024, "MB", "", nil)
	add("rss_hwm", hwm/1024, "MB", fmt.Sprintf("<= %g", targetRSSMB), &ok)
	if srv.inprocess {
		results[len(results)-1].Pass = "" // includes the load generator
	}
	sampler.stop()
	srv.stop()

	return writeResults(c, m, results, sampler.samples(), loadStart, logf)
}

// server is the process under test.
type serverProc struct {
	pid       int
	inprocess bool
	stop      func()
}

func startServer(ctx context.Context, c loadConfig, addr string, logf func(string, ...any)) (*serverProc, error) {
	logPath := filepath.Join(c.Out, "tmp", "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	if c.InProcess {
		cfg := config.Default()
		cfg.Addr, cfg.DataDir, cfg.RateLimitScale = addr, c.Dir, 0
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		st, err := server.OpenStore(ctx, cfg)
		if err != nil {
			return nil, err
		}
		s, err := server.New(ctx, cfg, st, logFile)
		if err != nil {
			return nil, err
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { s.Serve(sctx, l); close(done) }()
		var once sync.Once
		return &serverProc{pid: os.Getpid(), inprocess: true, stop: func() {
			once.Do(func() { cancel(); <-done; st.Close(); logFile.Close() })
		}}, nil
	}
	bin := c.Bin
	if bin == "" {
		bin = filepath.Join(c.Out, "tmp", "publius")
		logf("building %s", bin)
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/publius")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build ./cmd/publius (run from the repository root, or pass -bin): %w", err)
		}
	}
	// Rate limits off: the posting phase is 16 accounts posting flat out.
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", c.Dir, "--rate-limit-scale", "0")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	logf("server pid %d on %s, log in %s", cmd.Process.Pid, addr, logPath)
	var once sync.Once
	return &serverProc{pid: cmd.Process.Pid, stop: func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				<-done
			}
			logFile.Close()
		})
	}}, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitHealthy(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("server not healthy after %s (see bench/results/tmp/server.log)", limit)
}

// client speaks the Mastodon API to the server under test.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, DisableCompression: true}
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (c *client) do(method, path, token string, body []byte, out any) error {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// homePage fetches the first home page and returns how many statuses it has.
func (c *client) homePage(token string) (int, error) {
	var list []json.RawMessage
	err := c.do("GET", "/api/v1/timelines/home", token, nil, &list)
	return len(list), err
}

// homeRead fetches the first home page without decoding it, so the load
// generator takes less of the CPU the server is measured on.
func (c *client) homeRead(token string) error {
	return c.do("GET", "/api/v1/timelines/home", token, nil, nil)
}

func (c *client) post(token, text string) error {
	body, _ := json.Marshal(map[string]string{"status": text})
	return c.do("POST", "/api/v1/statuses", token, body, nil)
}

func followersOf(c *client, a benchAccount) int {
	var out struct {
		FollowersCount int `json:"followers_count"`
	}
	if err := c.do("GET", "/api/v1/accounts/"+a.ID, a.Token, nil, &out); err != nil {
		return -1
	}
	return out.FollowersCount
}

type runResult struct {
	latencies []time.Duration
	elapsed   time.Duration
}

// repeat runs fn n times in all over the given number of clients.
func (c *client) repeat(ctx context.Context, n, clients int, fn func(client, i int) error) (runResult, error) {
	var next atomic.Int64
	return c.parallel(ctx, clients, func(int) bool { return next.Add(1) <= int64(n) }, fn)
}

// forDuration runs fn from each client until d has passed.
func (c *client) forDuration(ctx context.Context, d time.Duration, clients int, fn func(client, i int) error) (runResult, error) {
	end := time.Now().Add(d)
	return c.parallel(ctx, clients, func(int) bool { return time.Now().Before(end) }, fn)
}

func (c *client) parallel(ctx context.Context, clients int, more func(int) bool, fn func(client, i int) error) (runResult, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; more(cl) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := fn(cl, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := runResult{latencies: all, elapsed: time.Since(start)}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return r, firstErr
}

type stats struct{ p50, p95, p99, mean, max float64 }

// summarize returns nearest-rank percentiles in milliseconds.
func summarize(d []time.Duration) stats {
	if len(d) == 0 {
		return stats{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	ms := func(v time.Duration) float64 { return float64(v) / float64(time.Millisecond) }
	pct := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return ms(s[min(max(i, 0), len(s)-1)])
	}
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	return stats{p50: pct(0.50), p95: pct(0.95), p99: pct(0.99), mean: ms(sum) / float64(len(s)), max: ms(s[len(s)-1])}
}

func uptimeLoad() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func writeResults(c loadConfig, m *manifest, results []result, samples []rssSample, loadStart string, logf func(string, ...any)) error {
	var txt bytes.Buffer
	fmt.Fprintf(&txt, "Publius benchmark, SQLite backend\n")
	fmt.Fprintf(&txt, "date (UTC):   %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&txt, "machine:      %d CPUs (%s), %s/%s, %s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&txt, "load average: %s at start, %s at end (machine shared with other work)\n", loadStart, uptimeLoad())
	mode := "subprocess (publius serve)"
	if c.InProcess {
		mode = "in-process (RSS includes the load generator)"
	}
	fmt.Fprintf(&txt, "server:       %s, rate limits off, all traffic on 127.0.0.1\n", mode)
	fmt.Fprintf(&txt, "data set:     %d accounts, %d follows, %d posts, seeded in %.1f s\n", m.Accounts, m.Follows, m.Posts, m.SeedSeconds)
	fmt.Fprintf(&txt, "              @%s follows %d accounts; @%s has %d followers; @%s has %d\n",
		m.Reader.Handle, m.ReaderFollows, m.Celebrity.Handle, m.CelebrityFollowers, m.Small.Handle, m.SmallFollowers)
	fmt.Fprintf(&txt, "phases:       home timeline %d warm-up + %d measured (%d client); posting %d clients for %s; cost %d+%d interleaved posts\n\n",
		c.HomeWarmup, c.HomeRequests, c.HomeClients, c.PostClients, c.PostDuration, c.CostPosts, c.CostPosts)
	var csv bytes.Buffer
	csv.WriteString("metric,value,unit,target,pass\n")
	for _, r := range results {
		fmt.Fprintf(&txt, "%-24s %12.2f %-9s %-10s %s\n", r.Metric, r.Value, r.Unit, r.Target, r.Pass)
		fmt.Fprintf(&csv, "%s,%.3f,%s,%s,%s\n", r.Metric, r.Value, r.Unit, r.Target, r.Pass)
	}
	var rss bytes.Buffer
	rss.WriteString("elapsed_ms,phase,vmrss_kb,vmhwm_kb\n")
	for _, s := range samples {
		fmt.Fprintf(&rss, "%d,%s,%d,%d\n", s.elapsed.Milliseconds(), s.phase, s.rss, s.hwm)
	}
	base := filepath.Join(c.Out, c.Name)
	for ext, b := range map[string][]byte{".txt": txt.Bytes(), ".csv": csv.Bytes(), "-rss.csv": rss.Bytes()} {
		if err := os.WriteFile(base+ext, b, 0o644); err != nil {
			return err
		}
	}
	fmt.Print(txt.String())
	logf("results in %s.{txt,csv} and %s-rss.csv", base, base)
	return nil
}
