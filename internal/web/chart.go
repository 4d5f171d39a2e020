package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"publius/internal/store"
)

// chartDays is how many days the profile page's follower chart covers.
const chartDays = 90

// The chart's drawing box (viewBox units; the SVG scales to the column).
const (
	chartWidth  = 600
	chartHeight = 120
	chartLeft   = 4  // room for the line's round caps and the end dot
	chartRight  = 4  //
	chartTop    = 18 // room for the highest count's label
	chartBottom = 4
)

// chartView is the follower chart of a profile page, drawn here as inline
// SVG: the pages' Content-Security-Policy allows no script, and an inline
// <svg> in the HTML needs none. Every value is plain text or numbers, put
// into the template's attributes and escaped there.
type chartView struct {
	Width, Height int
	Line          string // path data of the count over the days
	Area          string // the same, closed along the zero line
	DotX, DotY    string // the last day's point
	Top           string // y of the highest count's gridline
	Bottom        string // y of the zero line
	MaxLabel      string // the highest count, grouped ("150,000")
	Caption       string // "Followers, last 90 days: 32,000 → 150,000"
	Desc          string // the longer text alternative
}

// followerChart draws series (one entry a day, oldest first, ending on the
// window's last day, as timeline.FollowerSeries returns it) on a window of
// days days. Days the series does not cover are left blank at the left
// edge: their counts are unknown, so nothing is drawn for them. nil when
// there is nothing to draw.
func followerChart(series []store.DayCount, days int) *chartView {
	if len(series) == 0 || days < 1 {
		return nil
	}
	if len(series) > days {
		series = series[len(series)-days:]
	}
	c := &chartView{Width: chartWidth, Height: chartHeight}
	lo, hi := series[0].Followers, series[0].Followers
	for _, p := range series {
		lo, hi = min(lo, p.Followers), max(hi, p.Followers)
	}
	// The y axis starts at zero, so a change looks as large as it is.
	scale := max(hi, 1)
	plotW := float64(chartWidth - chartLeft - chartRight)
	plotH := float64(chartHeight - chartTop - chartBottom)
	bottom := float64(chartHeight - chartBottom)
	x := func(i int) float64 {
		// Slot of entry i in the window: the series ends on its last day.
		slot := days - len(series) + i
		if days == 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(slot)/float64(days-1)
	}
	y := func(v int64) float64 { return bottom - plotH*float64(max(v, 0))/float64(scale) }

	var line strings.Builder
	for i, p := range series {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&line, "%s%s,%s", cmd, num(x(i)), num(y(p.Followers)))
	}
	if len(series) == 1 {
		line.WriteString("h0") // a lone point: the round cap draws a dot
	}
	c.Line = line.String()
	c.Area = fmt.Sprintf("%sL%s,%sL%s,%sZ", c.Line, num(x(len(series)-1)), num(bottom), num(x(0)), num(bottom))
	last := series[len(series)-1]
	c.DotX, c.DotY = num(x(len(series)-1)), num(y(last.Followers))
	c.Top, c.Bottom = num(y(scale)), num(bottom)
	c.MaxLabel = groupDigits(hi)

	first := series[0]
	span := fmt.Sprintf("last %d days", days)
	if len(series) < days {
		span = "since " + first.Day.UTC().Format("2 January 2006")
	}
	c.Caption = fmt.Sprintf("Followers, %s: %s → %s", span, groupDigits(first.Followers), groupDigits(last.Followers))
	c.Desc = fmt.Sprintf("Follower count at the end of each day (UTC) from %s (%s) to %s (%s); lowest %s, highest %s.",
		first.Day.UTC().Format(time.DateOnly), groupDigits(first.Followers),
		last.Day.UTC().Format(time.DateOnly), groupDigits(last.Followers), groupDigits(lo), groupDigits(hi))
	return c
}

// num writes a coordinate with one decimal, dropping a trailing ".0".
func num(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

// groupDigits writes n with thousands separators: 150000 → "150,000".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}
