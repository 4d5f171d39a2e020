// Package canary builds, signs, encodes and verifies the instance's warrant
// canary: a dated list of narrow statements ("we have not received a gag
// order", ...) signed with the operator's Ed25519 key and carrying a
// freshness value that could not have been known before the issue date.
//
// Field names follow the spirit of the canarytail draft standard (domain,
// pubkey, expires, freshness, statement codes such as WAR and GAG).
//
// The package is pure: no HTTP, no database. The server serves JSON at
// /canary.json and Text at /canary.txt; `publius canary verify` uses Parse
// and Verify.
package canary

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Version is the only canary format version this package produces and accepts.
const Version = 1

// DefaultValidity is how long a canary stays valid when Input.Expires is zero.
const DefaultValidity = 30 * 24 * time.Hour

// ClockSkew is how far in the future an issue date may lie before Verify
// returns ErrNotYetValid. Operators date canaries by their own calendar,
// and the widest time-zone offset is UTC+14.
const ClockSkew = 14 * time.Hour

// Limits keep the text form readable and bound what parsers accept.
const (
	maxDomainLen    = 253
	maxFreshnessLen = 512
	maxTextLen      = 512
)

const dateLayout = "2006-01-02"

// Errors returned by Verify, Sign and the parsers. Test with errors.Is; the
// returned errors wrap these with details (which field, how many days).
var (
	// ErrBadSignature means the signature does not match the signed payload.
	ErrBadSignature = errors.New("canary: bad signature")
	// ErrExpired means the canary's expiry day has passed.
	ErrExpired = errors.New("canary: expired")
	// ErrMissingField is wrapped with the name of the empty field.
	ErrMissingField = errors.New("canary: missing field")
	// ErrKeyMismatch means the embedded key differs from the pinned one.
	ErrKeyMismatch = errors.New("canary: signing key differs from the pinned key")
	// ErrNotYetValid means the issue date lies in the future beyond ClockSkew.
	ErrNotYetValid = errors.New("canary: issue date is in the future")
	// ErrUnpinned is returned by Verify when every check passed but no
	// trusted key was given, so the embedded key vouches for itself. Callers
	// that accept trust-on-first-use may treat it as success.
	ErrUnpinned = errors.New("canary: valid, but signed by an unpinned key")
	// ErrMalformed means the canary or its encoding breaks the format rules.
	ErrMalformed = errors.New("malformed canary")
	// ErrInvalidInput means Sign was given input it will not sign.
	ErrInvalidInput = errors.New("canary: invalid input")
)

// Statement is one narrow claim with a short stable code. Statements are
// kept separate so an operator can drop exactly the one that stopped being
// true (riseup, 2016) instead of being unable to re-sign the whole canary.
type Statement struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

var defaultStatements = []Statement{
	{"WAR", "We have not received any search warrant."},
	{"SUBP", "We have not received any subpoena or court order for user data."},
	{"GAG", "We have not received any gag order or other order forbidding us to disclose a demand."},
	{"NSL", "We have not received any National Security Letter."},
	{"TRAP", "We have not been ordered to monitor, wiretap or start logging any user."},
	{"RAID", "No search of our premises or servers has taken place."},
	{"SEIZE", "None of our servers, storage or data has been seized."},
	{"DISC", "We have not handed over any user data in response to a legal demand."},
	{"MOD", "We have not been ordered to install a backdoor or modified software."},
	{"XCRED", "Our signing key and administrative credentials have not been handed over or compromised."},
}

// DefaultStatements returns a fresh copy of every statement Publius knows.
func DefaultStatements() []Statement {
	return append([]Statement(nil), defaultStatements...)
}

// StatementByCode returns the known statement with the given code.
func StatementByCode(code string) (Statement, bool) {
	for _, s := range defaultStatements {
		if s.Code == code {
			return s, true
		}
	}
	return Statement{}, false
}

// Canary is a signed warrant canary. Dates are UTC calendar days (midnight
// UTC); a canary is valid through the end of its Expires day.
type Canary struct {
	Version    int
	Domain     string // instance host, e.g. "example.org"
	Statements []Statement
	Issued     time.Time
	Expires    time.Time
	NextUpdate time.Time // the date by which a new canary will appear
	Freshness  string    // e.g. a recent headline or block hash
	PublicKey  string    // base64 (standard, padded) of the raw 32-byte key
	Signature  string    // base64 (standard, padded) of the 64-byte Ed25519 signature
}

// Input is what the operator supplies to Sign.
type Input struct {
	Domain     string
	Statements []string // codes from DefaultStatements, in display order
	Issued     time.Time
	Expires    time.Time // zero: Issued + DefaultValidity
	NextUpdate time.Time // zero: Expires
	Freshness  string
}

