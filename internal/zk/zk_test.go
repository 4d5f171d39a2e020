package zk

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Setup takes about a second, so tests share one key pair.
var testKeys = sync.OnceValues(func() (*keyPair, error) {
	pk, vk, err := Setup()
	return &keyPair{pk, vk}, err
})

type keyPair struct {
	pk *ProvingKey
	vk *VerifyingKey
}

func keys(tb testing.TB) (*ProvingKey, *VerifyingKey) {
	tb.Helper()
	kp, err := testKeys()
	if err != nil {
		tb.Fatal(err)
	}
	return kp.pk, kp.vk
}

func randElement(tb testing.TB) Element {
	tb.Helper()
	id, err := NewIdentity()
	if err != nil {
		tb.Fatal(err)
	}
	return id.Secret
}

// testPath places leaf at index with random siblings.
func testPath(tb testing.TB, index uint64) MerklePath {
	p := MerklePath{Index: index}
	for i := range p.Siblings {
		p.Siblings[i] = randElement(tb)
	}
	return p
}

type validProof struct {
	proof Proof
	pub   PublicInputs
}

var testProof = sync.OnceValues(func() (validProof, error) {
	kp, err := testKeys()
	if err != nil {
		return validProof{}, err
	}
	id, err := NewIdentity()
	if err != nil {
		return validProof{}, err
	}
	p := MerklePath{Index: 0xa5a5a}
	for i := range p.Siblings {
		p.Siblings[i] = ZeroHash(i)
	}
	proof, pub, err := Prove(kp.pk, id, p, Scope("USCIS employees", "account-binding"), MessageHash([]byte("@alice")))
	return validProof{proof, pub}, err
})

func proofFixture(tb testing.TB) (Proof, PublicInputs) {
	tb.Helper()
	v, err := testProof()
	if err != nil {
		tb.Fatal(err)
	}
	return v.proof, v.pub
}

// isSolved compiles c and checks whether w satisfies it. (gnark/test
// would pull extra modules into go.mod.)
func isSolved(c, w frontend.Circuit) error {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return err
	}
	wit, err := frontend.NewWitness(w, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	return ccs.IsSolved(wit)
}

func TestConstraintCount(t *testing.T) {
	n, err := NbConstraints()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("constraints: %d", n)
	if n < 4000 || n > 4400 {
		t.Fatalf("unexpected constraint count %d", n)
	}
}

// hashCircuit recomputes the native hashes in-circuit.
type hashCircuit struct {
	A, B, Commit, Node, Null frontend.Variable
}

func (c *hashCircuit) Define(api frontend.API) error {
	h, err := newHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h(TagCommitment, c.A), c.Commit)
	api.AssertIsEqual(h(c.A, c.B), c.Node)
	api.AssertIsEqual(h(c.A, c.B), c.Null)
	return nil
}

func TestNativeMatchesCircuit(t *testing.T) {
	for i := 0; i < 3; i++ {
		a, b := randElement(t), randElement(t)
		if i == 0 {
			a, b = Element{}, Element{}
		}
		ok := &hashCircuit{A: bigInt(a), B: bigInt(b), Commit: bigInt(Commitment(a)), Node: bigInt(HashNode(a, b)), Null: bigInt(Nullifier(a, b))}
		if err := isSolved(&hashCircuit{}, ok); err != nil {
			t.Fatalf("native and circuit hashes differ: %v", err)
		}
		one := HashNode(a, b)
		one.SetOne()
		bad := *ok
		bad.Node = bigInt(one)
		if isSolved(&hashCircuit{}, &bad) == nil {
			t.Fatal("wrong hash accepted")
		}
	}
	// The whole membership circuit with natively computed values.
	id, _ := NewIdentity()
	p := testPath(t, 123456)
	scope := Scope("g", "p")
	pub := PublicInputs{Root: p.Root(id.Commitment()), Nullifier: Nullifier(id.Secret, scope), Scope: scope, Message: MessageHash([]byte("m"))}
	if err := isSolved(&circuit{}, assignment(id.Secret, p, pub)); err != nil {
		t.Fatal(err)
	}
}

