package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSample is one reading of /proc/PID/status.
type rssSample struct {
	elapsed  time.Duration
	phase    string
	rss, hwm int64 // KiB
}

// sampler reads the server's VmRSS and VmHWM at a fixed interval.
type sampler struct {
	mu    sync.Mutex
	phase string
	list  []rssSample
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func startSampler(pid int, every time.Duration) *sampler {
	s := &sampler{phase: "start", done: make(chan struct{})}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	start := time.Now()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if rss, hwm, ok := readRSS(path); ok {
				s.mu.Lock()
				s.list = append(s.list, rssSample{elapsed: time.Since(start), phase: s.phase, rss: rss, hwm: hwm})
				s.mu.Unlock()
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) setPhase(p string) {
	s.mu.Lock()
	s.phase = p
	s.mu.Unlock()
}

func (s *sampler) stop() {
	s.once.Do(func() { close(s.done) })
	s.wg.Wait()
}

func (s *sampler) samples() []rssSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rssSample(nil), s.list...)
}

// peak returns the largest sampled VmRSS and the last VmHWM (the kernel's
// own peak, which also covers moments between samples), in KiB.
func (s *sampler) peak() (rss, hwm float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.list {
		rss = max(rss, float64(x.rss))
		hwm = max(hwm, float64(x.hwm))
	}
	return rss, hwm
}

func readRSS(path string) (rss, hwm int64, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, found := strings.Cut(sc.Text(), ":")
		if !found {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm, rss > 0
}
