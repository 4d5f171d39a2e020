package zk

import (
	"testing"
)

func TestProvingKeyRawCache(t *testing.T) {
	pk, vk := keys(t)
	raw, err := pk.MarshalRaw()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeProvingKeyRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := NewIdentity()
	path := MerklePath{}
	for h := 0; h < Depth; h++ {
		path.Siblings[h] = ZeroHash(h)
	}
	proof, pub, err := Prove(back, id, path, Scope("g", "p"), MessageHash([]byte("m")))
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vk, proof, pub); err != nil {
		t.Fatalf("proof from the cached key: %v", err)
	}
	for _, bad := range [][]byte{nil, raw[:len(raw)/2], raw[len(rawCacheMagic):], append(append([]byte{}, raw...), 0)} {
		if _, err := DecodeProvingKeyRaw(bad); err == nil {
			t.Errorf("accepted %d bytes", len(bad))
		}
	}
}

func BenchmarkDecodeProvingKeyRaw(b *testing.B) {
	pk, _ := keys(b)
	raw, err := pk.MarshalRaw()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeProvingKeyRaw(raw); err != nil {
			b.Fatal(err)
		}
	}
}
