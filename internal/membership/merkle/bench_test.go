package merkle

import (
	"runtime"
	"testing"

	"publius/internal/zk"
)

func BenchmarkAppend(b *testing.B) {
	// Start from a populated tree so appends touch stored upper levels.
	tr, err := FromLeaves(elems(1<<16, 1))
	if err != nil {
		b.Fatal(err)
	}
	leaf := elems(1, 2)[0]
	for b.Loop() {
		if _, err := tr.Append(leaf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPath(b *testing.B) {
	tr, _ := FromLeaves(elems(1<<16, 1))
	for b.Loop() {
		if _, err := tr.Path(12345); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromLeaves1M(b *testing.B) {
	leaves := elems(1<<20, 7)
	var ms runtime.MemStats
	for b.Loop() {
		tr, err := FromLeaves(append([]zk.Element(nil), leaves...))
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&ms)
		runtime.KeepAlive(tr)
	}
}

func BenchmarkPathFromLeaves100k(b *testing.B) {
	leaves := elems(100_000, 3)
	for b.Loop() {
		if _, _, err := PathFromLeaves(leaves, 54321); err != nil {
			b.Fatal(err)
		}
	}
}
