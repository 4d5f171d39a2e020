package zk

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Key file locations relative to the directory given to WriteKeys and the
// Load functions.
const (
	ProvingKeyFile   = "zk/proving.key"
	VerifyingKeyFile = "zk/verifying.key"
)

// Key file header values.
const (
	KeyMagic         = "publius-zk-key"
	KeyFormatVersion = 1
	SetupSingleParty = "single-party"
	SetupMPC         = "mpc"
)

// maxHeaderLen bounds the JSON header line of a key file.
const maxHeaderLen = 1024

// ErrKeyFormat is wrapped by every key decoding error.
var ErrKeyFormat = errors.New("zk: invalid key")

// KeyHeader is the first line of a key file: compact JSON followed by
// '\n', then the key in gnark's compressed binary form
// (groth16/bn254 ProvingKey.WriteTo / VerifyingKey.WriteTo). A multi-party
// ceremony (gnark backend/groth16/bn254/mpcsetup) yields the same key
// types, written with Setup = "mpc".
type KeyHeader struct {
	Magic   string `json:"magic"`   // KeyMagic
	Version int    `json:"version"` // KeyFormatVersion
	Kind    string `json:"kind"`    // "proving" or "verifying"
	Scheme  string `json:"scheme"`  // "groth16"
	Curve   string `json:"curve"`   // "bn254"
	Depth   int    `json:"depth"`   // Depth
	Circuit string `json:"circuit"` // hex CircuitHash
	Setup   string `json:"setup"`   // SetupSingleParty or SetupMPC
	// BodySHA256 is the hex SHA-256 of the bytes after the header line. A
	// flipped bit in a compressed point can still decode to a valid point,
	// so only a checksum catches every corruption.
	BodySHA256 string `json:"body_sha256"`
}

// ProvingKey is a Groth16 proving key for the membership circuit.
type ProvingKey struct {
	header KeyHeader
	pk     groth16.ProvingKey
}

// VerifyingKey is a Groth16 verifying key for the membership circuit.
type VerifyingKey struct {
	header KeyHeader
	vk     groth16.VerifyingKey
	enc    []byte // file encoding, header included
}

// Header returns the key file header.
func (pk *ProvingKey) Header() KeyHeader { return pk.header }

// Header returns the key file header.
func (vk *VerifyingKey) Header() KeyHeader { return vk.header }

// Bytes returns the verifying key file encoding (header and key) for
// publishing; DecodeVerifyingKey parses it.
func (vk *VerifyingKey) Bytes() []byte { return bytes.Clone(vk.enc) }

// Fingerprint returns the lowercase hex SHA-256 of Bytes.
func (vk *VerifyingKey) Fingerprint() string {
	h := sha256.Sum256(vk.enc)
	return hex.EncodeToString(h[:])
}

func newHeader(kind, setup string) (KeyHeader, error) {
	ch, err := CircuitHash()
	if err != nil {
		return KeyHeader{}, err
	}
	return KeyHeader{
		Magic: KeyMagic, Version: KeyFormatVersion, Kind: kind, Scheme: "groth16",
		Curve: "bn254", Depth: Depth, Circuit: hex.EncodeToString(ch[:]), Setup: setup,
	}, nil
}

func (h KeyHeader) check(kind string) error {
	want, err := newHeader(kind, h.Setup)
	if err != nil {
		return err
	}
	if h.Setup != SetupSingleParty && h.Setup != SetupMPC {
		return fmt.Errorf("%w: unknown setup %q", ErrKeyFormat, h.Setup)
	}
	want.BodySHA256 = h.BodySHA256
	if h != want {
		return fmt.Errorf("%w: header %+v does not match this circuit (%+v)", ErrKeyFormat, h, want)
	}
	return nil
}

// Setup runs a single-party Groth16 setup for this deployment. Whoever
// runs it could forge proofs if they kept the randomness; replace it with
// an MPC ceremony (NewKeys with SetupMPC) for stronger guarantees.
func Setup() (*ProvingKey, *VerifyingKey, error) {
	r, err := constraintSystem()
	if err != nil {
		return nil, nil, err
	}
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	if err := groth16.Setup(r, &pk, &vk); err != nil {
		return nil, nil, fmt.Errorf("zk: groth16 setup: %w", err)
	}
	return NewKeys(&pk, &vk, SetupSingleParty)
}

