package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"publius/internal/store"
)

// days builds a series ending on 2026-05-30, one entry per count.
func days(counts ...int64) []store.DayCount {
	end := time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC)
	out := make([]store.DayCount, len(counts))
	for i, n := range counts {
		out[i] = store.DayCount{Day: end.AddDate(0, 0, i-len(counts)+1), Followers: n}
	}
	return out
}

var pathPoint = regexp.MustCompile(`([ML])(-?[\d.]+),(-?[\d.]+)`)

type point struct{ x, y float64 }

// points parses the line's path data.
func points(t *testing.T, d string) []point {
	t.Helper()
	var out []point
	for _, m := range pathPoint.FindAllStringSubmatch(d, -1) {
		x, err1 := strconv.ParseFloat(m[2], 64)
		y, err2 := strconv.ParseFloat(m[3], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad point %q in %q", m[0], d)
		}
		out = append(out, point{x, y})
	}
	if len(out) == 0 || !strings.HasPrefix(d, "M") {
		t.Fatalf("path %q has no points or does not start with M", d)
	}
	return out
}

func inBox(t *testing.T, c *chartView, ps []point) {
	t.Helper()
	for _, p := range ps {
		if p.x < 0 || p.x > float64(c.Width) || p.y < 0 || p.y > float64(c.Height) {
			t.Errorf("point %v outside the %dx%d box", p, c.Width, c.Height)
		}
	}
}

func TestFollowerChartScaling(t *testing.T) {
	c := followerChart(days(32000, 60000, 150000), 3)
	ps := points(t, c.Line)
	inBox(t, c, ps)
	if len(ps) != 3 {
		t.Fatalf("%d points, want 3: %q", len(ps), c.Line)
	}
	bottom := float64(chartHeight - chartBottom)
	top := float64(chartTop)
	// x spans the drawing area; y is proportional from a zero baseline.
	if ps[0].x != chartLeft || ps[2].x != chartWidth-chartRight {
		t.Errorf("x from %v to %v, want %d to %d", ps[0].x, ps[2].x, chartLeft, chartWidth-chartRight)
	}
	if ps[2].y != top {
		t.Errorf("highest count at y=%v, want the top %v", ps[2].y, top)
	}
	wantY := bottom - (bottom-top)*32000/150000
	if d := ps[0].y - wantY; d < -0.06 || d > 0.06 {
		t.Errorf("32,000 of 150,000 at y=%v, want %.2f", ps[0].y, wantY)
	}
	if !(ps[0].y > ps[1].y && ps[1].y > ps[2].y) {
		t.Errorf("growth does not rise: %v", ps)
	}
	if c.Caption != "Followers, last 3 days: 32,000 → 150,000" {
		t.Errorf("caption %q", c.Caption)
	}
	for _, s := range []string{"2026-05-28 (32,000)", "2026-05-30 (150,000)", "lowest 32,000", "highest 150,000"} {
		if !strings.Contains(c.Desc, s) {
			t.Errorf("desc %q lacks %q", c.Desc, s)
		}
	}
	if c.MaxLabel != "150,000" || c.DotX != "596" || c.DotY != strconv.Itoa(chartTop) {
		t.Errorf("label %q, dot (%s, %s)", c.MaxLabel, c.DotX, c.DotY)
	}
	if !strings.HasPrefix(c.Area, c.Line) || !strings.HasSuffix(c.Area, "Z") {
		t.Errorf("area %q does not close the line %q", c.Area, c.Line)
	}
}

func TestFollowerChartShortSeriesSitsAtTheRight(t *testing.T) {
	// An account two days old on a 90-day chart: unknown days stay blank.
	c := followerChart(days(0, 5), chartDays)
	ps := points(t, c.Line)
	step := float64(chartWidth-chartLeft-chartRight) / float64(chartDays-1)
	if len(ps) != 2 || ps[1].x != chartWidth-chartRight || ps[0].x < ps[1].x-step-0.1 || ps[0].x > ps[1].x-step+0.1 {
		t.Errorf("points %v, want the last two of %d slots", ps, chartDays)
	}
	if c.Caption != "Followers, since 29 May 2026: 0 → 5" {
		t.Errorf("caption %q", c.Caption)
	}
	// A series longer than the window keeps its last days.
	long := make([]int64, 100)
	for i := range long {
		long[i] = int64(i)
	}
	c = followerChart(days(long...), chartDays)
	if ps := points(t, c.Line); len(ps) != chartDays || ps[0].x != chartLeft {
		t.Errorf("100-day series on a 90-day chart: %d points from x=%v", len(ps), ps[0].x)
	}
	if !strings.HasSuffix(c.Caption, ": 10 → 99") {
		t.Errorf("caption %q", c.Caption)
	}
}

func TestFollowerChartFlat(t *testing.T) {
	c := followerChart(days(7, 7, 7, 7), 4)
	ps := points(t, c.Line)
	inBox(t, c, ps)
	for _, p := range ps {
		if p.y != ps[0].y {
			t.Errorf("flat series is not flat: %v", ps)
		}
	}
	if c.Caption != "Followers, last 4 days: 7 → 7" {
		t.Errorf("caption %q", c.Caption)
	}
}

func TestFollowerChartZero(t *testing.T) {
	c := followerChart(days(0, 0, 0), 3)
	ps := points(t, c.Line)
	inBox(t, c, ps)
	for _, p := range ps {
		if p.y != float64(chartHeight-chartBottom) {
			t.Errorf("zero followers not on the zero line: %v", ps)
		}
	}
	if c.MaxLabel != "0" || !strings.Contains(c.Caption, ": 0 → 0") {
		t.Errorf("label %q caption %q", c.MaxLabel, c.Caption)
	}
}

func TestFollowerChartSinglePoint(t *testing.T) {
	for _, window := range []int{1, chartDays} {
		c := followerChart(days(42), window)
		ps := points(t, c.Line)
		inBox(t, c, ps)
		if len(ps) != 1 || !strings.HasSuffix(c.Line, "h0") {
			t.Errorf("window %d: a lone point should draw a dot: %q", window, c.Line)
		}
		if c.DotX != num(ps[0].x) || c.DotY != num(ps[0].y) {
			t.Errorf("window %d: dot (%s, %s), point %v", window, c.DotX, c.DotY, ps[0])
		}
	}
	if followerChart(nil, chartDays) != nil {
		t.Error("an empty series draws a chart")
	}
}

func TestFollowerChartLargeNumbers(t *testing.T) {
	const big = 9_000_000_000_000_000_000
	c := followerChart(days(big-1, big), 2)
	ps := points(t, c.Line)
	inBox(t, c, ps)
	if c.MaxLabel != "9,000,000,000,000,000,000" || c.Caption != "Followers, last 2 days: 8,999,999,999,999,999,999 → 9,000,000,000,000,000,000" {
		t.Errorf("label %q caption %q", c.MaxLabel, c.Caption)
	}
	if strings.ContainsAny(c.Line, "eE") {
		t.Errorf("path uses exponent notation: %q", c.Line)
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 32000: "32,000",
		150000: "150,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
