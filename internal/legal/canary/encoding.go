package canary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// wire is the JSON form; dates are "YYYY-MM-DD" strings.
type wire struct {
	Version    int         `json:"version"`
	Domain     string      `json:"domain"`
	Issued     string      `json:"issued"`
	Expires    string      `json:"expires"`
	NextUpdate string      `json:"next_update"`
	Freshness  string      `json:"freshness"`
	Statements []Statement `json:"statements"`
	PublicKey  string      `json:"pubkey"`
	Signature  string      `json:"signature"`
}

// JSON returns the machine-readable form served at /canary.json: an
// indented object with the keys version, domain, issued, expires,
// next_update, freshness, statements ([{code, text}]), pubkey, signature.
func (c Canary) JSON() []byte {
	w := wire{
		Version:    c.Version,
		Domain:     c.Domain,
		Issued:     formatDate(c.Issued),
		Expires:    formatDate(c.Expires),
		NextUpdate: formatDate(c.NextUpdate),
		Freshness:  c.Freshness,
		Statements: c.Statements,
		PublicKey:  c.PublicKey,
		Signature:  c.Signature,
	}
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		panic(err) // only strings, ints and slices: cannot fail
	}
	return append(b, '\n')
}

// ParseJSON parses the output of JSON. It accepts only that exact
// encoding, so any altered byte is rejected even where encoding/json would
// have tolerated it (whitespace, key case, escapes). Independent verifiers
// need not be this strict: the signature covers SigningPayload, not the
// JSON bytes. ParseJSON does not check the signature; call Verify.
func ParseJSON(data []byte) (Canary, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wire
	if err := dec.Decode(&w); err != nil {
		return Canary{}, fmt.Errorf("%w: json: %w", ErrMalformed, err)
	}
	c := Canary{
		Version:    w.Version,
		Domain:     w.Domain,
		Freshness:  w.Freshness,
		Statements: w.Statements,
		PublicKey:  w.PublicKey,
		Signature:  w.Signature,
	}
	var err error
	for _, d := range []struct {
		name string
		s    string
		t    *time.Time
	}{{"issued", w.Issued, &c.Issued}, {"expires", w.Expires, &c.Expires}, {"next_update", w.NextUpdate, &c.NextUpdate}} {
		if *d.t, err = parseDate(d.name, d.s); err != nil {
			return Canary{}, err
		}
	}
	if err := c.checkParsed(); err != nil {
		return Canary{}, err
	}
	if !bytes.Equal(c.JSON(), data) {
		return Canary{}, fmt.Errorf("%w: json is not in the exact form published by Publius", ErrMalformed)
	}
	return c, nil
}

// Fixed lines of the text form; ParseText finds values by these labels.
const (
	textTitle      = "Warrant canary for "
	textIssued     = "Issued:          "
	textExpires    = "Expires:         "
	textExpiresEnd = " (valid through the end of this day, UTC)"
	textNext       = "Next update by:  "
	textFreshness  = "Freshness:       "
	textStatement  = "  ["
	textBegin      = "-----BEGIN PUBLIUS CANARY SIGNATURE-----"
	textEnd        = "-----END PUBLIUS CANARY SIGNATURE-----"
	textVersion    = "Version: "
	textPubKey     = "Public-Key: "
	textSignature  = "Signature: "
)

// Text returns the human-readable form served at /canary.txt. Every
// signed value appears on its own labelled line, so ParseText can rebuild
// the canary; the prose around them is fixed.
func (c Canary) Text() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s%s\n\n", textTitle, c.Domain)
	p("The operator of %s makes each of the statements below.\n", c.Domain)
	p("Each statement is separate: if one is missing from a later canary,\n")
	p("assume it is no longer true.\n\n")
	for _, s := range c.Statements {
		p("%s%s] %s\n", textStatement, s.Code, s.Text)
	}
	p("\n")
	p("%s%s\n", textIssued, formatDate(c.Issued))
	p("%s%s%s\n", textExpires, formatDate(c.Expires), textExpiresEnd)
	p("%s%s\n", textNext, formatDate(c.NextUpdate))
	p("%s%s\n\n", textFreshness, c.Freshness)
	p("The freshness value (a recent news headline or block hash) could not\n")
	p("have been known before the issue date, so this canary was not signed\n")
	p("in advance. If no new canary appears by the next update date, or this\n")
	p("one does not verify, treat every statement above as withdrawn.\n\n")
	p("%s\n", textBegin)
	p("%s%d\n", textVersion, c.Version)
	p("%s%s\n", textPubKey, c.PublicKey)
	p("%s%s\n", textSignature, c.Signature)
	p("%s\n\n", textEnd)
	p("To verify, run:\n\n")
	p("  publius canary verify https://%s/canary.txt\n\n", c.Domain)
	p("and compare the public key with one you obtained earlier or elsewhere.\n")
	p("The signature is Ed25519 over the payload documented for\n")
	p("publius/internal/legal/canary (Canary.SigningPayload); the same fields\n")
	p("are published as JSON at https://%s/canary.json.\n", c.Domain)
	return b.String()
}

