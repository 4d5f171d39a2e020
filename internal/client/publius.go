package client

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// Publius-only: a Publius server's authorization page is a plain HTML form,
// so the CLI can fill it in itself instead of sending the user to a browser.
// Other servers never see these requests.

// ErrLoginRejected is a wrong handle or passphrase (or a suspended account);
// the wrapped text is the message the server's form showed.
var ErrLoginRejected = errors.New("login rejected")

var (
	inputTag   = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrPat    = regexp.MustCompile(`(?is)\b([a-z_-]+)\s*=\s*"([^"]*)"`)
	formTag    = regexp.MustCompile(`(?is)<form\b[^>]*\baction\s*=\s*"([^"]*)"`)
	codeOutput = regexp.MustCompile(`(?is)<output\b[^>]*\bid\s*=\s*"code"[^>]*>(.*?)</output>`)
	alertPat   = regexp.MustCompile(`(?is)<p\b[^>]*\brole\s*=\s*"alert"[^>]*>(.*?)</p>`)
)

// AuthorizeWithPassphrase completes a Publius authorization form at
// authorizeURL (from AuthorizeURL with the OOB redirect) and returns the
// authorization code shown on the resulting page.
func (c *Client) AuthorizeWithPassphrase(ctx context.Context, authorizeURL, handle, passphrase string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: c.httpClient().Timeout, Transport: c.httpClient().Transport,
		// The OOB flow answers with a page; a redirect would be unexpected.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	status, page, err := c.fetchPage(ctx, hc, "GET", authorizeURL, nil)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", pageError(status, page)
	}
	fields := url.Values{}
	for _, tag := range inputTag.FindAllString(page, -1) {
		attrs := map[string]string{}
		for _, m := range attrPat.FindAllStringSubmatch(tag, -1) {
			attrs[strings.ToLower(m[1])] = html.UnescapeString(m[2])
		}
		if strings.EqualFold(attrs["type"], "hidden") && attrs["name"] != "" {
			fields.Set(attrs["name"], attrs["value"])
		}
	}
	if fields.Get("csrf") == "" {
		return "", errors.New("the authorization page has no login form this client understands")
	}
	fields.Set("handle", handle)
	fields.Set("passphrase", passphrase)
	fields.Set("decision", "approve")

	action := authorizeURL
	if m := formTag.FindStringSubmatch(page); m != nil {
		base, _ := url.Parse(authorizeURL)
		ref, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			return "", fmt.Errorf("the authorization form has a bad action: %w", err)
		}
		action = base.ResolveReference(ref).String()
	}
	status, page, err = c.fetchPage(ctx, hc, "POST", action, fields)
	if err != nil {
		return "", err
	}
	if status == http.StatusUnauthorized {
		return "", fmt.Errorf("%w: %s", ErrLoginRejected, alertText(page, "wrong handle or passphrase"))
	}
	if status != http.StatusOK {
		return "", pageError(status, page)
	}
	m := codeOutput.FindStringSubmatch(page)
	if m == nil {
		return "", errors.New("the server did not show an authorization code")
	}
	return strings.TrimSpace(html.UnescapeString(m[1])), nil
}

func (c *Client) fetchPage(ctx context.Context, hc *http.Client, method, u string, form url.Values) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", &NetworkError{Server: c.Server, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, "", &NetworkError{Server: c.Server, Err: err}
	}
	return resp.StatusCode, string(data), nil
}

// pageError turns an HTML error page into an Error with its alert text.
func pageError(status int, page string) error {
	return &Error{Status: status, Message: alertText(page, http.StatusText(status))}
}

func alertText(page, fallback string) string {
	if m := alertPat.FindStringSubmatch(page); m != nil {
		if t := strings.TrimSpace(PlainText(m[1])); t != "" {
			return t
		}
	}
	return fallback
}
