package canary

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// testKey is deterministic so failures are reproducible.
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

var (
	issued  = time.Date(2026, 3, 1, 15, 4, 5, 0, time.UTC)
	midTerm = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
)

func allCodes() []string {
	var codes []string
	for _, s := range DefaultStatements() {
		codes = append(codes, s.Code)
	}
	return codes
}

func signed(t *testing.T) (Canary, ed25519.PublicKey) {
	t.Helper()
	key := testKey(1)
	c, err := Sign(key, Input{
		Domain:     "social.example.org",
		Statements: allCodes(),
		Issued:     issued,
		Freshness:  "Bitcoin block 900000: 0000000000000000000123abc",
	})
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return c, key.Public().(ed25519.PublicKey)
}

func TestDefaultStatements(t *testing.T) {
	want := []string{"WAR", "SUBP", "GAG", "NSL", "TRAP", "RAID", "SEIZE", "DISC", "MOD", "XCRED"}
	got := allCodes()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("codes = %v, want %v", got, want)
	}
	for _, s := range DefaultStatements() {
		if !codePattern.MatchString(s.Code) || checkValue(s.Code, s.Text, maxTextLen) != nil {
			t.Errorf("statement %+v breaks the format rules", s)
		}
		if got, ok := StatementByCode(s.Code); !ok || got != s {
			t.Errorf("StatementByCode(%q) = %+v, %v", s.Code, got, ok)
		}
	}
	if _, ok := StatementByCode("war"); ok {
		t.Error("codes must be case-sensitive")
	}
	// The returned slice is a copy: callers cannot rewrite the defaults.
	DefaultStatements()[0].Text = "changed"
	if s, _ := StatementByCode("WAR"); s.Text == "changed" {
		t.Error("DefaultStatements leaked the package slice")
	}
}

func TestSignDefaults(t *testing.T) {
	c, _ := signed(t)
	if c.Version != Version {
		t.Errorf("Version = %d", c.Version)
	}
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC); !c.Issued.Equal(want) {
		t.Errorf("Issued = %v, want %v", c.Issued, want)
	}
	if want := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC); !c.Expires.Equal(want) || !c.NextUpdate.Equal(want) {
		t.Errorf("Expires, NextUpdate = %v, %v; want %v for both", c.Expires, c.NextUpdate, want)
	}
}

func TestRoundTrip(t *testing.T) {
	c, pub := signed(t)
	if err := Verify(c, pub, midTerm); err != nil {
		t.Fatalf("Verify(signed) = %v", err)
	}
	forms := map[string][]byte{"json": c.JSON(), "text": []byte(c.Text())}
	for name, data := range forms {
		got, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: Parse: %v\n%s", name, err, data)
		}
		if err := Verify(got, pub, midTerm); err != nil {
			t.Errorf("%s: Verify(parsed) = %v", name, err)
		}
		if string(got.JSON()) != string(c.JSON()) {
			t.Errorf("%s: parsed canary differs:\n%s\nwant\n%s", name, got.JSON(), c.JSON())
		}
	}
	crlf := strings.ReplaceAll(c.Text(), "\n", "\r\n")
	if _, err := ParseText(crlf); err != nil {
		t.Errorf("ParseText(CRLF) = %v", err)
	}
}