func TestKnownVectors(t *testing.T) {
	// Pin the hash definitions: changing them silently would orphan every
	// enrolled commitment.
	var one, two Element
	one.SetUint64(1)
	two.SetUint64(2)
	got := []string{
		EncodeElement(HashNode(one, two)),
		EncodeElement(Commitment(one)),
		EncodeElement(Scope("g", "account-binding")),
		EncodeElement(MessageHash([]byte("a"), []byte("bc"))),
		EncodeElement(ZeroHash(Depth)),
	}
	want := []string{
		"02e7529d93e1a7ae526147c2ee72588aee90e6a7c3e361de6daa6be045c6f530",
		"13467870700c2f05327d6d7e84587f5efc82c70b1437648c0a80ed133ebb4adb",
		"0e595c6acad61bd8d6ac09ea93651cbec57e0fb3af4f50843e6bd116ea566f52",
		"2a19d247fdbeeb3f714f3d367c5ec6b9a63e1a8ceb7d35b6c4a55ebd8ba8dc47",
		"227ddf06cd019e0636691f0ab018f4f0762ca6b2947fb0bb694de42783cd6733",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("vector %d = %s, want %s", i, got[i], want[i])
		}
	}
	if MessageHash([]byte("a"), []byte("bc")) == MessageHash([]byte("ab"), []byte("c")) {
		t.Fatal("message hash is not length-prefixed")
	}
	if Nullifier(one, two) == Commitment(one) || Scope("a", "b") == Scope("b", "a") {
		t.Fatal("domain separation failed")
	}
}

// zeroLeafCircuit runs the membership constraints on a chosen leaf.
type zeroLeafCircuit struct {
	circuit
	Leaf frontend.Variable
}

func (c *zeroLeafCircuit) Define(api frontend.API) error {
	h, err := newHasher(api)
	if err != nil {
		return err
	}
	return c.constrain(api, h, c.Leaf)
}

func TestZeroLeafCannotProve(t *testing.T) {
	var zero Element
	path := MerklePath{Index: 7}
	for i := range path.Siblings {
		path.Siblings[i] = ZeroHash(i)
	}
	scope := Scope("g", "p")
	mk := func(leaf Element) *zeroLeafCircuit {
		pub := PublicInputs{Root: path.Root(leaf), Nullifier: Nullifier(zero, scope), Scope: scope}
		return &zeroLeafCircuit{circuit: *assignment(zero, path, pub), Leaf: bigInt(leaf)}
	}
	if err := isSolved(&zeroLeafCircuit{}, mk(Commitment(zero))); err != nil {
		t.Fatalf("control case failed: %v", err)
	}
	if isSolved(&zeroLeafCircuit{}, mk(zero)) == nil {
		t.Fatal("zero leaf accepted by the circuit")
	}

	// At the prover level: an identity claiming an empty slot of the
	// empty tree fails the pre-check and the solver.
	pk, _ := keys(t)
	id, _ := NewIdentity()
	if _, _, err := ProveRoot(pk, id, path, ZeroHash(Depth), scope, Element{}); !errors.Is(err, ErrNotMember) {
		t.Fatalf("ProveRoot = %v, want ErrNotMember", err)
	}
	pub := PublicInputs{Root: ZeroHash(Depth), Nullifier: Nullifier(id.Secret, scope), Scope: scope}
	if _, err := prove(pk, assignment(id.Secret, path, pub)); err == nil {
		t.Fatal("solver accepted a non-member")
	}
	if _, _, err := Prove(pk, Identity{}, path, scope, Element{}); err == nil {
		t.Fatal("zero secret accepted")
	}
}

func TestWrongPathFailsToProve(t *testing.T) {
	pk, _ := keys(t)
	id, _ := NewIdentity()
	path := testPath(t, 99)
	root := path.Root(id.Commitment())
	scope := Scope("g", "p")
	for _, mutate := range []func(*MerklePath){
		func(p *MerklePath) { p.Siblings[5] = randElement(t) },
		func(p *MerklePath) { p.Index ^= 1 << 3 },
		func(p *MerklePath) { p.Index = 1 << Depth },
	} {
		bad := path
		mutate(&bad)
		if _, _, err := ProveRoot(pk, id, bad, root, scope, Element{}); !errors.Is(err, ErrNotMember) {
			t.Fatalf("ProveRoot with wrong path = %v", err)
		}
		if bad.Index < 1<<Depth {
			pub := PublicInputs{Root: root, Nullifier: Nullifier(id.Secret, scope), Scope: scope}
			if _, err := prove(pk, assignment(id.Secret, bad, pub)); err == nil {
				t.Fatal("solver accepted a wrong path")
			}
		}
	}
	// A non-boolean path bit is rejected by the solver.
	pub := PublicInputs{Root: root, Nullifier: Nullifier(id.Secret, scope), Scope: scope}
	a := assignment(id.Secret, path, pub)
	a.PathBits[0] = 2
	if _, err := prove(pk, a); err == nil {
		t.Fatal("non-boolean path bit accepted")
	}
}

