package zk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
)

// Proof errors.
var (
	// ErrInvalidProof is wrapped by Verify for any proof that does not
	// verify, and by DecodeProof for malformed encodings.
	ErrInvalidProof = errors.New("zk: invalid proof")
	// ErrNotMember is returned by Prove when the identity and path do not
	// lead to the expected root or cannot be a member.
	ErrNotMember = errors.New("zk: identity is not a member under this root")
)

// ProofSize is the length of an encoded proof before base64url.
const ProofSize = 2*curve.SizeOfG1AffineCompressed + curve.SizeOfG2AffineCompressed

// Proof is a Groth16 proof (the zero value never verifies).
type Proof struct {
	p groth16.Proof
}

// PublicInputs are the public inputs of a membership proof.
type PublicInputs struct {
	Root, Nullifier, Scope, Message Element
}

// Prove proves that id's commitment is the leaf at path.Index under the
// root obtained by folding path, for the given scope and message. The root
// is returned in PublicInputs; use ProveRoot to also check it against an
// expected root before spending time on the proof.
func Prove(pk *ProvingKey, id Identity, path MerklePath, scope, message Element) (Proof, PublicInputs, error) {
	return ProveRoot(pk, id, path, path.Root(id.Commitment()), scope, message)
}

// ProveRoot is Prove with the expected root given: it returns ErrNotMember
// when path does not lead from id's commitment to root.
func ProveRoot(pk *ProvingKey, id Identity, path MerklePath, root, scope, message Element) (Proof, PublicInputs, error) {
	if pk == nil {
		return Proof{}, PublicInputs{}, errors.New("zk: nil proving key")
	}
	if err := id.valid(); err != nil {
		return Proof{}, PublicInputs{}, fmt.Errorf("%w: %v", ErrNotMember, err)
	}
	if path.Index >= 1<<Depth {
		return Proof{}, PublicInputs{}, fmt.Errorf("%w: leaf index %d out of range", ErrNotMember, path.Index)
	}
	if got := path.Root(id.Commitment()); !got.Equal(&root) {
		return Proof{}, PublicInputs{}, fmt.Errorf("%w: path leads to root %s", ErrNotMember, EncodeElement(got))
	}
	pub := PublicInputs{Root: root, Nullifier: Nullifier(id.Secret, scope), Scope: scope, Message: message}
	proof, err := prove(pk, assignment(id.Secret, path, pub))
	return proof, pub, err
}

func assignment(secret Element, path MerklePath, pub PublicInputs) *circuit {
	a := &circuit{
		Root: bigInt(pub.Root), Nullifier: bigInt(pub.Nullifier), Scope: bigInt(pub.Scope), Message: bigInt(pub.Message),
		Secret: bigInt(secret),
	}
	for i := 0; i < Depth; i++ {
		a.Siblings[i] = bigInt(path.Siblings[i])
		a.PathBits[i] = (path.Index >> i) & 1
	}
	return a
}

func bigInt(e Element) *big.Int {
	var b big.Int
	return e.BigInt(&b)
}

// prove runs the solver and prover without native pre-checks.
func prove(pk *ProvingKey, a *circuit) (Proof, error) {
	r, err := constraintSystem()
	if err != nil {
		return Proof{}, err
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return Proof{}, fmt.Errorf("zk: witness: %w", err)
	}
	p, err := groth16.Prove(r, &pk.pk, w)
	if err != nil {
		return Proof{}, fmt.Errorf("zk: prove: %w", err)
	}
	if len(p.Commitments) != 0 {
		return Proof{}, errors.New("zk: unexpected commitments in proof")
	}
	return Proof{p: *p}, nil
}

// Verify checks proof against vk and the public inputs. Every failure,
// including malformed proofs or keys, wraps ErrInvalidProof; it never panics.
func Verify(vk *VerifyingKey, proof Proof, pub PublicInputs) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrInvalidProof, r)
		}
	}()
	if vk == nil || len(vk.vk.G1.K) != nbPublic+1 {
		return fmt.Errorf("%w: unusable verifying key", ErrInvalidProof)
	}
	if len(proof.p.Commitments) != 0 {
		return fmt.Errorf("%w: unexpected commitments", ErrInvalidProof)
	}
	w := fr.Vector{pub.Root, pub.Nullifier, pub.Scope, pub.Message}
	if err := groth16.Verify(&proof.p, &vk.vk, w); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	return nil
}

// Bytes returns the 128-byte encoding Ar || Bs || Krs (compressed points).
func (p Proof) Bytes() []byte {
	out := make([]byte, 0, ProofSize)
	a := p.p.Ar.Bytes()
	b := p.p.Bs.Bytes()
	k := p.p.Krs.Bytes()
	out = append(out, a[:]...)
	out = append(out, b[:]...)
	return append(out, k[:]...)
}

// ProofFromBytes parses the Bytes form. It requires exactly ProofSize
// bytes of canonical compressed points that are on the curve, in the
// prime-order subgroup and not the point at infinity.
func ProofFromBytes(b []byte) (proof Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			proof, err = Proof{}, fmt.Errorf("%w: %v", ErrInvalidProof, r)
		}
	}()
	if len(b) != ProofSize {
		return Proof{}, fmt.Errorf("%w: proof is %d bytes, want %d", ErrInvalidProof, len(b), ProofSize)
	}
	const g1, g2 = curve.SizeOfG1AffineCompressed, curve.SizeOfG2AffineCompressed
	var p Proof
	if err := decodeG1(&p.p.Ar, b[:g1]); err != nil {
		return Proof{}, fmt.Errorf("%w: A: %v", ErrInvalidProof, err)
	}
	if err := decodeG2(&p.p.Bs, b[g1:g1+g2]); err != nil {
		return Proof{}, fmt.Errorf("%w: B: %v", ErrInvalidProof, err)
	}
	if err := decodeG1(&p.p.Krs, b[g1+g2:]); err != nil {
		return Proof{}, fmt.Errorf("%w: C: %v", ErrInvalidProof, err)
	}
	if p.p.Ar.IsInfinity() || p.p.Bs.IsInfinity() || p.p.Krs.IsInfinity() {
		return Proof{}, fmt.Errorf("%w: point at infinity", ErrInvalidProof)
	}
	return p, nil
}

// EncodeProof returns base64url (no padding) of Bytes: 171 characters.
func EncodeProof(p Proof) string { return base64.RawURLEncoding.EncodeToString(p.Bytes()) }

// DecodeProof parses the EncodeProof form strictly (canonical base64url,
// exact length, valid points).
func DecodeProof(s string) (Proof, error) {
	if len(s) != base64.RawURLEncoding.EncodedLen(ProofSize) {
		return Proof{}, fmt.Errorf("%w: encoded proof is %d characters", ErrInvalidProof, len(s))
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return Proof{}, fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	return ProofFromBytes(b)
}
