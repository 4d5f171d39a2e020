package ratelimit

import (
	"testing"
	"time"
)

func TestBucketLimitsAndRefills(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(map[string]Rule{"login": {Burst: 3, Per: time.Minute}}, 1, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("login", "192.0.2.1"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	ok, wait := l.Allow("login", "192.0.2.1")
	if ok || wait <= 0 || wait > 21*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused with ~20s wait", ok, wait)
	}
	if ok, _ := l.Allow("login", "192.0.2.2"); !ok {
		t.Fatal("another client was limited")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("login", "192.0.2.1"); !ok {
		t.Fatal("token not refilled after 20s")
	}
	if ok, _ := l.Allow("unknown-rule", "x"); !ok {
		t.Fatal("unknown rule limited")
	}
}

func TestSaltRotationForgetsClients(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(map[string]Rule{"signup": {Burst: 1, Per: 24 * time.Hour}}, 1, func() time.Time { return now })
	old := string(l.salt)
	l.Allow("signup", "198.51.100.7")
	if ok, _ := l.Allow("signup", "198.51.100.7"); ok {
		t.Fatal("second signup allowed")
	}
	now = now.Add(SaltLifetime)
	if ok, _ := l.Allow("signup", "198.51.100.7"); !ok {
		t.Fatal("bucket survived salt rotation")
	}
	if string(l.salt) == old {
		t.Fatal("salt not rotated")
	}
	if l.Len() != 1 {
		t.Fatalf("%d buckets after rotation, want 1", l.Len())
	}
}

func TestScaleZeroDisables(t *testing.T) {
	l := New(map[string]Rule{"post": {Burst: 1, Per: time.Hour}}, 0, nil)
	for i := 0; i < 10; i++ {
		if ok, _ := l.Allow("post", "a"); !ok {
			t.Fatal("limited with scale 0")
		}
	}
}
