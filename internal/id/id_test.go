package id

import (
	"testing"
	"time"
)

func TestGeneratorIsStrictlyIncreasingAndFixedWidth(t *testing.T) {
	fixed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	g := &Generator{now: func() time.Time { return fixed }}
	prev := ""
	for i := 0; i < 100000; i++ {
		v := g.Next()
		if len(v) != Width {
			t.Fatalf("id %q has width %d", v, len(v))
		}
		if v <= prev {
			t.Fatalf("id %q not after %q", v, prev)
		}
		prev = v
	}
	got, err := Time(prev)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sub(fixed) > 2*time.Second || got.Before(fixed) {
		t.Fatalf("Time(%s) = %v, want about %v", prev, got, fixed)
	}
}

func TestAccountIDCarriesOnlyTheDay(t *testing.T) {
	morning := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
	evening := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)
	next := time.Date(2026, 11, 26, 0, 0, 1, 0, time.UTC)
	a, b, c := AccountID(morning), AccountID(evening), AccountID(next)
	if a[:5] != b[:5] {
		t.Fatalf("same day, different day prefix: %s %s", a, b)
	}
	if !(c > a && c > b) {
		t.Fatalf("next day's ID %s should sort after %s and %s", c, a, b)
	}
	if len(a) != Width {
		t.Fatalf("width %d", len(a))
	}
}

func TestValid(t *testing.T) {
	for _, s := range []string{"", "abc", "12a", "123456789012345678901"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
	if !Valid("109876543210987654") {
		t.Error("valid id rejected")
	}
}