func TestProveVerify(t *testing.T) {
	_, vk := keys(t)
	proof, pub := proofFixture(t)
	if err := Verify(vk, proof, pub); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	enc := EncodeProof(proof)
	t.Logf("proof: %d bytes, %d base64url chars", len(proof.Bytes()), len(enc))
	dec, err := DecodeProof(enc)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vk, dec, pub); err != nil {
		t.Fatalf("decoded proof rejected: %v", err)
	}
}

func TestRejects(t *testing.T) {
	_, vk := keys(t)
	proof, pub := proofFixture(t)
	other := func(e Element) Element {
		var one Element
		one.SetOne()
		e.Add(&e, &one)
		return e
	}
	cases := map[string]PublicInputs{}
	p := pub
	p.Root = other(p.Root)
	cases["root"] = p
	p = pub
	p.Message = MessageHash([]byte("@mallory"))
	cases["message"] = p
	p = pub
	p.Scope = Scope("USCIS employees", "post")
	cases["scope"] = p
	p = pub
	p.Nullifier = other(p.Nullifier)
	cases["nullifier"] = p
	for name, pi := range cases {
		if err := Verify(vk, proof, pi); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("wrong %s: Verify = %v", name, err)
		}
	}

	_, vk2, err := Setup()
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vk2, proof, pub); !errors.Is(err, ErrInvalidProof) {
		t.Errorf("other VK: Verify = %v", err)
	}
	if err := Verify(vk, Proof{}, pub); !errors.Is(err, ErrInvalidProof) {
		t.Errorf("zero proof: Verify = %v", err)
	}
	if err := Verify(nil, proof, pub); !errors.Is(err, ErrInvalidProof) {
		t.Errorf("nil vk: Verify = %v", err)
	}
	if err := Verify(&VerifyingKey{}, proof, pub); !errors.Is(err, ErrInvalidProof) {
		t.Errorf("empty vk: Verify = %v", err)
	}

	b := proof.Bytes()
	bad := [][]byte{nil, b[:len(b)-1], append(bytes.Clone(b), 0), make([]byte, ProofSize)}
	for i := 0; i < 20; i++ {
		r := make([]byte, ProofSize)
		rand.Read(r)
		bad = append(bad, r)
		f := bytes.Clone(b)
		f[i*5%ProofSize] ^= 1 << (i % 8)
		bad = append(bad, f)
	}
	for _, x := range bad {
		pr, err := ProofFromBytes(x)
		if err == nil {
			err = Verify(vk, pr, pub)
		}
		if !errors.Is(err, ErrInvalidProof) {
			t.Errorf("garbage proof %x: %v", x, err)
		}
		if _, err := DecodeProof(base64.RawURLEncoding.EncodeToString(x)); !errors.Is(err, ErrInvalidProof) && !bytes.Equal(x, b) {
			if err != nil {
				t.Errorf("DecodeProof error does not wrap ErrInvalidProof: %v", err)
			}
		}
	}
	enc := EncodeProof(proof)
	for _, s := range []string{"", enc[:len(enc)-1], enc + "A", enc + "=", strings.ToUpper(enc), strings.Repeat("!", len(enc))} {
		pr, err := DecodeProof(s)
		if err == nil {
			err = Verify(vk, pr, pub)
		}
		if !errors.Is(err, ErrInvalidProof) {
			t.Errorf("DecodeProof(%q) = %v", s, err)
		}
	}
}

func TestElementEncoding(t *testing.T) {
	e := randElement(t)
	s := EncodeElement(e)
	if len(s) != 64 || strings.ToLower(s) != s {
		t.Fatalf("bad encoding %q", s)
	}
	d, err := DecodeElement(s)
	if err != nil || d != e {
		t.Fatalf("round trip: %v", err)
	}
	modulus := "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"
	for _, bad := range []string{"", s[:63], s + "0", strings.ToUpper(s), "0x" + s[2:], modulus, strings.Repeat("f", 64), " " + s[1:]} {
		if _, err := DecodeElement(bad); err == nil {
			t.Errorf("DecodeElement(%q) accepted", bad)
		}
	}
	if _, err := ParseCommitment(strings.Repeat("0", 64)); !errors.Is(err, ErrZeroValue) {
		t.Errorf("zero commitment: %v", err)
	}
	c := Commitment(e)
	if got, err := ParseCommitment(EncodeElement(c)); err != nil || got != c {
		t.Errorf("ParseCommitment round trip: %v", err)
	}
}

