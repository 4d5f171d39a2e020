package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum-memory profile (19 MiB, t=2, p=1).
// On the project's 2-core machine one hash takes about 30 ms (see
// BenchmarkHashPassphrase). Hashing is bounded to GOMAXPROCS at once so a
// burst of logins cannot push memory past a few tens of MiB.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Passphrase length bounds: at least 12 characters, at most 1024 bytes.
const (
	MinPassphraseChars = 12
	MaxPassphraseBytes = 1024
)

var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// ErrWeakPassphrase is returned for passphrases outside the bounds.
var ErrWeakPassphrase = errors.New("passphrase must be at least 12 characters and at most 1024 bytes")

// CheckPassphrase validates a new passphrase's length.
func CheckPassphrase(p string) error {
	if len([]rune(p)) < MinPassphraseChars || len(p) > MaxPassphraseBytes {
		return ErrWeakPassphrase
	}
	return nil
}

// HashPassphrase returns an encoded argon2id hash in the PHC string format.
func HashPassphrase(p string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := derive(p, salt, argonTime, argonMemory, argonThreads)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

func derive(p string, salt []byte, t, m uint32, threads uint8) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(p), salt, t, m, threads, argonKeyLen)
}

// VerifyPassphrase reports whether p matches encoded.
func VerifyPassphrase(p, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(p) > MaxPassphraseBytes {
		return false
	}
	var m, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil {
		return false
	}
	if m > 256*1024 || t > 10 || threads == 0 {
		return false // refuse hashes that would cost more than we ever create
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := derive(p, salt, t, m, threads)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a handle does not exist, so a failed
// login takes the same time whether or not the account exists.
var dummyHash, _ = HashPassphrase("publius-timing-equaliser")
