package zk

import "testing"

func BenchmarkProve(b *testing.B) {
	pk, _ := keys(b)
	id, _ := NewIdentity()
	path := testPath(b, 777)
	scope, msg := Scope("g", "p"), MessageHash([]byte("m"))
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Prove(pk, id, path, scope, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	_, vk := keys(b)
	proof, pub := proofFixture(b)
	b.ResetTimer()
	for b.Loop() {
		if err := Verify(vk, proof, pub); err != nil {
			b.Fatal(err)
		}
	}
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
