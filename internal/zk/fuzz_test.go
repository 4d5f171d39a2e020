package zk

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func FuzzDecodeProof(f *testing.F) {
	proof, pub := proofFixture(f)
	_, vk := keys(f)
	enc := EncodeProof(proof)
	f.Add(enc)
	f.Add(enc[:len(enc)-1])
	f.Add(enc + "AA")
	f.Add("")
	f.Add(strings.Repeat("A", len(enc)))
	f.Add(strings.Repeat("_", len(enc)))
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeProof(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidProof) {
				t.Fatalf("error does not wrap ErrInvalidProof: %v", err)
			}
			return
		}
		if EncodeProof(p) != s {
			t.Fatalf("non-canonical encoding accepted: %q", s)
		}
		if err := Verify(vk, p, pub); err != nil && !errors.Is(err, ErrInvalidProof) {
			t.Fatalf("Verify error does not wrap ErrInvalidProof: %v", err)
		}
	})
}

func FuzzDecodeVerifyingKey(f *testing.F) {
	_, vk := keys(f)
	b := vk.Bytes()
	nl := bytes.IndexByte(b, '\n')
	f.Add(b)
	f.Add(b[:len(b)-1])
	f.Add(b[nl+1:])
	f.Add(b[:nl+1])
	f.Add([]byte{})
	f.Add([]byte("{}\n"))
	f.Add(append(b[:nl+1:nl+1], bytes.Repeat([]byte{0xff}, vkBodyLen)...))
	f.Add(b[nl+1 : nl+1+vkBodyLen/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		// As a whole file, and as a body behind a valid header (checksum
		// included) so the mutations reach the point decoders.
		wrapped, err := encodeKeyFile(vk.header, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{data, wrapped} {
			v, err := DecodeVerifyingKey(in)
			if err != nil {
				if !errors.Is(err, ErrKeyFormat) {
					t.Fatalf("error does not wrap ErrKeyFormat: %v", err)
				}
				continue
			}
			if !bytes.Equal(v.Bytes(), in) {
				t.Fatal("Bytes differs from input")
			}
		}
	})
}

func FuzzDecodeElement(f *testing.F) {
	f.Add(EncodeElement(Commitment(TagScope)))
	f.Add(strings.Repeat("0", 64))
	f.Add("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001")
	f.Add("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000")
	f.Add("")
	f.Add("zz")
	f.Add("publius-identity-v1:" + EncodeElement(TagCommitment))
	f.Add("publius-identity-v1:" + EncodeElement(TagScope) + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := DecodeElement(s)
		if err == nil && EncodeElement(e) != s {
			t.Fatalf("non-canonical element accepted: %q", s)
		}
		c, err := ParseCommitment(s)
		if err == nil && (c.IsZero() || EncodeElement(c) != s) {
			t.Fatalf("bad commitment accepted: %q", s)
		}
		id, err := ParseIdentity(s)
		if err == nil {
			txt, _ := id.MarshalText()
			if string(txt) != strings.TrimSpace(s) {
				t.Fatalf("non-canonical identity accepted: %q", s)
			}
		}
	})
}