// NewKeys wraps gnark keys for this circuit, e.g. the output of an mpcsetup
// ceremony, recording setup (SetupSingleParty or SetupMPC) in the headers.
func NewKeys(pk *groth16.ProvingKey, vk *groth16.VerifyingKey, setup string) (*ProvingKey, *VerifyingKey, error) {
	ph, err := newHeader("proving", setup)
	if err != nil {
		return nil, nil, err
	}
	vh, err := newHeader("verifying", setup)
	if err != nil {
		return nil, nil, err
	}
	if err := ph.check("proving"); err != nil {
		return nil, nil, err
	}
	var body bytes.Buffer
	if _, err := vk.WriteTo(&body); err != nil {
		return nil, nil, fmt.Errorf("zk: encode verifying key: %w", err)
	}
	enc, err := encodeKeyFile(vh, body.Bytes())
	if err != nil {
		return nil, nil, err
	}
	// Round-trip through the strict decoder so only well-formed keys exist.
	v, err := DecodeVerifyingKey(enc)
	if err != nil {
		return nil, nil, err
	}
	return &ProvingKey{header: ph, pk: *pk}, v, nil
}

func encodeKeyFile(h KeyHeader, body []byte) ([]byte, error) {
	sum := sha256.Sum256(body)
	h.BodySHA256 = hex.EncodeToString(sum[:])
	j, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("zk: encode key header: %w", err)
	}
	out := make([]byte, 0, len(j)+1+len(body))
	out = append(out, j...)
	out = append(out, '\n')
	return append(out, body...), nil
}

func splitKeyFile(b []byte, kind string) (KeyHeader, []byte, error) {
	var h KeyHeader
	i := bytes.IndexByte(b[:min(len(b), maxHeaderLen+1)], '\n')
	if i < 0 {
		return h, nil, fmt.Errorf("%w: missing header", ErrKeyFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(b[:i]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return h, nil, fmt.Errorf("%w: header: %v", ErrKeyFormat, err)
	}
	if dec.More() {
		return h, nil, fmt.Errorf("%w: trailing data in header", ErrKeyFormat)
	}
	if h.Magic != KeyMagic {
		return h, nil, fmt.Errorf("%w: bad magic", ErrKeyFormat)
	}
	if h.Version != KeyFormatVersion {
		return h, nil, fmt.Errorf("%w: unsupported format version %d", ErrKeyFormat, h.Version)
	}
	if err := h.check(kind); err != nil {
		return h, nil, err
	}
	body := b[i+1:]
	sum := sha256.Sum256(body)
	if h.BodySHA256 != hex.EncodeToString(sum[:]) {
		return h, nil, fmt.Errorf("%w: body does not match body_sha256 (corrupted or truncated file)", ErrKeyFormat)
	}
	return h, body, nil
}

// Layout of a compressed verifying key body for 4 public inputs and no
// commitments: α1 β1 β2 γ2 δ1 δ2 | u32 len(K)=5 | K[5] | u32 0 | u32 0.
const (
	nbPublic  = 4
	vkBodyLen = 3*curve.SizeOfG1AffineCompressed + 3*curve.SizeOfG2AffineCompressed +
		4 + (nbPublic+1)*curve.SizeOfG1AffineCompressed + 4 + 4
)

// DecodeVerifyingKey parses a verifying key file (as written by WriteKeys
// or returned by Bytes). It checks the header against this circuit, the
// exact length, that every point is canonical, on the curve and in the
// subgroup, and never panics.
func DecodeVerifyingKey(b []byte) (vk *VerifyingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			vk, err = nil, fmt.Errorf("%w: %v", ErrKeyFormat, r)
		}
	}()
	h, body, err := splitKeyFile(b, "verifying")
	if err != nil {
		return nil, err
	}
	if len(body) != vkBodyLen {
		return nil, fmt.Errorf("%w: verifying key body is %d bytes, want %d", ErrKeyFormat, len(body), vkBodyLen)
	}
	v := &VerifyingKey{header: h, enc: bytes.Clone(b)}
	r := bytes.NewReader(body)
	for _, p := range []any{&v.vk.G1.Alpha, &v.vk.G1.Beta, &v.vk.G2.Beta, &v.vk.G2.Gamma, &v.vk.G1.Delta, &v.vk.G2.Delta} {
		if err := readPoint(r, p); err != nil {
			return nil, err
		}
	}
	if n, err := readU32(r); err != nil || n != nbPublic+1 {
		return nil, fmt.Errorf("%w: verifying key must have %d public terms", ErrKeyFormat, nbPublic+1)
	}
	v.vk.G1.K = make([]curve.G1Affine, nbPublic+1)
	for i := range v.vk.G1.K {
		if err := readPoint(r, &v.vk.G1.K[i]); err != nil {
			return nil, err
		}
	}
	for _, what := range []string{"public commitments", "commitment keys"} {
		if n, err := readU32(r); err != nil || n != 0 {
			return nil, fmt.Errorf("%w: unexpected %s", ErrKeyFormat, what)
		}
	}
	v.vk.PublicAndCommitmentCommitted = [][]int{}
	if err := v.vk.Precompute(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return v, nil
}

func readU32(r io.Reader) (uint32, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

// readPoint reads one compressed G1 or G2 point and requires the canonical
// encoding.
func readPoint(r io.Reader, p any) error {
	switch p := p.(type) {
	case *curve.G1Affine:
		var b [curve.SizeOfG1AffineCompressed]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		if err := decodeG1(p, b[:]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		return nil
	case *curve.G2Affine:
		var b [curve.SizeOfG2AffineCompressed]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		if err := decodeG2(p, b[:]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		return nil
	}
	return fmt.Errorf("%w: internal: unknown point type %T", ErrKeyFormat, p)
}

var errPoint = errors.New("invalid curve point")

func decodeG1(p *curve.G1Affine, b []byte) error {
	n, err := p.SetBytes(b)
	if err != nil || n != len(b) {
		return fmt.Errorf("%w: %v", errPoint, err)
	}
	if c := p.Bytes(); !bytes.Equal(c[:], b) {
		return fmt.Errorf("%w: non-canonical", errPoint)
	}
	return nil
}

func decodeG2(p *curve.G2Affine, b []byte) error {
	n, err := p.SetBytes(b)
	if err != nil || n != len(b) {
		return fmt.Errorf("%w: %v", errPoint, err)
	}
	if c := p.Bytes(); !bytes.Equal(c[:], b) {
		return fmt.Errorf("%w: non-canonical", errPoint)
	}
	return nil
}

// WriteKeys writes dir/zk/proving.key (0600) and dir/zk/verifying.key
// (0644), creating dir/zk (0755). It refuses to overwrite existing keys,
// since replacing keys invalidates every proof made so far.
func WriteKeys(dir string, pk *ProvingKey, vk *VerifyingKey) error {
	var body bytes.Buffer
	if _, err := pk.pk.WriteTo(&body); err != nil {
		return fmt.Errorf("zk: encode proving key: %w", err)
	}
	penc, err := encodeKeyFile(pk.header, body.Bytes())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "zk"), 0o755); err != nil {
		return fmt.Errorf("zk: %w", err)
	}
	for _, f := range []string{ProvingKeyFile, VerifyingKeyFile} {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			return fmt.Errorf("zk: %s: %w", f, fs.ErrExist)
		}
	}
	if err := writeFileAtomic(filepath.Join(dir, ProvingKeyFile), penc, 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, VerifyingKeyFile), vk.enc, 0o644)
}

