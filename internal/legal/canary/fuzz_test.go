package canary

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics and that whatever it accepts is
// exactly the published form of what it returned.
func FuzzParse(f *testing.F) {
	key := testKey(1)
	for _, codes := range [][]string{allCodes(), {"GAG"}} {
		c, err := Sign(key, Input{Domain: "example.org", Statements: codes, Issued: issued, Freshness: "headline: \"x\" <&>"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.JSON())
		f.Add([]byte(c.Text()))
	}
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	f.Add([]byte("  [X] \n-----BEGIN PUBLIUS CANARY SIGNATURE-----\nVersion: 99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		if !bytes.Equal(c.JSON(), data) && c.Text() != string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))) {
			t.Fatalf("accepted a non-canonical form:\n%q", data)
		}
		_ = Verify(c, nil, time.Now())
		_, _ = Status(c, time.Now())
	})
}