func TestTextIsReadable(t *testing.T) {
	c, _ := signed(t)
	text := c.Text()
	for _, want := range []string{
		"Warrant canary for social.example.org",
		"[GAG] We have not received any gag order",
		"Issued:          2026-03-01",
		"Expires:         2026-03-31",
		"Next update by:  2026-03-31",
		"Freshness:       Bitcoin block 900000",
		"Public-Key: " + c.PublicKey,
		"Signature: " + c.Signature,
		"publius canary verify https://social.example.org/canary.txt",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestSigningPayload pins the documented payload so a change to it is a
// deliberate, visible format break.
func TestSigningPayload(t *testing.T) {
	c, pub := signed(t)
	c.Statements = c.Statements[:2]
	got, err := c.SigningPayload()
	if err != nil {
		t.Fatal(err)
	}
	want := "publius-canary\n" +
		"version: 1\n" +
		"domain: social.example.org\n" +
		"issued: 2026-03-01\n" +
		"expires: 2026-03-31\n" +
		"next-update: 2026-03-31\n" +
		"freshness: Bitcoin block 900000: 0000000000000000000123abc\n" +
		"pubkey: " + PublicKeyString(pub) + "\n" +
		"statement: WAR We have not received any search warrant.\n" +
		"statement: SUBP We have not received any subpoena or court order for user data.\n"
	if string(got) != want {
		t.Fatalf("payload:\n%s\nwant:\n%s", got, want)
	}
}

// checkAltered asserts that data, which differs from a validly signed
// canary, is rejected by Parse or Verify, whatever the trusted key.
func checkAltered(t *testing.T, data []byte, pub ed25519.PublicKey, what string) {
	t.Helper()
	c, err := Parse(data)
	if err != nil {
		return
	}
	if err := Verify(c, pub, midTerm); err == nil {
		t.Fatalf("%s: altered canary verified:\n%s", what, data)
	}
	if err := Verify(c, nil, midTerm); errors.Is(err, ErrUnpinned) {
		t.Fatalf("%s: altered canary verified unpinned:\n%s", what, data)
	}
}

// TestEveryByteFlip alters each byte of both published forms in several
// ways; none may parse and verify.
func TestEveryByteFlip(t *testing.T) {
	c, pub := signed(t)
	for name, orig := range map[string][]byte{"json": c.JSON(), "text": []byte(c.Text())} {
		for i := range orig {
			for _, mask := range []byte{0x01, 0x20, 0x80} {
				data := bytes.Clone(orig)
				data[i] ^= mask
				checkAltered(t, data, pub, name)
			}
		}
		// Truncation and appended bytes are alterations too.
		checkAltered(t, orig[:len(orig)-1], pub, name+" truncated")
		checkAltered(t, append(bytes.Clone(orig), ' '), pub, name+" extended")
	}
}

// TestAlteredFields re-signs nothing: it edits one field of a signed
// canary, the way an attacker holding only the published form could.
func TestAlteredFields(t *testing.T) {
	c, pub := signed(t)
	edits := map[string]func(*Canary){
		"drop statement": func(c *Canary) { c.Statements = c.Statements[1:] },
		"edit statement": func(c *Canary) {
			c.Statements = append([]Statement(nil), c.Statements...)
			c.Statements[0].Text = "We have received a search warrant."
		},
		"domain":      func(c *Canary) { c.Domain = "other.example.org" },
		"freshness":   func(c *Canary) { c.Freshness = "yesterday's news" },
		"expires":     func(c *Canary) { c.Expires = c.Expires.AddDate(1, 0, 0) },
		"next update": func(c *Canary) { c.NextUpdate = c.NextUpdate.AddDate(0, 0, -1) },
	}
	for name, edit := range edits {
		e := c
		edit(&e)
		if err := Verify(e, pub, midTerm); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: Verify = %v, want ErrBadSignature", name, err)
		}
		checkAltered(t, e.JSON(), pub, name)
		checkAltered(t, []byte(e.Text()), pub, name)
	}
}

func TestVerifyDates(t *testing.T) {
	c, pub := signed(t) // issued 2026-03-01, expires 2026-03-31
	lastMoment := time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC)
	if err := Verify(c, pub, lastMoment); err != nil {
		t.Errorf("on the expiry day: %v", err)
	}
	err := Verify(c, pub, time.Date(2026, 4, 3, 8, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), "3 day(s) overdue") {
		t.Errorf("three days late: %v, want ErrExpired, 3 days overdue", err)
	}
	if err := Verify(c, pub, time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)); !errors.Is(err, ErrNotYetValid) {
		t.Errorf("day before issue: %v, want ErrNotYetValid", err)
	}
	// Within ClockSkew: an operator east of UTC already lives on the 1st.
	if err := Verify(c, pub, time.Date(2026, 2, 28, 22, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("within skew: %v", err)
	}
}

func TestStatus(t *testing.T) {
	c, _ := signed(t)
	cases := []struct {
		now     time.Time
		state   string
		overdue int
	}{
		{midTerm, StateValid, 0},
		{time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), StateValid, 0},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), StateExpired, 1},
		{time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), StateExpired, 31},
		{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), StateNotYetValid, 0},
		// A local time is judged by its UTC day.
		{time.Date(2026, 3, 31, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), StateExpired, 1},
	}
	for _, tc := range cases {
		state, overdue := Status(c, tc.now)
		if state != tc.state || overdue != tc.overdue {
			t.Errorf("Status(%v) = %q, %d; want %q, %d", tc.now, state, overdue, tc.state, tc.overdue)
		}
	}
}

func TestVerifyKeys(t *testing.T) {
	c, pub := signed(t)
	other := testKey(2).Public().(ed25519.PublicKey)
	if err := Verify(c, other, midTerm); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("wrong pinned key: %v, want ErrKeyMismatch", err)
	}
	if err := Verify(c, nil, midTerm); !errors.Is(err, ErrUnpinned) {
		t.Errorf("no pinned key: %v, want ErrUnpinned", err)
	}
	// An attacker who swaps in their own key and signature still fails
	// against the pinned key.
	forged, err := Sign(testKey(2), Input{Domain: c.Domain, Statements: allCodes(), Issued: issued, Freshness: c.Freshness})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(forged, pub, midTerm); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("forged: %v, want ErrKeyMismatch", err)
	}
	// Same key, someone else's signature.
	mixed := c
	mixed.Signature = forged.Signature
	if err := Verify(mixed, pub, midTerm); !errors.Is(err, ErrBadSignature) {
		t.Errorf("mixed: %v, want ErrBadSignature", err)
	}
}