// Sign validates in and returns a canary signed with key.
func Sign(key ed25519.PrivateKey, in Input) (Canary, error) {
	if len(key) != ed25519.PrivateKeySize {
		return Canary{}, fmt.Errorf("%w: private key has %d bytes, want %d", ErrInvalidInput, len(key), ed25519.PrivateKeySize)
	}
	c := Canary{
		Version:   Version,
		Domain:    strings.TrimSpace(in.Domain),
		Freshness: strings.TrimSpace(in.Freshness),
		PublicKey: PublicKeyString(key.Public().(ed25519.PublicKey)),
	}
	if c.Domain == "" {
		return Canary{}, fmt.Errorf("%w: %w: domain", ErrInvalidInput, ErrMissingField)
	}
	if c.Freshness == "" {
		return Canary{}, fmt.Errorf("%w: %w: freshness (a recent headline or block hash)", ErrInvalidInput, ErrMissingField)
	}
	if len(in.Statements) == 0 {
		return Canary{}, fmt.Errorf("%w: %w: statements (at least one is needed)", ErrInvalidInput, ErrMissingField)
	}
	for _, code := range in.Statements {
		s, ok := StatementByCode(code)
		if !ok {
			return Canary{}, fmt.Errorf("%w: unknown statement code %q", ErrInvalidInput, code)
		}
		c.Statements = append(c.Statements, s)
	}
	if in.Issued.IsZero() {
		return Canary{}, fmt.Errorf("%w: %w: issued", ErrInvalidInput, ErrMissingField)
	}
	c.Issued = day(in.Issued)
	c.Expires = day(in.Expires)
	if in.Expires.IsZero() {
		c.Expires = c.Issued.Add(DefaultValidity)
	}
	c.NextUpdate = day(in.NextUpdate)
	if in.NextUpdate.IsZero() {
		c.NextUpdate = c.Expires
	}
	payload, err := c.SigningPayload()
	if err != nil {
		return Canary{}, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, payload))
	return c, nil
}

