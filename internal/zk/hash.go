package zk

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// Depth is the depth of every membership Merkle tree: 2^20 leaves.
const Depth = 20

// Poseidon2 parameters shared by the native and in-circuit hashes.
const (
	poseidonWidth         = 2
	poseidonFullRounds    = 6
	poseidonPartialRounds = 50
)

// Element is a BN254 scalar-field element.
type Element = fr.Element

// perm is safe for concurrent use: Permutation only reads its parameters.
var perm = poseidon2.NewPermutation(poseidonWidth, poseidonFullRounds, poseidonPartialRounds)

// Domain tags, see the package documentation.
var (
	TagCommitment = tag("commitment")
	TagScope      = tag("scope")
)

func tag(name string) Element {
	h := sha256.Sum256([]byte("publius/zk/tag/" + name))
	var e Element
	e.SetBytes(h[:])
	return e
}

// compress is H2(a, b) = P([a, b])[1] + b.
func compress(a, b Element) Element {
	x := [2]Element{a, b}
	// Permutation only fails on a wrong width, which is fixed here.
	_ = perm.Permutation(x[:])
	x[1].Add(&x[1], &b)
	return x[1]
}

// HashNode returns the Merkle node H2(left, right).
func HashNode(left, right Element) Element { return compress(left, right) }

// Commitment returns the identity commitment (Merkle leaf)
// H2(TagCommitment, secret).
func Commitment(secret Element) Element { return compress(TagCommitment, secret) }

// Nullifier returns H2(secret, scope).
func Nullifier(secret, scope Element) Element { return compress(secret, scope) }

// Scope returns H2(TagScope, S("publius/zk/scope/v1", group, purpose)), the
// scope for nullifiers of a group and purpose (e.g. "account-binding").
func Scope(group, purpose string) Element {
	s := sha256Field("publius/zk/scope/v1", []byte(group), []byte(purpose))
	return compress(TagScope, s)
}

// MessageHash returns S("publius/zk/message/v1", parts...): a
// length-prefixed SHA-256 of the parts reduced mod r.
func MessageHash(parts ...[]byte) Element {
	return sha256Field("publius/zk/message/v1", parts...)
}

func sha256Field(tag string, parts ...[]byte) Element {
	h := sha256.New()
	h.Write([]byte(tag))
	h.Write([]byte{0})
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var e Element
	e.SetBytes(h.Sum(nil))
	return e
}

// zeroHashes[i] is the root of an empty subtree of height i.
var zeroHashes = func() [Depth + 1]Element {
	var z [Depth + 1]Element
	for i := 1; i <= Depth; i++ {
		z[i] = HashNode(z[i-1], z[i-1])
	}
	return z
}()

// ZeroHash returns the root of an empty subtree of the given height
// (0 = an empty leaf, Depth = the root of an empty tree); height must be
// in [0, Depth].
func ZeroHash(height int) Element { return zeroHashes[height] }

// MerklePath is the authentication path of a leaf: Siblings[i] is the
// sibling at height i (0 = leaf level) and bit i of Index says whether the
// node at height i is a right child.
type MerklePath struct {
	Index    uint64
	Siblings [Depth]Element
}

// Root folds leaf up the path and returns the resulting root.
func (p MerklePath) Root(leaf Element) Element {
	cur := leaf
	for i := 0; i < Depth; i++ {
		if (p.Index>>i)&1 == 0 {
			cur = HashNode(cur, p.Siblings[i])
		} else {
			cur = HashNode(p.Siblings[i], cur)
		}
	}
	return cur
}
