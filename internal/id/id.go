// Package id makes the identifiers Publius hands to clients: fixed-width,
// time-sortable decimal strings, as Mastodon clients expect.
package id

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Width is the number of digits of every ID. IDs stay 18 digits wide for
// timestamps between 2018 and 2446, so string order equals numeric order.
const Width = 18

// Generator makes status-style IDs: milliseconds since the Unix epoch in the
// high bits, 16 low bits that start random (so two nodes rarely collide) and
// only ever grow within one process (so one node's IDs are strictly ordered).
type Generator struct {
	mu   sync.Mutex
	last uint64
	now  func() time.Time
}

// NewGenerator returns a Generator reading the wall clock.
func NewGenerator() *Generator { return &Generator{now: time.Now} }

// Next returns a new ID, larger than every ID this Generator returned before.
func (g *Generator) Next() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	v := uint64(g.now().UnixMilli())<<16 | uint64(randomUint16())
	if v <= g.last {
		v = g.last + 1
	}
	g.last = v
	return Format(v)
}

// Format renders v as a fixed-width ID.
func Format(v uint64) string { return fmt.Sprintf("%0*d", Width, v) }

// Time returns the moment a status-style ID was made.
func Time(s string) (time.Time, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("id: %q is not a decimal ID", s)
	}
	return time.UnixMilli(int64(v >> 16)).UTC(), nil
}

// ForTime returns the smallest status-style ID that can be made at t; used to
// turn a time bound into an ID bound.
func ForTime(t time.Time) string { return Format(uint64(t.UnixMilli()) << 16) }

// Valid reports whether s looks like an ID this package made.
func Valid(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// AccountID makes an account ID that is sortable by creation day only: the
// day number in the high digits, random digits below. Account IDs must not
// carry a creation time finer than a day (DESIGN.md, "Data we never store").
func AccountID(day time.Time) string {
	days := uint64(day.UTC().Unix() / 86400)
	// 13 random decimal digits below a 5-digit day number: 18 digits in all.
	const span = 10_000_000_000_000
	return Format(days*span + randomUint64()%span)
}

func randomUint16() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint16(b[:])
}

func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}
