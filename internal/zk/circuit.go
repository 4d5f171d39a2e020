package zk

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// circuit is the membership statement; see the package documentation.
// The order of the public fields is the order of the public inputs.
type circuit struct {
	Root      frontend.Variable `gnark:",public"`
	Nullifier frontend.Variable `gnark:",public"`
	Scope     frontend.Variable `gnark:",public"`
	Message   frontend.Variable `gnark:",public"`

	Secret   frontend.Variable
	Siblings [Depth]frontend.Variable
	PathBits [Depth]frontend.Variable
}

// newHasher returns the in-circuit H2 matching the native compress.
func newHasher(api frontend.API) (func(a, b frontend.Variable) frontend.Variable, error) {
	p, err := poseidon2.NewPoseidon2FromParameters(api, poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	if err != nil {
		return nil, fmt.Errorf("poseidon2: %w", err)
	}
	return p.Compress, nil
}

// Define implements frontend.Circuit.
func (c *circuit) Define(api frontend.API) error {
	h, err := newHasher(api)
	if err != nil {
		return err
	}
	return c.constrain(api, h, h(TagCommitment, c.Secret))
}

// constrain adds every constraint except the leaf computation, so tests
// can feed a chosen leaf (such as 0) through the same code.
func (c *circuit) constrain(api frontend.API, h func(a, b frontend.Variable) frontend.Variable, leaf frontend.Variable) error {
	// An empty leaf (0) must never count as a member; Inverse of 0 is
	// unsatisfiable.
	api.Inverse(leaf)

	cur := leaf
	for i := 0; i < Depth; i++ {
		api.AssertIsBoolean(c.PathBits[i])
		// bit 0: cur is the left child; bit 1: the sibling is.
		left := api.Select(c.PathBits[i], c.Siblings[i], cur)
		right := api.Sub(api.Add(cur, c.Siblings[i]), left)
		cur = h(left, right)
	}
	api.AssertIsEqual(cur, c.Root)
	api.AssertIsEqual(h(c.Secret, c.Scope), c.Nullifier)

	// Bind Message: a public input used by no constraint would get a zero
	// verifying-key term and could be swapped. The R1CS builder emits the
	// constraint eagerly (TestRejects checks a tampered message fails).
	_ = api.Mul(c.Message, c.Message)
	return nil
}

var compiled struct {
	once sync.Once
	cs   *cs.R1CS
	hash [32]byte
	err  error
}

// constraintSystem compiles the circuit once per process.
func constraintSystem() (*cs.R1CS, error) {
	compiled.once.Do(func() {
		logger.Disable() // gnark logs every compile/prove to stdout by default
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &circuit{})
		if err != nil {
			compiled.err = fmt.Errorf("zk: compile circuit: %w", err)
			return
		}
		r, ok := ccs.(*cs.R1CS)
		if !ok {
			compiled.err = fmt.Errorf("zk: unexpected constraint system %T", ccs)
			return
		}
		compiled.cs = r
		compiled.hash = hashConstraints(r)
	})
	return compiled.cs, compiled.err
}

// NbConstraints returns the number of R1CS constraints of the circuit.
func NbConstraints() (int, error) {
	r, err := constraintSystem()
	if err != nil {
		return 0, err
	}
	return r.GetNbConstraints(), nil
}

// CircuitHash returns a SHA-256 over the circuit's R1CS (variable counts
// and every constraint with resolved coefficients). Keys are only valid for
// the circuit with this hash; it is recorded in key file headers.
func CircuitHash() ([32]byte, error) {
	if _, err := constraintSystem(); err != nil {
		return [32]byte{}, err
	}
	return compiled.hash, nil
}

func hashConstraints(r *cs.R1CS) [32]byte {
	h := sha256.New()
	var buf [8]byte
	put := func(v uint64) {
		binary.BigEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	h.Write([]byte("publius/zk/circuit/r1cs/v1\x00"))
	put(uint64(r.GetNbPublicVariables()))
	put(uint64(r.GetNbSecretVariables()))
	put(uint64(r.GetNbInternalVariables()))
	put(uint64(r.GetNbConstraints()))
	writeLE := func(le constraint.LinearExpression) {
		put(uint64(len(le)))
		for _, t := range le {
			c := r.Coefficients[t.CID].Bytes()
			h.Write(c[:])
			put(uint64(t.VID))
		}
	}
	for _, c := range r.GetR1Cs() {
		writeLE(c.L)
		writeLE(c.R)
		writeLE(c.O)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
