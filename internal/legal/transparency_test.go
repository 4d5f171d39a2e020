package legal_test

import (
	"context"
	"encoding/json"
	"testing"

	"publius/internal/legal"
)

func row(rows []legal.Row, key string) string {
	for _, r := range rows {
		if r.Key == key {
			return r.Count.String()
		}
	}
	return "missing"
}

func TestTransparencyReportAggregatesByHalfYear(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	for _, h := range []string{"alice", "bob", "carol"} {
		f.user(t, h)
	}
	str := func(s string) *string { return &s }
	add := func(mutate func(*legal.Input)) string {
		in := validInput()
		mutate(&in)
		d, err := f.reg.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	// 2026-H2: a summons on alice and bob (notified), a gagged warrant on
	// carol (delayed), a subpoena challenged then quashed.
	add(func(in *legal.Input) { in.Targets = []string{"alice", "bob"} })
	add(func(in *legal.Input) {
		in.ProcessType, in.Agency, in.Authority, in.Targets = legal.SearchWarrant, "FBI", "18 U.S.C. § 2703", []string{"carol"}
		in.GagOrder, in.GagEndsOn = true, "2027-06-30"
	})
	q := add(func(in *legal.Input) {
		in.ProcessType, in.ReceivedOn, in.Targets = legal.Subpoena, "2026-07-01", []string{"alice"}
	})
	if _, err := f.reg.Update(ctx, q, legal.Update{Status: str(legal.Challenged), Court: str("D. Mass."), CaseNumber: str("1:26-mc-1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Update(ctx, q, legal.Update{Status: str(legal.Quashed)}); err != nil {
		t.Fatal(err)
	}
	// 2026-H1: one complied-with preservation request.
	add(func(in *legal.Input) {
		in.ProcessType, in.ReceivedOn, in.Status, in.Targets = legal.PreservationRequest, "2026-06-30", legal.Complied, []string{"bob"}
	})

	rep, err := f.reg.Report(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Periods) != 2 || rep.Periods[0].Period != "2026-H2" || rep.Periods[1].Period != "2026-H1" {
		t.Fatalf("periods %+v", rep.Periods)
	}
	h2, h1 := rep.Periods[0], rep.Periods[1]
	checks := []struct{ name, got, want string }{
		{"H2 demands", h2.Demands.String(), "3"},
		{"H2 accounts", h2.AccountsSpecified.String(), "3"},
		{"H2 summons", row(h2.ByProcessType, legal.AdministrativeSummons), "1"},
		{"H2 warrants", row(h2.ByProcessType, legal.SearchWarrant), "1"},
		{"H2 NSLs", row(h2.ByProcessType, legal.NationalSecurityLetter), "0"},
		{"H2 by authority", row(h2.ByAuthority, "19 U.S.C. § 1509"), "2"},
		{"H2 by agency", row(h2.ByAgency, "FBI"), "1"},
		{"H2 quashed", row(h2.Outcomes, legal.Quashed), "1"},
		{"H2 pending", row(h2.Outcomes, "pending"), "2"},
		{"H2 challenged", h2.Challenged.String(), "1"},
		{"H2 notified", h2.UsersNotified.String(), "3"},
		{"H2 delayed", h2.NoticesDelayed.String(), "1"},
		{"H1 demands", h1.Demands.String(), "1"},
		{"H1 complied", row(h1.Outcomes, legal.Complied), "1"},
		{"H1 notified", h1.UsersNotified.String(), "1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}

	banded, err := f.reg.Report(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(banded.Periods[0])
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["demands"] != "0-9" || m["users_notified"] != "0-9" {
		t.Fatalf("ranged report shows %v demands, %v notified; want \"0-9\"", m["demands"], m["users_notified"])
	}
	exact, _ := json.Marshal(rep.Periods[0])
	json.Unmarshal(exact, &m)
	if m["demands"] != float64(3) {
		t.Fatalf("exact report shows demands %v, want the number 3", m["demands"])
	}
}

func TestTransparencyRangesOnlyBandSmallCounts(t *testing.T) {
	f := newFixture(t, "2026-11-03")
	f.user(t, "alice")
	for range 10 {
		if _, err := f.reg.Create(context.Background(), validInput("alice")); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := f.reg.Report(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Periods[0]
	if p.Demands.String() != "10" || p.AccountsSpecified.String() != "0-9" || row(p.ByProcessType, legal.Subpoena) != "0-9" {
		t.Fatalf("demands %s, accounts %s, subpoenas %s; want 10, 0-9, 0-9", p.Demands, p.AccountsSpecified, row(p.ByProcessType, legal.Subpoena))
	}
}
