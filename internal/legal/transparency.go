package legal

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"publius/internal/store"
)

// Count is a number in the transparency report. With ranges on, numbers
// under 10 (zero included) are shown as the band "0-9", so a report cannot
// single out one demand. In JSON it is a number, or the band as a string.
type Count struct {
	N      int  `json:"-"`
	Banded bool `json:"-"`
}

// String is the count as the report shows it.
func (c Count) String() string {
	if c.Banded {
		return "0-9"
	}
	return strconv.Itoa(c.N)
}

// MarshalJSON implements json.Marshaler.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Banded {
		return []byte(`"0-9"`), nil
	}
	return []byte(strconv.Itoa(c.N)), nil
}

// Row is one line of a breakdown.
type Row struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count Count  `json:"count"`
}

// Period is one half-year of the report, e.g. "2026-H2".
type Period struct {
	Period            string `json:"period"`
	Start             string `json:"start"`
	End               string `json:"end"`
	Demands           Count  `json:"demands"`
	ByProcessType     []Row  `json:"by_process_type"`
	ByAuthority       []Row  `json:"by_authority"`
	ByAgency          []Row  `json:"by_agency"`
	AccountsSpecified Count  `json:"accounts_specified"`
	Challenged        Count  `json:"challenged"`
	Outcomes          []Row  `json:"outcomes"`
	UsersNotified     Count  `json:"users_notified"`
	NoticesDelayed    Count  `json:"notices_delayed_by_gag_orders"`
}

// Report is the public transparency report, always computed from the
// registry.
type Report struct {
	GeneratedOn string   `json:"generated_on"`
	Ranges      bool     `json:"ranges"`
	Periods     []Period `json:"periods"`
}

// outcomeKeys are the report's outcome rows; open demands count as pending.
var outcomeKeys = []string{Withdrawn, Quashed, Complied, PartiallyComplied, NoData, "pending"}

// HalfYear names the half-year holding day, e.g. "2026-H2".
func HalfYear(day time.Time) string {
	h := 1
	if day.Month() > time.June {
		h = 2
	}
	return fmt.Sprintf("%d-H%d", day.Year(), h)
}

func halfYearBounds(day time.Time) (start, end time.Time) {
	m := time.January
	if day.Month() > time.June {
		m = time.July
	}
	start = time.Date(day.Year(), m, 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 6, -1)
}

// Report aggregates the registry by half-year of receipt, newest first. The
// current half-year is always present, so "no demands" is said too.
func (r *Registry) Report(ctx context.Context, ranges bool) (*Report, error) {
	list, err := r.store.Demands(ctx)
	if err != nil {
		return nil, err
	}
	return BuildReport(list, r.Today(), ranges), nil
}

type tally struct {
	demands, challenged, notified, delayed int
	process, authority, agency, outcome    map[string]int
	accounts                               map[string]bool
	start                                  time.Time
}

// BuildReport is Report over a given list, for tests and other stores.
func BuildReport(list []*store.Demand, today time.Time, ranges bool) *Report {
	periods := map[string]*tally{}
	get := func(day time.Time) *tally {
		key := HalfYear(day)
		if periods[key] == nil {
			start, _ := halfYearBounds(day)
			periods[key] = &tally{process: map[string]int{}, authority: map[string]int{}, agency: map[string]int{},
				outcome: map[string]int{}, accounts: map[string]bool{}, start: start}
		}
		return periods[key]
	}
	get(today)
	for _, d := range list {
		t := get(d.ReceivedOn)
		t.demands++
		t.process[d.ProcessType]++
		t.authority[d.Authority]++
		t.agency[d.Agency]++
		if Open(d.Status) {
			t.outcome["pending"]++
		} else {
			t.outcome[d.Status]++
		}
		for _, e := range d.History {
			if e.Status == Challenged {
				t.challenged++
				break
			}
		}
		for _, tg := range d.Targets {
			t.accounts[tg.AccountID] = true
		}
		t.notified += len(d.Notices)
		// Accounts of gagged demands: told late, when the order ends, or not yet.
		if d.Gagged {
			t.delayed += len(d.Targets)
		}
	}
	count := func(n int) Count { return Count{N: n, Banded: ranges && n < 10} }
	rows := func(m map[string]int, order []string, label func(string) string) []Row {
		keys := order
		if keys == nil {
			for k := range m {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool {
				if m[keys[i]] != m[keys[j]] {
					return m[keys[i]] > m[keys[j]]
				}
				return keys[i] < keys[j]
			})
		}
		out := []Row{}
		for _, k := range keys {
			out = append(out, Row{Key: k, Label: label(k), Count: count(m[k])})
		}
		return out
	}
	same := func(s string) string { return s }
	rep := &Report{GeneratedOn: formatDay(today), Ranges: ranges, Periods: []Period{}}
	for key, t := range periods {
		start, end := halfYearBounds(t.start)
		rep.Periods = append(rep.Periods, Period{
			Period: key, Start: formatDay(start), End: formatDay(end), Demands: count(t.demands),
			ByProcessType: rows(t.process, ProcessTypes, Label), ByAuthority: rows(t.authority, nil, same),
			ByAgency: rows(t.agency, nil, same), AccountsSpecified: count(len(t.accounts)),
			Challenged: count(t.challenged), Outcomes: rows(t.outcome, outcomeKeys, Label),
			UsersNotified: count(t.notified), NoticesDelayed: count(t.delayed),
		})
	}
	sort.Slice(rep.Periods, func(i, j int) bool { return rep.Periods[i].Start > rep.Periods[j].Start })
	return rep
}
