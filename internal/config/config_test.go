package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	c := Default()
	c.TrustedProxies = []string{"10.0.0.0/8", " 192.0.2.1 ", "::ffff:198.51.100.1", "2001:db8::/32", "10.1.2.3/8"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"),
		netip.MustParsePrefix("198.51.100.1/32"), netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("10.0.0.0/8")}
	if !slices.Equal(c.Proxies, want) {
		t.Errorf("proxies %v, want %v", c.Proxies, want)
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", ""} {
		c := Default()
		c.TrustedProxies = []string{bad}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--trusted-proxy") {
			t.Errorf("%q: Validate = %v, want a --trusted-proxy error", bad, err)
		}
	}
}
