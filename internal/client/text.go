package client

import (
	"html"
	"regexp"
	"strings"
)

var (
	tagPat       = regexp.MustCompile(`(?s)<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>`)
	manyNewlines = regexp.MustCompile(`\n{3,}`)
	lineSpaces   = regexp.MustCompile(`[ \t]+\n`)
	anchorPat    = regexp.MustCompile(`(?is)<a\b[^>]*?\bhref\s*=\s*"([^"]*)"[^>]*>(.*?)</a>`)
)

// expandLinks replaces a link whose text is a shortened form of its target
// ("example.org/long/pa…") with the full URL, and adds the target after
// other link text, so plain text loses nothing. Mentions and hashtags stay.
func expandLinks(content string) string {
	return anchorPat.ReplaceAllStringFunc(content, func(a string) string {
		m := anchorPat.FindStringSubmatch(a)
		href := html.UnescapeString(m[1])
		text := strings.TrimSpace(html.UnescapeString(tagPat.ReplaceAllString(m[2], "")))
		bare := strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://")
		short := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(text, "…"), "https://"), "http://")
		switch {
		case bare == href || strings.HasPrefix(text, "@") || strings.HasPrefix(text, "#"):
			return a
		case short != "" && strings.HasPrefix(bare, short):
			return html.EscapeString(href)
		}
		// A terminal cannot follow a link: show where it goes.
		return a + " (" + html.EscapeString(href) + ")"
	})
}

// PlainText converts a status's HTML content to plain text: paragraphs
// become blank-line separated, <br> a newline, other tags vanish (a link
// keeps its text, or its full URL when the text is a shortened URL),
// entities are decoded and terminal control characters removed.
func PlainText(content string) string {
	content = expandLinks(content)
	var b strings.Builder
	last := 0
	for _, m := range tagPat.FindAllStringSubmatchIndex(content, -1) {
		b.WriteString(content[last:m[0]])
		last = m[1]
		if m[4] < 0 { // comment
			continue
		}
		closing := m[3] > m[2]
		switch strings.ToLower(content[m[4]:m[5]]) {
		case "br":
			b.WriteString("\n")
		case "p", "div", "blockquote", "pre", "ul", "ol":
			if closing {
				b.WriteString("\n\n")
			}
		case "li":
			if !closing {
				b.WriteString("\n- ")
			}
		}
	}
	b.WriteString(content[last:])
	text := Sanitize(html.UnescapeString(b.String()))
	text = lineSpaces.ReplaceAllString(text, "\n")
	text = manyNewlines.ReplaceAllString(text, "\n\n")
	return strings.TrimSpace(text)
}

// Sanitize removes control characters (other than newline and tab) so text
// from a server cannot move the cursor, recolour or retitle a terminal.
func Sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return -1
		case r == '\u202d' || r == '\u202e':
			return -1 // bidi overrides can disguise what a line says
		}
		return r
	}, s)
}