// SigningPayload returns the exact bytes the Ed25519 signature covers.
//
// The payload is UTF-8 text made of the following lines, in this order,
// each ending in a single LF (0x0A), with no other whitespace added:
//
//	publius-canary
//	version: <Version, decimal>
//	domain: <Domain>
//	issued: <Issued as YYYY-MM-DD>
//	expires: <Expires as YYYY-MM-DD>
//	next-update: <NextUpdate as YYYY-MM-DD>
//	freshness: <Freshness>
//	pubkey: <PublicKey, base64 as published>
//	statement: <Code> <Text>     (one line per statement, in published order)
//
// Each label is followed by exactly one space (0x20). Values are copied
// verbatim from the published canary.json or canary.txt fields; they may not
// contain control characters or leading/trailing spaces, so the payload is
// unambiguous. To verify without Publius: rebuild these lines from the JSON
// fields, base64-decode "pubkey" (32 bytes) and "signature" (64 bytes), and
// check the Ed25519 signature (RFC 8032, pure Ed25519, no prehash).
func (c Canary) SigningPayload() ([]byte, error) {
	if err := c.checkContent(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("publius-canary\n")
	line := func(label, value string) {
		b.WriteString(label)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteByte('\n')
	}
	line("version", strconv.Itoa(c.Version))
	line("domain", c.Domain)
	line("issued", c.Issued.Format(dateLayout))
	line("expires", c.Expires.Format(dateLayout))
	line("next-update", c.NextUpdate.Format(dateLayout))
	line("freshness", c.Freshness)
	line("pubkey", c.PublicKey)
	for _, s := range c.Statements {
		line("statement", s.Code+" "+s.Text)
	}
	return b.Bytes(), nil
}

// missingField names the first required field that is empty, or "".
func (c Canary) missingField() string {
	switch {
	case c.Version == 0:
		return "version"
	case c.Domain == "":
		return "domain"
	case len(c.Statements) == 0:
		return "statements"
	case c.Issued.IsZero():
		return "issued"
	case c.Expires.IsZero():
		return "expires"
	case c.NextUpdate.IsZero():
		return "next_update"
	case c.Freshness == "":
		return "freshness"
	case c.PublicKey == "":
		return "pubkey"
	}
	return ""
}

var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,11}$`)

// checkContent enforces the rules that keep the payload and the text form
// unambiguous: no control characters (so no line breaks), no padding
// spaces, whole UTC days, and dates in order.
func (c Canary) checkContent() error {
	if f := c.missingField(); f != "" {
		return fmt.Errorf("%w: %s", ErrMissingField, f)
	}
	if c.Version != Version {
		return fmt.Errorf("%w: unsupported version %d", ErrMalformed, c.Version)
	}
	if err := checkValue("domain", c.Domain, maxDomainLen); err != nil {
		return err
	}
	if strings.ContainsAny(c.Domain, " /") {
		return fmt.Errorf("%w: domain %q must be a bare host name", ErrMalformed, c.Domain)
	}
	if err := checkValue("freshness", c.Freshness, maxFreshnessLen); err != nil {
		return err
	}
	if _, err := ParsePublicKey(c.PublicKey); err != nil {
		return err
	}
	seen := make(map[string]bool, len(c.Statements))
	for _, s := range c.Statements {
		if !codePattern.MatchString(s.Code) {
			return fmt.Errorf("%w: statement code %q is not 2-12 capital letters or digits", ErrMalformed, s.Code)
		}
		if seen[s.Code] {
			return fmt.Errorf("%w: statement %s appears twice", ErrMalformed, s.Code)
		}
		seen[s.Code] = true
		if s.Text == "" {
			return fmt.Errorf("%w: statement %s text", ErrMissingField, s.Code)
		}
		if err := checkValue("statement "+s.Code, s.Text, maxTextLen); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"issued", c.Issued}, {"expires", c.Expires}, {"next_update", c.NextUpdate}} {
		if !d.t.Equal(day(d.t)) {
			return fmt.Errorf("%w: %s is not a whole UTC day", ErrMalformed, d.name)
		}
	}
	if !c.Expires.After(c.Issued) {
		return fmt.Errorf("%w: expires %s is not after issued %s", ErrMalformed, c.Expires.Format(dateLayout), c.Issued.Format(dateLayout))
	}
	if !c.NextUpdate.After(c.Issued) || c.NextUpdate.After(c.Expires) {
		return fmt.Errorf("%w: next update %s must be after issued and no later than expires", ErrMalformed, c.NextUpdate.Format(dateLayout))
	}
	return nil
}

func checkValue(name, v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrMalformed, name, max)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrMalformed, name)
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%w: %s has leading or trailing space", ErrMalformed, name)
	}
	for _, r := range v {
		// Line and paragraph separators would split lines in some viewers.
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%w: %s contains a control character", ErrMalformed, name)
		}
	}
	return nil
}

// Verify checks c's fields, the signature and the dates. If trustedPub is
// non-nil the embedded key must equal it (ErrKeyMismatch otherwise). If
// trustedPub is nil the embedded key is used and, when everything else
// passes, Verify returns ErrUnpinned so the caller can say the key was not
// pinned. Checks run in this order, and the first failure is returned:
// ErrMissingField, ErrMalformed, ErrKeyMismatch, ErrBadSignature,
// ErrNotYetValid, ErrExpired, ErrUnpinned.
func Verify(c Canary, trustedPub ed25519.PublicKey, now time.Time) error {
	if f := c.missingField(); f != "" {
		return fmt.Errorf("%w: %s", ErrMissingField, f)
	}
	if c.Signature == "" {
		return fmt.Errorf("%w: signature", ErrMissingField)
	}
	payload, err := c.SigningPayload()
	if err != nil {
		return err
	}
	pub, err := ParsePublicKey(c.PublicKey)
	if err != nil {
		return err
	}
	if trustedPub != nil && !pub.Equal(trustedPub) {
		return fmt.Errorf("%w: canary is signed by %s", ErrKeyMismatch, c.PublicKey)
	}
	sig, err := decodeBase64(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64", ErrBadSignature, ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, payload, sig) {
		return ErrBadSignature
	}
	if now.Add(ClockSkew).Before(c.Issued) {
		return fmt.Errorf("%w: issued %s", ErrNotYetValid, c.Issued.Format(dateLayout))
	}
	if state, overdue := Status(c, now); state == StateExpired {
		return fmt.Errorf("%w: expired at the end of %s, %d day(s) overdue", ErrExpired, c.Expires.Format(dateLayout), overdue)
	}
	if trustedPub == nil {
		return ErrUnpinned
	}
	return nil
}

// States reported by Status.
const (
	StateValid       = "valid"
	StateExpired     = "expired"
	StateNotYetValid = "not yet valid"
)

// Status reports whether c is within its dates at now, and for an expired
// canary how many calendar days (UTC) have passed since its expiry day. It
// does not check the signature; use Verify for that.
func Status(c Canary, now time.Time) (state string, daysOverdue int) {
	today := day(now)
	expires := day(c.Expires)
	switch {
	case today.After(expires):
		return StateExpired, int(today.Sub(expires).Hours() / 24)
	case now.Add(ClockSkew).Before(day(c.Issued)):
		return StateNotYetValid, 0
	}
	return StateValid, 0
}

// day truncates t to midnight UTC of its UTC calendar day.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
