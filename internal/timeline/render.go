package timeline

import (
	"html"
	"regexp"
	"strings"
)

// tokenPattern finds, in order: URLs, @mentions (optionally @user@domain)
// and #hashtags. Each must start at the beginning or after a non-word
// character so "mail@example" is not a mention.
var tokenPattern = regexp.MustCompile(`(?i)https?://[^\s<>"'` + "`" + `]+|(?:^|[^\p{L}\p{N}_/])@[a-z0-9_]{1,30}(?:@[a-z0-9.-]+\.[a-z]{2,})?|(?:^|[^\p{L}\p{N}_&/])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*`)

// Token kinds found in a post's text.
const (
	tokenURL = iota
	tokenMention
	tokenHashtag
)

type token struct {
	kind       int
	start, end int    // byte offsets of the token itself (without the lead char)
	text       string // URL, handle (lower case, no @) or tag name (as written)
	domain     string // for @user@domain mentions
}

func tokenize(text string) []token {
	var out []token
	for _, m := range tokenPattern.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		raw := text[s:e]
		switch {
		case strings.HasPrefix(strings.ToLower(raw), "http"):
			// Trailing punctuation belongs to the sentence, not the URL.
			trimmed := strings.TrimRight(raw, ".,;:!?)]}'\"")
			if strings.Count(trimmed, "(") > strings.Count(trimmed, ")") && len(raw) > len(trimmed) && raw[len(trimmed)] == ')' {
				trimmed = raw[:len(trimmed)+1]
			}
			out = append(out, token{kind: tokenURL, start: s, end: s + len(trimmed), text: trimmed})
		default:
			lead := strings.IndexAny(raw, "@#")
			s += lead
			body := raw[lead+1:]
			if raw[lead] == '@' {
				user, domain, _ := strings.Cut(body, "@")
				out = append(out, token{kind: tokenMention, start: s, end: e, text: strings.ToLower(user), domain: strings.ToLower(domain)})
			} else {
				out = append(out, token{kind: tokenHashtag, start: s, end: e, text: body})
			}
		}
	}
	return out
}

// renderer turns plain text into the safe HTML Mastodon clients expect.
type renderer struct {
	baseURL string
	host    string
	// mentioned resolves a local handle; "" when there is no such account.
	mentioned func(handle string) (accountID string)
}

type rendered struct {
	html     string
	mentions []string // account IDs
	tags     []string // lower-case names
}

// render escapes everything, then links URLs, local @mentions and #tags.
// Paragraphs are split on blank lines; single newlines become <br>.
func (r renderer) render(text string) rendered {
	var out rendered
	var b strings.Builder
	paragraphs := splitParagraphs(text)
	for _, p := range paragraphs {
		b.WriteString("<p>")
		last := 0
		for _, t := range tokenize(p) {
			b.WriteString(escapeLines(p[last:t.start]))
			b.WriteString(r.renderToken(t, p[t.start:t.end], &out))
			last = t.end
		}
		b.WriteString(escapeLines(p[last:]))
		b.WriteString("</p>")
	}
	out.html = b.String()
	return out
}

func (r renderer) renderToken(t token, raw string, out *rendered) string {
	switch t.kind {
	case tokenURL:
		display := strings.TrimPrefix(strings.TrimPrefix(t.text, "https://"), "http://")
		if len(display) > 40 {
			display = display[:40] + "…"
		}
		return `<a href="` + html.EscapeString(t.text) + `" target="_blank" rel="nofollow noopener noreferrer" translate="no">` +
			html.EscapeString(display) + `</a>`
	case tokenMention:
		if t.domain != "" && t.domain != r.host {
			return html.EscapeString(raw) // remote accounts are not linked: no federation yet
		}
		accountID := r.mentioned(t.text)
		if accountID == "" {
			return html.EscapeString(raw)
		}
		out.mentions = append(out.mentions, accountID)
		return `<span class="h-card" translate="no"><a href="` + html.EscapeString(r.baseURL+"/@"+t.text) +
			`" class="u-url mention">@<span>` + html.EscapeString(t.text) + `</span></a></span>`
	default:
		name := strings.ToLower(t.text)
		out.tags = append(out.tags, name)
		return `<a href="` + html.EscapeString(r.baseURL+"/tags/"+name) + `" class="mention hashtag" rel="tag">#<span>` +
			html.EscapeString(t.text) + `</span></a>`
	}
}

var blankLines = regexp.MustCompile(`\n{2,}`)

func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	var out []string
	for _, p := range blankLines.Split(text, -1) {
		if p = strings.Trim(p, "\n"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func escapeLines(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}
