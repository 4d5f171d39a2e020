// Package config holds the server's settings: defaults, then PUBLIUS_*
// environment variables, then command-line flags.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is everything `publius serve` can be told.
type Config struct {
	Addr               string
	DataDir            string
	PublicURL          string // https://example.org, used in rendered URLs
	InstanceTitle      string
	InstanceDesc       string
	AllowPasswordGrant bool
	OpenRegistrations  bool
	RootsKept          int           // membership: recent roots accepted
	RateLimitScale     float64       // multiplies every rate limit (tests, load runs)
	MemoryLimitMiB     int64         // soft Go memory limit; 0: none (GOMEMLIMIT wins)
	ShutdownTimeout    time.Duration // grace period for in-flight requests
	TransparencyRanges bool          // show report counts under 10 as "0-9"
	// TrustedProxies are reverse proxies (CIDRs) whose X-Forwarded-For names
	// the client for rate limiting; Proxies is the parsed form.
	TrustedProxies []string
	Proxies        []netip.Prefix
	// Now is the clock for expiring OAuth codes; tests set it (nil: wall
	// clock). It has no flag.
	Now func() time.Time
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "./data",
		InstanceTitle:     "Publius",
		InstanceDesc:      "A pseudonymous microblog that keeps almost nothing about you.",
		OpenRegistrations: true,
		RootsKept:         64,
		RateLimitScale:    1,
		MemoryLimitMiB:    100,
		ShutdownTimeout:   10 * time.Second,
	}
}

// Bind registers c's fields as flags on fs. Call ApplyEnv after parsing.
func (c *Config) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (PUBLIUS_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (PUBLIUS_DATA)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "public base URL used in links, default http://ADDR (PUBLIUS_PUBLIC_URL)")
	fs.StringVar(&c.InstanceTitle, "title", c.InstanceTitle, "instance title (PUBLIUS_TITLE)")
	fs.BoolVar(&c.AllowPasswordGrant, "allow-password-grant", c.AllowPasswordGrant, "accept OAuth grant_type=password, for scripts and client-library tests (PUBLIUS_ALLOW_PASSWORD_GRANT)")
	fs.BoolVar(&c.OpenRegistrations, "open-registrations", c.OpenRegistrations, "let anyone sign up through the API (PUBLIUS_OPEN_REGISTRATIONS)")
	fs.IntVar(&c.RootsKept, "roots-kept", c.RootsKept, "membership proofs against any of the last K group roots are accepted (PUBLIUS_ROOTS_KEPT)")
	fs.BoolVar(&c.TransparencyRanges, "transparency-ranges", c.TransparencyRanges, "show transparency-report counts under 10 as the range 0-9 (PUBLIUS_TRANSPARENCY_RANGES)")
	fs.Int64Var(&c.MemoryLimitMiB, "memory-limit", c.MemoryLimitMiB, "soft memory limit in MiB for the Go heap, so the GC does not let it double; 0 for none; GOMEMLIMIT overrides (PUBLIUS_MEMORY_LIMIT)")
	fs.StringSliceVar(&c.TrustedProxies, "trusted-proxy", c.TrustedProxies, "address or CIDR of a reverse proxy whose X-Forwarded-For names the client, for rate limiting only (hashed in memory, never stored or logged); repeatable (PUBLIUS_TRUSTED_PROXY, comma-separated)")
	fs.Float64Var(&c.RateLimitScale, "rate-limit-scale", c.RateLimitScale, "multiply every rate limit by this factor; 0 disables limits (PUBLIUS_RATE_LIMIT_SCALE)")
}

// ApplyEnv sets every flag not given on the command line from PUBLIUS_<NAME>
// (upper case, dashes as underscores), then validates.
func (c *Config) ApplyEnv(fs *pflag.FlagSet) error {
	var errs []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			return
		}
		name := "PUBLIUS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			}
		}
	})
	if len(errs) > 0 {
		return fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c.Validate()
}

// Validate checks values and fills derived ones.
func (c *Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("config: --addr is empty")
	}
	if c.DataDir == "" {
		return fmt.Errorf("config: --data is empty")
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: --public-url %q must be an absolute http(s) URL", c.PublicURL)
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	if c.RootsKept < 1 {
		return fmt.Errorf("config: --roots-kept must be at least 1")
	}
	if c.MemoryLimitMiB < 0 {
		return fmt.Errorf("config: --memory-limit must not be negative")
	}
	if c.RateLimitScale < 0 {
		return fmt.Errorf("config: --rate-limit-scale must not be negative")
	}
	c.Proxies = c.Proxies[:0]
	for _, raw := range c.TrustedProxies {
		raw = strings.TrimSpace(raw)
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			a, aerr := netip.ParseAddr(raw)
			if aerr != nil {
				return fmt.Errorf("config: --trusted-proxy %q is not an address or CIDR", raw)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		c.Proxies = append(c.Proxies, p.Masked())
	}
	return nil
}

// Host is the public URL's host (the instance's domain).
func (c Config) Host() string {
	u, _ := url.Parse(c.PublicURL)
	return u.Host
}
