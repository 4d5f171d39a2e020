package zk

import (
	"slices"
	"testing"
	"time"
)

// reportMedian adds the median of the measured calls (the targets
// are medians; ns/op is a mean).
func reportMedian(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}

func BenchmarkProve(b *testing.B) {
	pk, _ := keys(b)
	id, _ := NewIdentity()
	path := testPath(b, 777)
	scope, msg := Scope("g", "p"), MessageHash([]byte("m"))
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, _, err := Prove(pk, id, path, scope, msg); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	reportMedian(b, took)
}

func BenchmarkVerify(b *testing.B) {
	_, vk := keys(b)
	proof, pub := proofFixture(b)
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := Verify(vk, proof, pub); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	reportMedian(b, took)
}

func BenchmarkDecodeProof(b *testing.B) {
	proof, _ := proofFixture(b)
	s := EncodeProof(proof)
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodeProof(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommitment(b *testing.B) {
	s := randElement(b)
	for b.Loop() {
		s = Commitment(s)
	}
}

func BenchmarkHashNode(b *testing.B) {
	l, r := randElement(b), randElement(b)
	for b.Loop() {
		l = HashNode(l, r)
	}
}