func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("zk: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return fmt.Errorf("zk: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("zk: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("zk: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("zk: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("zk: %w", err)
	}
	return nil
}

// LoadVerifyingKey reads dir/zk/verifying.key.
func LoadVerifyingKey(dir string) (*VerifyingKey, error) {
	b, err := readFileLimit(filepath.Join(dir, VerifyingKeyFile), 1<<16)
	if err != nil {
		return nil, err
	}
	return DecodeVerifyingKey(b)
}

// LoadProvingKey reads dir/zk/proving.key.
func LoadProvingKey(dir string) (*ProvingKey, error) {
	b, err := readFileLimit(filepath.Join(dir, ProvingKeyFile), 1<<28)
	if err != nil {
		return nil, err
	}
	return DecodeProvingKey(b)
}

// DecodeProvingKey parses a proving key file. Proving keys are large and
// come from a trusted source (the deployment's own setup); the decoder
// checks the header and point validity and recovers from decoder panics.
func DecodeProvingKey(b []byte) (pk *ProvingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			pk, err = nil, fmt.Errorf("%w: %v", ErrKeyFormat, r)
		}
	}()
	h, body, err := splitKeyFile(b, "proving")
	if err != nil {
		return nil, err
	}
	p := &ProvingKey{header: h}
	n, err := p.pk.ReadFrom(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	if n != int64(len(body)) {
		return nil, fmt.Errorf("%w: trailing bytes", ErrKeyFormat)
	}
	r, err := constraintSystem()
	if err != nil {
		return nil, err
	}
	// Cheap shape checks so a key for another circuit fails here, not in Prove.
	nbWires := r.GetNbPublicVariables() + r.GetNbSecretVariables() + r.GetNbInternalVariables()
	if len(p.pk.G1.A)+int(p.pk.NbInfinityA) != nbWires || len(p.pk.G1.K) != nbWires-r.GetNbPublicVariables() ||
		len(p.pk.CommitmentKeys) != 0 {
		return nil, fmt.Errorf("%w: proving key does not fit the circuit", ErrKeyFormat)
	}
	return p, nil
}

func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("zk: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("zk: read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrKeyFormat, path, limit)
	}
	return b, nil
}