func TestIdentityText(t *testing.T) {
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := id.MarshalText()
	if !strings.HasPrefix(string(txt), "publius-identity-v1:") {
		t.Fatalf("identity text %q", txt)
	}
	var back Identity
	if err := back.UnmarshalText(append(txt, '\n')); err != nil || back != id {
		t.Fatalf("round trip: %v", err)
	}
	if strings.Contains(id.String(), EncodeElement(id.Secret)) {
		t.Fatal("String leaks the secret")
	}
	for _, bad := range []string{"", EncodeElement(id.Secret), "publius-identity-v1:" + strings.Repeat("0", 64), "publius-identity-v2:" + EncodeElement(id.Secret)} {
		if _, err := ParseIdentity(bad); err == nil {
			t.Errorf("ParseIdentity(%q) accepted", bad)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	pk, vk := keys(t)
	dir := t.TempDir()
	if err := WriteKeys(dir, pk, vk); err != nil {
		t.Fatal(err)
	}
	for f, mode := range map[string]os.FileMode{ProvingKeyFile: 0o600, VerifyingKeyFile: 0o644} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", f, st.Mode().Perm(), mode)
		}
		t.Logf("%s: %d bytes", f, st.Size())
	}
	if err := WriteKeys(dir, pk, vk); !errors.Is(err, os.ErrExist) {
		t.Errorf("overwrite: %v", err)
	}
	pk2, err := LoadProvingKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	vk2, err := LoadVerifyingKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if vk2.Fingerprint() != vk.Fingerprint() || !bytes.Equal(vk2.Bytes(), vk.Bytes()) {
		t.Fatal("verifying key changed on disk")
	}
	h := vk2.Header()
	if h.Setup != SetupSingleParty || h.Depth != Depth || h.Curve != "bn254" || len(h.Circuit) != 64 {
		t.Fatalf("header %+v", h)
	}
	t.Logf("vk fingerprint %s, header %s", vk.Fingerprint(), vk.Bytes()[:bytes.IndexByte(vk.Bytes(), '\n')])

	// Keys from disk prove and verify together.
	id, _ := NewIdentity()
	path := testPath(t, 5)
	proof, pub, err := Prove(pk2, id, path, Scope("g", "p"), MessageHash([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vk, proof, pub); err != nil {
		t.Fatal(err)
	}

	// Tampered headers and bodies are rejected.
	vb := vk.Bytes()
	nl := bytes.IndexByte(vb, '\n')
	for name, b := range map[string][]byte{
		"setup":    bytes.Replace(vb, []byte(`"single-party"`), []byte(`"three-party"`), 1),
		"depth":    bytes.Replace(vb, []byte(`"depth":20`), []byte(`"depth":21`), 1),
		"kind":     bytes.Replace(vb, []byte(`"verifying"`), []byte(`"proving"`), 1),
		"circuit":  bytes.Replace(vb, []byte(h.Circuit[:8]), []byte("00000000"), 1),
		"trailing": append(bytes.Clone(vb), 0),
		"short":    vb[:len(vb)-1],
		"nohdr":    vb[nl+1:],
		"bitflip":  func() []byte { c := bytes.Clone(vb); c[nl+10] ^= 4; return c }(),
		"checksum": bytes.Replace(vb, []byte(h.BodySHA256[:8]), []byte("00000000"), 1),
		// A checksum that matches a body whose first point is not on the curve.
		"badpoint": func() []byte {
			body := bytes.Clone(vb[nl+1:])
			copy(body, bytes.Repeat([]byte{0xff}, 32))
			b, err := encodeKeyFile(h, body)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}(),
	} {
		if _, err := DecodeVerifyingKey(b); !errors.Is(err, ErrKeyFormat) {
			t.Errorf("%s: DecodeVerifyingKey = %v", name, err)
		}
	}
	mpc := bytes.Replace(vb, []byte(`"single-party"`), []byte(`"mpc"`), 1)
	if v, err := DecodeVerifyingKey(mpc); err != nil || v.Header().Setup != SetupMPC {
		t.Errorf("mpc header: %v", err)
	}
}
