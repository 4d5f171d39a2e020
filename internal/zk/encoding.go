package zk

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Encoding errors.
var (
	ErrEncoding   = errors.New("zk: invalid encoding")
	ErrZeroValue  = errors.New("zk: zero value not allowed")
	ErrNotInField = errors.New("zk: value not below the field modulus")
)

// EncodeElement returns e as 64 lowercase hex characters (32 bytes,
// big-endian, canonical).
func EncodeElement(e Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

// DecodeElement parses the EncodeElement form. It accepts only exactly 64
// lowercase hex characters encoding a value below the field modulus, so
// every element has exactly one accepted encoding.
func DecodeElement(s string) (Element, error) {
	var e Element
	if len(s) != 64 {
		return e, fmt.Errorf("%w: element must be 64 hex characters, got %d", ErrEncoding, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return e, fmt.Errorf("%w: element must be lowercase hex", ErrEncoding)
		}
	}
	var b [32]byte
	if _, err := hex.Decode(b[:], []byte(s)); err != nil {
		return e, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	if err := e.SetBytesCanonical(b[:]); err != nil {
		return e, fmt.Errorf("%w: %v", ErrNotInField, err)
	}
	return e, nil
}

// ParseCommitment parses an identity commitment in the EncodeElement form,
// rejecting zero (the empty leaf).
func ParseCommitment(s string) (Element, error) {
	e, err := DecodeElement(s)
	if err != nil {
		return e, fmt.Errorf("commitment: %w", err)
	}
	if e.IsZero() {
		return e, fmt.Errorf("commitment: %w", ErrZeroValue)
	}
	return e, nil
}

// Identity is a member's secret. Keep it on the member's device.
type Identity struct{ Secret Element }

// identityPrefix starts the text form of an identity.
const identityPrefix = "publius-identity-v1:"

// NewIdentity draws a uniformly random secret with crypto/rand.
func NewIdentity() (Identity, error) {
	for {
		// Rejection sampling of a 254-bit value below r: uniform in [0, r).
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return Identity{}, fmt.Errorf("zk: random secret: %w", err)
		}
		b[0] &= 0x3f
		var s Element
		if s.SetBytesCanonical(b[:]) != nil {
			continue
		}
		id := Identity{Secret: s}
		if id.valid() == nil {
			return id, nil
		}
	}
}

// valid rejects secrets that could make the commitment coincide with a
// nullifier or the empty leaf.
func (id Identity) valid() error {
	if id.Secret.IsZero() || id.Secret.Equal(&TagCommitment) {
		return errors.New("zk: invalid identity secret")
	}
	c := id.Commitment()
	if c.IsZero() {
		return errors.New("zk: identity has a zero commitment")
	}
	return nil
}

// Commitment returns the public commitment of the identity.
func (id Identity) Commitment() Element { return Commitment(id.Secret) }

// String describes the identity by its commitment so secrets do not end
// up in logs.
func (id Identity) String() string {
	return "Identity(commitment=" + EncodeElement(id.Commitment()) + ")"
}

// MarshalText returns "publius-identity-v1:" + EncodeElement(secret).
func (id Identity) MarshalText() ([]byte, error) {
	return []byte(identityPrefix + EncodeElement(id.Secret)), nil
}

// UnmarshalText parses the MarshalText form; surrounding whitespace (such
// as a final newline in a file) is ignored.
func (id *Identity) UnmarshalText(b []byte) error {
	p, err := ParseIdentity(string(b))
	if err != nil {
		return err
	}
	*id = p
	return nil
}

// ParseIdentity parses the MarshalText form of an identity.
func ParseIdentity(s string) (Identity, error) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, identityPrefix)
	if !ok {
		return Identity{}, fmt.Errorf("%w: identity must start with %q", ErrEncoding, identityPrefix)
	}
	e, err := DecodeElement(rest)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: %w", err)
	}
	id := Identity{Secret: e}
	if err := id.valid(); err != nil {
		return Identity{}, err
	}
	return id, nil
}
