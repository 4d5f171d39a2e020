package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDurabilityKill9 checks DESIGN.md's "every write that was acknowledged
// survives kill -9": 16 clients post to a real `publius serve` process, the
// process is SIGKILLed mid-stream, restarted on the same data directory,
// and every status that got a 200 must be there with its content, with
// statuses_count equal to the statuses actually stored. Three cycles.
//
// It fails if a post is acknowledged before its transaction commits (say, a
// write-behind queue) or if counters are updated outside the status's
// transaction: moving CreateStatus's statuses_count update into a second
// transaction made it fail in the first cycle (3 of 4 accounts off by one).
// Pragmas alone did not: with synchronous=OFF and journal_mode=DELETE, or
// even journal_mode=OFF, it passed, because committed pages sit in the OS
// page cache, which outlives the process. synchronous matters only for an
// OS crash or power loss, which this test does not simulate.
func TestDurabilityKill9(t *testing.T) {
	const (
		accounts    = 4
		clients     = 16
		postFor     = 2 * time.Second
		cycles      = 3
		passphrase  = "durability test passphrase"
		textPattern = "durable post c%d n%d cycle%d"
	)
	began := time.Now()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "publius")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built in %v", time.Since(began).Round(time.Millisecond))
	data := filepath.Join(tmp, "data")
	handles := make([]string, accounts)
	for i := range handles {
		handles[i] = fmt.Sprintf("writer%d", i)
		cmd := exec.Command(bin, "admin", "account", "create", handles[i], "--passphrase-stdin", "--data", data)
		cmd.Stdin = strings.NewReader(passphrase + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("admin account create: %v\n%s", err, out)
		}
	}

	t.Logf("accounts created at %v", time.Since(began).Round(time.Millisecond))
	srv := startPublius(t, bin, data)
	app := srv.do(t, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "durability", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"})
	tokens := make([]string, accounts)
	ids := make([]string, accounts)
	for i, h := range handles {
		tok := srv.do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"},
			"client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)},
			"username": {h}, "password": {passphrase}, "scope": {"read write"}})
		tokens[i] = tok["access_token"].(string)
		ids[i] = srv.do(t, "GET", "/api/v1/accounts/verify_credentials", tokens[i], nil)["id"].(string)
	}

	acked := map[string]string{} // status ID → content returned with the 200
	for cycle := 1; cycle <= cycles; cycle++ {
		var (
			mu       sync.Mutex
			fresh    = map[string]string{}
			inFlight int
			wg       sync.WaitGroup
		)
		stop := time.Now().Add(postFor)
		for c := range clients {
			wg.Go(func() {
				// Each client keeps its own connection, as separate apps would.
				hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
				for n := 0; ; n++ {
					text := fmt.Sprintf(textPattern, c, n, cycle)
					status, body, err := post(hc, srv.url, tokens[c%accounts], text)
					if err != nil {
						// The kill cut this request off: it was never acknowledged.
						mu.Lock()
						inFlight++
						mu.Unlock()
						return
					}
					if status != http.StatusOK {
						t.Errorf("post: status %d: %s", status, body)
						return
					}
					var s struct{ ID, Content string }
					if err := json.Unmarshal(body, &s); err != nil || s.ID == "" || !strings.Contains(s.Content, text) {
						t.Errorf("post response %s: %v", body, err)
						return
					}
					mu.Lock()
					fresh[s.ID] = s.Content
					mu.Unlock()
					if time.Now().After(stop.Add(5 * time.Second)) {
						return // the kill never came; do not spin forever
					}
				}
			})
		}
		time.Sleep(postFor)
		srv.kill(t)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		if len(fresh) == 0 || inFlight == 0 {
			t.Fatalf("cycle %d: %d posts acknowledged, %d cut off; the kill did not land mid-stream", cycle, len(fresh), inFlight)
		}
		t.Logf("cycle %d: %d posts acknowledged, %d requests cut off by SIGKILL", cycle, len(fresh), inFlight)

		srv = startPublius(t, bin, data)
		for id, content := range fresh {
			acked[id] = content
		}
		check := fresh
		if cycle == cycles {
			check = acked // the last restart rechecks everything ever acknowledged
		}
		srv.checkStatuses(t, tokens[0], check)
		srv.checkCounts(t, ids)
		t.Logf("cycle %d checked at %v", cycle, time.Since(began).Round(time.Millisecond))
	}
}

// publius is one running `publius serve` process.
type serverProcess struct {
	cmd *exec.Cmd
	url string
	out *bytes.Buffer
}

func startPublius(t *testing.T, bin, data string) *serverProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &serverProcess{url: "http://" + addr, out: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data, "--allow-password-grant", "--rate-limit-scale", "0")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill(t) })
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if p.cmd.ProcessState != nil {
			break
		}
	}
	t.Fatalf("publius serve did not become healthy; output:\n%s", p.out)
	return nil
}

// kill sends SIGKILL: no shutdown hook, no deferred Close, no final checkpoint.
func (p *serverProcess) kill(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
}

func post(hc *http.Client, base, token, text string) (int, []byte, error) {
	body, _ := json.Marshal(map[string]string{"status": text})
	req, err := http.NewRequestWithContext(context.Background(), "POST", base+"/api/v1/statuses", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// do sends one request and decodes a JSON object, failing unless 200.
func (p *serverProcess) do(t *testing.T, method, path, token string, body any) map[string]any {
	t.Helper()
	code, b := p.raw(t, method, path, token, body)
	if code != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", method, path, code, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, b)
	}
	return m
}

func (p *serverProcess) raw(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, p.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// checkStatuses fetches every acknowledged status, 8 at a time.
func (p *serverProcess) checkStatuses(t *testing.T, token string, want map[string]string) {
	t.Helper()
	ids := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	missing := 0
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				code, b := p.raw(t, "GET", "/api/v1/statuses/"+id, token, nil)
				var s struct{ Content string }
				json.Unmarshal(b, &s)
				if code != http.StatusOK || s.Content != want[id] {
					mu.Lock()
					if missing++; missing <= 5 {
						t.Errorf("acknowledged status %s: status %d, content %q, want %q", id, code, s.Content, want[id])
					}
					mu.Unlock()
				}
			}
		})
	}
	for id := range want {
		ids <- id
	}
	close(ids)
	wg.Wait()
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged statuses lost after kill -9", missing, len(want))
	}
}

// checkCounts compares each account's statuses_count with its statuses as
// listed, and their sum with the instance's status count.
func (p *serverProcess) checkCounts(t *testing.T, accountIDs []string) {
	t.Helper()
	var sum int64
	for _, id := range accountIDs {
		count := int64(p.do(t, "GET", "/api/v1/accounts/"+id, "", nil)["statuses_count"].(float64))
		listed := int64(0)
		for maxID := ""; ; {
			code, b := p.raw(t, "GET", "/api/v1/accounts/"+id+"/statuses?limit=40&max_id="+maxID, "", nil)
			var page []struct{ ID string }
			if code != http.StatusOK || json.Unmarshal(b, &page) != nil {
				t.Fatalf("account statuses: %d %s", code, b)
			}
			if len(page) == 0 {
				break
			}
			listed += int64(len(page))
			maxID = page[len(page)-1].ID
		}
		if count != listed {
			t.Errorf("account %s: statuses_count %d, but %d statuses stored", id, count, listed)
		}
		sum += count
	}
	stats := p.do(t, "GET", "/api/v1/instance", "", nil)["stats"].(map[string]any)
	if total := int64(stats["status_count"].(float64)); total != sum {
		t.Errorf("instance status_count %d, sum of statuses_count %d", total, sum)
	}
}
