package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"publius/internal/legal/canary"
	"publius/internal/legal/canarysite"
)

func init() {
	adminCommands = append(adminCommands, newAdminCanaryCommand)
	extraCommands = append(extraCommands, newCanaryCommand)
}

// canaryNow is the clock of the canary commands; tests move it to sign or
// verify at other dates.
var canaryNow = time.Now

func newAdminCanaryCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "canary", Short: "Sign the warrant canary the server publishes"}
	var statements, freshness, domain string
	var expiresDays, nextDays int
	sign := &cobra.Command{
		Use:   "sign --freshness TEXT",
		Short: "Sign a new canary with the instance key and store it in the data directory",
		Long: "Sign a new warrant canary and write it to DATA/canary.json, where the server serves it\n" +
			"at /canary.json, /canary.txt and /canary. Drop a statement that is no longer true by\n" +
			"leaving its code out of --statements. Known codes:\n\n" + statementCodes(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := canaryDataDir(cmd)
			if domain == "" {
				u, err := url.Parse(os.Getenv("PUBLIUS_PUBLIC_URL"))
				if err != nil || u.Host == "" {
					return errors.New("give --domain (or set PUBLIUS_PUBLIC_URL): the canary names the instance it speaks for")
				}
				domain = u.Host
			}
			if expiresDays < 1 {
				return errors.New("--expires-days must be at least 1")
			}
			if nextDays < 0 || nextDays > expiresDays {
				return fmt.Errorf("--next-update-days must be between 0 (the expiry day) and --expires-days (%d)", expiresDays)
			}
			key, err := canary.LoadOrCreateKey(dir)
			if err != nil {
				return err
			}
			issued := canaryNow().UTC()
			in := canary.Input{Domain: domain, Issued: issued, Freshness: freshness,
				Expires: issued.AddDate(0, 0, expiresDays)}
			if nextDays > 0 {
				in.NextUpdate = issued.AddDate(0, 0, nextDays)
			}
			for _, code := range strings.Split(statements, ",") {
				if code = strings.ToUpper(strings.TrimSpace(code)); code != "" {
					in.Statements = append(in.Statements, code)
				}
			}
			c, err := canary.Sign(key, in)
			if err != nil {
				return err
			}
			if err := canarysite.Save(dir, c); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "signed canary for %s: issued %s, expires %s, next update %s, %d statement(s)\npublic key %s\n",
				c.Domain, c.Issued.Format(time.DateOnly), c.Expires.Format(time.DateOnly),
				c.NextUpdate.Format(time.DateOnly), len(c.Statements), c.PublicKey)
			return nil
		},
	}
	var all []string
	for _, s := range canary.DefaultStatements() {
		all = append(all, s.Code)
	}
	sign.Flags().StringVar(&statements, "statements", strings.Join(all, ","), "comma-separated statement codes to sign")
	sign.Flags().StringVar(&freshness, "freshness", "", "a value nobody knew before today: a recent headline or block hash (required)")
	sign.Flags().StringVar(&domain, "domain", "", "instance domain (default: host of PUBLIUS_PUBLIC_URL)")
	sign.Flags().IntVar(&expiresDays, "expires-days", 30, "days until the canary expires")
	sign.Flags().IntVar(&nextDays, "next-update-days", 0, "days until the next canary is promised (default: the expiry day)")
	cmd.AddCommand(sign)
	return cmd
}

func statementCodes() string {
	var b strings.Builder
	for _, s := range canary.DefaultStatements() {
		fmt.Fprintf(&b, "  %-6s %s\n", s.Code, s.Text)
	}
	return b.String()
}

// canaryDataDir is the admin --data flag, or PUBLIUS_DATA when not given.
func canaryDataDir(cmd *cobra.Command) string {
	data, _ := cmd.Flags().GetString("data")
	if !cmd.Flags().Changed("data") {
		if v := os.Getenv("PUBLIUS_DATA"); v != "" {
			data = v
		}
	}
	return data
}

// Exit statuses of `publius canary verify`.
const (
	exitCanaryInvalid = 1 // the canary is not valid (reason printed)
	exitCanaryFetch   = 2 // it could not be fetched or read
)

func newCanaryCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "canary", Short: "Check a Publius warrant canary"}
	var pubkey string
	verify := &cobra.Command{
		Use:   "verify URL-or-FILE",
		Short: "Verify a warrant canary; exits 0 only for a valid, unexpired canary",
		Long: "Verify a canary from a URL (https://example.org, .../canary.json or .../canary.txt)\n" +
			"or a file. Pin the operator's key with --pubkey (base64, or a file holding it); without\n" +
			"it, a URL's key is fetched from the same server, which proves only that the server\n" +
			"signed it. Exit status: 0 valid, 1 invalid (bad signature, missing field, expired,\n" +
			"key mismatch, malformed), 2 could not fetch or read.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			var trusted ed25519.PublicKey
			pinned := pubkey != ""
			if pinned {
				k, err := readCanaryKey(pubkey)
				if err != nil {
					fmt.Fprintf(errOut, "INVALID --pubkey: %v\n", err)
					return exitError{exitCanaryFetch}
				}
				trusted = k
			}
			src := args[0]
			isURL := strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
			var data []byte
			var host string
			var err error
			if isURL {
				var u *url.URL
				if u, err = url.Parse(src); err != nil || u.Host == "" {
					fmt.Fprintf(errOut, "cannot fetch: %q is not a URL\n", src)
					return exitError{exitCanaryFetch}
				}
				host = u.Host
				if u.Path == "" || u.Path == "/" {
					u.Path = "/canary.json"
				}
				if data, err = fetchCanaryURL(u.String()); err == nil && !pinned {
					var keyText []byte
					keyText, err = fetchCanaryURL(u.Scheme + "://" + u.Host + canarysite.KeyPath)
					if err == nil {
						trusted, err = canary.ParsePublicKey(strings.TrimSpace(string(keyText)))
					}
					if err == nil {
						fmt.Fprintf(errOut, "note: key not pinned: fetched %s from the same server; pass --pubkey to check it against a key you obtained elsewhere\n",
							canary.PublicKeyString(trusted))
					}
				}
			} else {
				data, err = os.ReadFile(src)
			}
			if err != nil {
				fmt.Fprintf(errOut, "cannot read canary: %v\n", err)
				return exitError{exitCanaryFetch}
			}
			c, err := canary.Parse(data)
			if err == nil {
				err = canary.Verify(c, trusted, canaryNow())
			}
			if errors.Is(err, canary.ErrUnpinned) {
				fmt.Fprintln(errOut, "note: key not pinned: the canary's embedded key vouches only for itself; pass --pubkey")
				err = nil
			}
			if err == nil && host != "" && !strings.EqualFold(c.Domain, host) {
				err = fmt.Errorf("domain mismatch: canary speaks for %s but was fetched from %s", c.Domain, host)
			}
			if err != nil {
				fmt.Fprintf(out, "INVALID: %s\n", describeCanaryError(err))
				return exitError{exitCanaryInvalid}
			}
			fmt.Fprintf(out, "VALID: canary for %s, issued %s, valid through %s, next update by %s\n",
				c.Domain, c.Issued.Format(time.DateOnly), c.Expires.Format(time.DateOnly), c.NextUpdate.Format(time.DateOnly))
			fmt.Fprintf(out, "signed by %s\nfreshness: %s\n", c.PublicKey, c.Freshness)
			for _, s := range c.Statements {
				fmt.Fprintf(out, "  [%s] %s\n", s.Code, s.Text)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&pubkey, "pubkey", "", "the operator's public key (base64), or a file holding it")
	cmd.AddCommand(verify)
	return cmd
}

// describeCanaryError names the failed check first, so scripts and people
// see which one it was.
func describeCanaryError(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{canary.ErrBadSignature, "bad signature (the canary was altered, or not signed by this key)"},
		{canary.ErrExpired, "expired"},
		{canary.ErrMissingField, "missing field"},
		{canary.ErrKeyMismatch, "key mismatch"},
		{canary.ErrNotYetValid, "not yet valid"},
		{canary.ErrMalformed, "malformed"},
	} {
		if errors.Is(err, k.err) {
			return k.name + ": " + err.Error()
		}
	}
	return err.Error()
}

func readCanaryKey(s string) (ed25519.PublicKey, error) {
	if k, err := canary.ParsePublicKey(s); err == nil {
		return k, nil
	}
	data, err := os.ReadFile(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a base64 Ed25519 public key nor a readable file", s)
	}
	return canary.ParsePublicKey(strings.TrimSpace(string(data)))
}

func fetchCanaryURL(u string) ([]byte, error) {
	client := &http.Client{Timeout: 15 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}
