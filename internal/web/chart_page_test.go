package web_test

import (
	"regexp"
	"strings"
	"testing"

	"publius/internal/servertest"
)

var chartSVG = regexp.MustCompile(`(?s)<svg viewBox="0 0 600 120"[^>]*role="img"[^>]*>.*?</svg>`)

func TestProfileFollowerChart(t *testing.T) {
	e := servertest.Start(t)
	alice, bob, carol := e.Register(t, "alice"), e.Register(t, "bob"), e.Register(t, "carol")
	e.Follow(t, bob, alice)
	e.Follow(t, carol, alice)

	body := page(t, e, 200, "/@alice")
	svg := chartSVG.FindString(body)
	if svg == "" {
		t.Fatalf("profile has no follower chart:\n%s", body)
	}
	for _, want := range []string{`aria-labelledby="follower-chart-title"`, `<title id="follower-chart-title">Followers, `,
		`<desc id="follower-chart-desc">Follower count at the end of each day (UTC)`, `<path d="M`, "→ 2</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if !strings.Contains(body, `<p class="note" aria-hidden="true">Followers, `) {
		t.Error("chart has no visible caption")
	}
	if strings.Contains(body, "<script") || strings.Contains(svg, "style=") {
		t.Error("chart needs a script or an inline style, which the CSP forbids")
	}
	// The page shows no counts when collections are hidden; nor does the chart.
	e.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"hide_collections": true})
	if body := page(t, e, 200, "/@alice"); strings.Contains(body, "<svg") || strings.Contains(body, "Followers, ") {
		t.Error("hidden collections still show the follower chart")
	}
	// A profile with no followers draws its zero line.
	if body := page(t, e, 200, "/@bob"); !chartSVG.MatchString(body) || !strings.Contains(body, "0 → 0") {
		t.Error("profile without followers has no chart")
	}
}