// ParseText parses the output of Text. Like ParseJSON it accepts only that
// exact text (CRLF line endings aside), so edited prose is rejected too.
// It does not check the signature; call Verify.
func ParseText(s string) (Canary, error) {
	s = strings.ReplaceAll(s, "\r\n", "\n") // copies from Windows tools
	var c Canary
	var err error
	var issued, expires, next, version string
	inSig := false
	for _, line := range strings.Split(s, "\n") {
		switch {
		case line == textBegin:
			inSig = true
		case line == textEnd:
			inSig = false
		case inSig && strings.HasPrefix(line, textVersion):
			version = strings.TrimPrefix(line, textVersion)
		case inSig && strings.HasPrefix(line, textPubKey):
			c.PublicKey = strings.TrimPrefix(line, textPubKey)
		case inSig && strings.HasPrefix(line, textSignature):
			c.Signature = strings.TrimPrefix(line, textSignature)
		case inSig:
		case strings.HasPrefix(line, textTitle) && c.Domain == "":
			c.Domain = strings.TrimPrefix(line, textTitle)
		case strings.HasPrefix(line, textStatement):
			code, text, ok := strings.Cut(strings.TrimPrefix(line, textStatement), "] ")
			if !ok {
				return Canary{}, fmt.Errorf("%w: statement line %q", ErrMalformed, line)
			}
			c.Statements = append(c.Statements, Statement{Code: code, Text: text})
		case strings.HasPrefix(line, textIssued):
			issued = strings.TrimPrefix(line, textIssued)
		case strings.HasPrefix(line, textExpires):
			expires = strings.TrimSuffix(strings.TrimPrefix(line, textExpires), textExpiresEnd)
		case strings.HasPrefix(line, textNext):
			next = strings.TrimPrefix(line, textNext)
		case strings.HasPrefix(line, textFreshness):
			c.Freshness = strings.TrimPrefix(line, textFreshness)
		}
	}
	if version != "" {
		if c.Version, err = strconv.Atoi(version); err != nil {
			return Canary{}, fmt.Errorf("%w: version %q", ErrMalformed, version)
		}
	}
	if c.Issued, err = parseDate("issued", issued); err != nil {
		return Canary{}, err
	}
	if c.Expires, err = parseDate("expires", expires); err != nil {
		return Canary{}, err
	}
	if c.NextUpdate, err = parseDate("next_update", next); err != nil {
		return Canary{}, err
	}
	if err := c.checkParsed(); err != nil {
		return Canary{}, err
	}
	if c.Text() != s {
		return Canary{}, fmt.Errorf("%w: text is not in the exact form published by Publius", ErrMalformed)
	}
	return c, nil
}

// Parse parses either form: JSON if the first non-space byte is '{',
// text otherwise.
func Parse(data []byte) (Canary, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return ParseJSON(data)
	}
	return ParseText(string(data))
}

// checkParsed reports missing fields by name before the canonical-form
// check, which would otherwise hide them behind a generic error.
func (c Canary) checkParsed() error {
	if f := c.missingField(); f != "" {
		return fmt.Errorf("%w: %s", ErrMissingField, f)
	}
	if c.Signature == "" {
		return fmt.Errorf("%w: signature", ErrMissingField)
	}
	return c.checkContent()
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// parseDate maps "" to the zero time so missing dates are reported by name.
func parseDate(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Format(dateLayout) != s {
		return time.Time{}, fmt.Errorf("%w: %s %q is not a YYYY-MM-DD date", ErrMalformed, name, s)
	}
	return t, nil
}