func TestMissingField(t *testing.T) {
	c, pub := signed(t)
	clear := map[string]func(*Canary){
		"version":     func(c *Canary) { c.Version = 0 },
		"domain":      func(c *Canary) { c.Domain = "" },
		"statements":  func(c *Canary) { c.Statements = nil },
		"issued":      func(c *Canary) { c.Issued = time.Time{} },
		"expires":     func(c *Canary) { c.Expires = time.Time{} },
		"next_update": func(c *Canary) { c.NextUpdate = time.Time{} },
		"freshness":   func(c *Canary) { c.Freshness = "" },
		"pubkey":      func(c *Canary) { c.PublicKey = "" },
		"signature":   func(c *Canary) { c.Signature = "" },
	}
	for field, edit := range clear {
		e := c
		edit(&e)
		err := Verify(e, pub, midTerm)
		if !errors.Is(err, ErrMissingField) || !strings.HasSuffix(err.Error(), ": "+field) {
			t.Errorf("Verify without %s = %v, want ErrMissingField naming it", field, err)
		}
		// The parsers name the field too, for both published forms.
		if _, err := ParseJSON(e.JSON()); !errors.Is(err, ErrMissingField) || !strings.Contains(err.Error(), field) {
			t.Errorf("ParseJSON without %s = %v", field, err)
		}
		if _, err := ParseText(e.Text()); !errors.Is(err, ErrMissingField) || !strings.Contains(err.Error(), field) {
			t.Errorf("ParseText without %s = %v", field, err)
		}
	}
	// A JSON object with the key removed entirely.
	var m map[string]any
	if err := json.Unmarshal(c.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "freshness")
	data, _ := json.Marshal(m)
	if _, err := ParseJSON(data); !errors.Is(err, ErrMissingField) || !strings.Contains(err.Error(), "freshness") {
		t.Errorf("ParseJSON without the freshness key = %v", err)
	}
}

func TestSignRejects(t *testing.T) {
	key := testKey(1)
	good := Input{Domain: "example.org", Statements: []string{"GAG"}, Issued: issued, Freshness: "headline"}
	cases := map[string]func(*Input){
		"unknown code":        func(in *Input) { in.Statements = []string{"GAG", "NOPE"} },
		"lower-case code":     func(in *Input) { in.Statements = []string{"gag"} },
		"duplicate code":      func(in *Input) { in.Statements = []string{"GAG", "GAG"} },
		"no statements":       func(in *Input) { in.Statements = nil },
		"empty freshness":     func(in *Input) { in.Freshness = "  " },
		"multi-line fresh":    func(in *Input) { in.Freshness = "a\nb" },
		"empty domain":        func(in *Input) { in.Domain = "" },
		"domain with path":    func(in *Input) { in.Domain = "example.org/x" },
		"zero issued":         func(in *Input) { in.Issued = time.Time{} },
		"expires = issued":    func(in *Input) { in.Expires = issued.Add(time.Hour) },
		"expires before":      func(in *Input) { in.Expires = issued.AddDate(0, 0, -1) },
		"next after expires":  func(in *Input) { in.NextUpdate = issued.AddDate(0, 2, 0) },
		"next on issued day":  func(in *Input) { in.NextUpdate = issued },
		"freshness too long":  func(in *Input) { in.Freshness = strings.Repeat("x", maxFreshnessLen+1) },
		"invalid UTF-8 fresh": func(in *Input) { in.Freshness = "\xff" },
	}
	for name, edit := range cases {
		in := good
		edit(&in)
		if _, err := Sign(key, in); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: Sign = %v, want ErrInvalidInput", name, err)
		}
	}
	if _, err := Sign(key[:10], good); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("short key: %v", err)
	}
	in := good
	in.Freshness = ""
	if _, err := Sign(key, in); !errors.Is(err, ErrMissingField) {
		t.Errorf("empty freshness: %v, want ErrMissingField too", err)
	}
	in = good
	in.Expires = issued.AddDate(0, 0, 7)
	in.NextUpdate = issued.AddDate(0, 0, 5)
	c, err := Sign(key, in)
	if err != nil {
		t.Fatalf("explicit dates: %v", err)
	}
	if got := formatDate(c.NextUpdate) + " " + formatDate(c.Expires); got != "2026-03-06 2026-03-08" {
		t.Errorf("next update, expires = %s", got)
	}
}

func TestParsePublicKey(t *testing.T) {
	pub := testKey(3).Public().(ed25519.PublicKey)
	s := PublicKeyString(pub)
	got, err := ParsePublicKey(s)
	if err != nil || !got.Equal(pub) {
		t.Fatalf("ParsePublicKey(%q) = %v, %v", s, got, err)
	}
	for _, bad := range []string{"", "AAAA", s[:20], s + "AAAA", s[:10] + "\n" + s[10:], strings.TrimRight(s, "=")} {
		if _, err := ParsePublicKey(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParsePublicKey(%q) = %v, want ErrMalformed", bad, err)
		}
	}
}
