package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"publius/internal/id"
	"publius/internal/store"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// demand returns a demand with every field set, received on received.
func demand(agency string, received time.Time, targets ...*store.Account) *store.Demand {
	d := &store.Demand{Agency: agency, Office: "Office of " + agency, Agent: "Agent Smith", Authority: "19 U.S.C. § 1509",
		ProcessType: "administrative subpoena", DeliveryMethod: "email", ReceivedOn: received,
		DeadlineOn: received.AddDate(0, 0, 10), DataRequested: "All records\nabout the account.", Status: "received",
		Notes: "first note"}
	for _, a := range targets {
		d.Targets = append(d.Targets, store.DemandTarget{AccountID: a.ID})
	}
	d.History = []store.DemandEvent{{Status: "received", On: received, Note: "arrived"}}
	return d
}

func (e *env) createDemand(d *store.Demand) *store.Demand {
	e.t.Helper()
	if err := e.s.CreateDemand(e.ctx, d); err != nil {
		e.t.Fatalf("CreateDemand(%s): %v", d.Agency, err)
	}
	if d.ID == "" {
		e.t.Fatalf("CreateDemand(%s) did not assign an ID", d.Agency)
	}
	return d
}

func (e *env) demand(id string) *store.Demand {
	e.t.Helper()
	d, err := e.s.Demand(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Demand(%s): %v", id, err)
	}
	return d
}

// checkDemand compares got with want field by field; want's dates must be
// days, want's targets carry handles, and parts compare in order except
// targets and notices (any order).
func checkDemand(t *testing.T, what string, got, want *store.Demand) {
	t.Helper()
	g, w := *got, *want
	g.Targets, g.History, g.Documents, g.Notices = nil, nil, nil, nil
	w.Targets, w.History, w.Documents, w.Notices = nil, nil, nil, nil
	if !g.ReceivedOn.Equal(w.ReceivedOn) || !g.DeadlineOn.Equal(w.DeadlineOn) || !g.GagEndsOn.Equal(w.GagEndsOn) ||
		g.DeadlineOn.IsZero() != w.DeadlineOn.IsZero() || g.GagEndsOn.IsZero() != w.GagEndsOn.IsZero() {
		t.Errorf("%s: days received/deadline/gag end %v / %v / %v, want %v / %v / %v", what,
			g.ReceivedOn, g.DeadlineOn, g.GagEndsOn, w.ReceivedOn, w.DeadlineOn, w.GagEndsOn)
	}
	g.ReceivedOn, g.DeadlineOn, g.GagEndsOn = time.Time{}, time.Time{}, time.Time{}
	w.ReceivedOn, w.DeadlineOn, w.GagEndsOn = time.Time{}, time.Time{}, time.Time{}
	if gs, ws := fmt.Sprintf("%+v", g), fmt.Sprintf("%+v", w); gs != ws {
		t.Errorf("%s:\n got  %s\n want %s", what, gs, ws)
	}

	targets := func(list []store.DemandTarget) []string {
		out := make([]string, len(list))
		for i, x := range list {
			out[i] = x.AccountID + "@" + x.Handle
		}
		return out
	}
	sameSet(t, what+": targets", targets(got.Targets), targets(want.Targets))
	if !slices.EqualFunc(got.History, want.History, func(a, b store.DemandEvent) bool {
		return a.Status == b.Status && a.On.Equal(b.On) && a.Note == b.Note
	}) {
		t.Errorf("%s: history\n got  %+v\n want %+v", what, got.History, want.History)
	}
	if !slices.EqualFunc(got.Documents, want.Documents, func(a, b store.DemandDocument) bool {
		return a.ID == b.ID && a.Name == b.Name && a.MediaType == b.MediaType && a.Size == b.Size &&
			a.SHA256 == b.SHA256 && a.AddedOn.Equal(b.AddedOn)
	}) {
		t.Errorf("%s: documents\n got  %+v\n want %+v", what, got.Documents, want.Documents)
	}
	notices := func(list []store.DemandNotice) []string {
		out := make([]string, len(list))
		for i, n := range list {
			out[i] = n.AccountID + " " + n.SentOn.Format(time.RFC3339Nano) + " " + n.StatusID
		}
		return out
	}
	sameSet(t, what+": notices", notices(got.Notices), notices(want.Notices))
}

func target(a *store.Account) store.DemandTarget {
	return store.DemandTarget{AccountID: a.ID, Handle: a.Handle}
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var legalTests = map[string]func(*testing.T, *env){
	"DemandRoundTrip": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		if list, err := e.s.Demands(e.ctx); err != nil || len(list) != 0 {
			t.Errorf("Demands of an empty registry: %v, %v", list, err)
		}
		// Times of day are dropped: every date is its UTC calendar day.
		est := time.FixedZone("EST", -5*3600)
		in := &store.Demand{Agency: "CBP", Office: "Office of Professional Responsibility", Agent: "Special Agent X",
			Authority: "19 U.S.C. § 1509", ProcessType: "administrative summons", DeliveryMethod: "email",
			ReceivedOn:    time.Date(2026, 3, 4, 21, 30, 0, 0, est),     // 2026-03-05 in UTC
			DeadlineOn:    time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), // before ReceivedOn
			DataRequested: "«all» records\n\tincluding <IPs> & names", Gagged: true,
			GagEndsOn: time.Date(2027, 1, 31, 23, 59, 59, 999, time.UTC), Court: "N.D. Cal.", CaseNumber: "3:26-mc-80001",
			Status: "challenged", Notes: "motion to quash filed",
			Targets: []store.DemandTarget{{AccountID: b.ID}, {AccountID: a.ID}},
			History: []store.DemandEvent{
				{Status: "received", On: time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), Note: "by email"},
				{Status: "challenged", On: day(2026, 3, 9)},
			}}
		e.createDemand(in)
		want := &store.Demand{ID: in.ID, Agency: in.Agency, Office: in.Office, Agent: in.Agent, Authority: in.Authority,
			ProcessType: in.ProcessType, DeliveryMethod: in.DeliveryMethod, ReceivedOn: day(2026, 3, 5),
			DeadlineOn: day(2026, 3, 1), DataRequested: in.DataRequested, Gagged: true, GagEndsOn: day(2027, 1, 31),
			Court: in.Court, CaseNumber: in.CaseNumber, Status: "challenged", Notes: in.Notes,
			Targets: []store.DemandTarget{target(a), target(b)},
			History: []store.DemandEvent{{Status: "received", On: day(2026, 3, 5), Note: "by email"}, {Status: "challenged", On: day(2026, 3, 9)}}}
		checkDemand(t, "Demand", e.demand(in.ID), want)

		// Unset optional days and fields stay unset.
		bare := e.createDemand(&store.Demand{Agency: "FBI", Authority: "18 U.S.C. § 2703(d)", ProcessType: "court order",
			DeliveryMethod: "mail", ReceivedOn: day(2026, 2, 1), Status: "received"})
		if bare.ID == in.ID {
			t.Errorf("two demands got the same ID %s", in.ID)
		}
		checkDemand(t, "bare demand", e.demand(bare.ID), &store.Demand{ID: bare.ID, Agency: "FBI",
			Authority: "18 U.S.C. § 2703(d)", ProcessType: "court order", DeliveryMethod: "mail",
			ReceivedOn: day(2026, 2, 1), Status: "received"})

		_, err := e.s.Demand(e.ctx, "999999")
		wantErr(t, "unknown demand", err, store.ErrNotFound)
		_, err = e.s.Demand(e.ctx, "junk")
		wantErr(t, "garbage demand id", err, store.ErrNotFound)
	},
	"DemandUnknownTarget": func(t *testing.T, e *env) {
		a := e.account("alice")
		d := demand("DEA", day(2026, 1, 2), a)
		d.Targets = append(d.Targets, store.DemandTarget{AccountID: id.AccountID(today())})
		wantErr(t, "demand naming an unknown account", e.s.CreateDemand(e.ctx, d), store.ErrNotFound)
		// Nothing of it was stored.
		if list, err := e.s.Demands(e.ctx); err != nil || len(list) != 0 {
			t.Errorf("Demands after a failed create: %d demands, %v", len(list), err)
		}
		// A deleted account still exists (as a tombstone) and can be named.
		b := e.account("bob")
		if err := e.s.DeleteAccount(e.ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		d = e.createDemand(demand("DEA", day(2026, 1, 2), a, b))
		if got := e.demand(d.ID); len(got.Targets) != 2 {
			t.Errorf("targets of a demand naming a deleted account: %+v", got.Targets)
		}
	},
	"DemandsOrder": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		first := e.createDemand(demand("First", day(2025, 3, 1), a))
		second := e.createDemand(demand("Second", day(2026, 1, 15), b))
		third := e.createDemand(demand("Third", day(2025, 11, 30), a, b))
		if err := e.s.RecordDemandNotice(e.ctx, third.ID, store.DemandNotice{AccountID: b.ID, SentOn: day(2026, 2, 1)}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AddDemandDocument(e.ctx, first.ID, &store.DemandDocument{Name: "summons.pdf", MediaType: "application/pdf",
			SHA256: sha([]byte("pdf")), AddedOn: day(2025, 3, 2)}, []byte("pdf")); err != nil {
			t.Fatal(err)
		}
		list, err := e.s.Demands(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range list {
			ids = append(ids, d.ID)
		}
		sameIDs(t, "Demands, most recently received first", ids, []string{second.ID, third.ID, first.ID})
		// Each listed demand carries its parts, as Demand loads them.
		for _, d := range list {
			checkDemand(t, "listed demand "+d.Agency, d, e.demand(d.ID))
		}
		if len(list) == 3 && (len(list[1].Targets) != 2 || len(list[1].Notices) != 1 || len(list[1].History) != 1 ||
			len(list[2].Documents) != 1 || len(list[0].Targets) != 1 || list[0].Targets[0].Handle != "bob") {
			t.Errorf("listed demands miss parts: %+v", list)
		}
	},
	"UpdateDemand": func(t *testing.T, e *env) {
		a, b := e.account("alice"), e.account("bob")
		other := e.createDemand(demand("Other", day(2026, 1, 1), a))
		d := e.createDemand(demand("CBP", day(2026, 1, 10), a))
		content := []byte("%PDF-1.4 summons")
		doc := &store.DemandDocument{Name: "summons.pdf", MediaType: "application/pdf", SHA256: sha(content), AddedOn: day(2026, 1, 10)}
		if err := e.s.AddDemandDocument(e.ctx, d.ID, doc, content); err != nil {
			t.Fatal(err)
		}
		notice := store.DemandNotice{AccountID: a.ID, SentOn: day(2026, 1, 11), StatusID: e.ids.Next()}
		if err := e.s.RecordDemandNotice(e.ctx, d.ID, notice); err != nil {
			t.Fatal(err)
		}

		// Every field and the targets are replaced; the event's status
		// becomes current even when d.Status says otherwise.
		up := &store.Demand{ID: d.ID, Agency: "U.S. CBP", Office: "OPR", Agent: "Agent Y", Authority: "19 U.S.C. § 1509(a)",
			ProcessType: "summons", DeliveryMethod: "hand", ReceivedOn: day(2026, 1, 9), DeadlineOn: day(2026, 2, 1),
			DataRequested: "less", Gagged: true, GagEndsOn: day(2026, 6, 30), Court: "D.D.C.", CaseNumber: "1:26-mc-1",
			Status: "received", Notes: "second note", Targets: []store.DemandTarget{{AccountID: b.ID}}}
		event := &store.DemandEvent{Status: "challenged", On: time.Date(2026, 1, 20, 15, 4, 5, 0, time.UTC), Note: "filed"}
		if err := e.s.UpdateDemand(e.ctx, up, event); err != nil {
			t.Fatal(err)
		}
		want := *up
		want.Status = "challenged"
		want.Targets = []store.DemandTarget{target(b)}
		want.History = []store.DemandEvent{{Status: "received", On: day(2026, 1, 10), Note: "arrived"},
			{Status: "challenged", On: day(2026, 1, 20), Note: "filed"}}
		want.Documents = []store.DemandDocument{{ID: doc.ID, Name: doc.Name, MediaType: doc.MediaType, Size: int64(len(content)),
			SHA256: doc.SHA256, AddedOn: day(2026, 1, 10)}}
		want.Notices = []store.DemandNotice{notice}
		checkDemand(t, "after update with event", e.demand(d.ID), &want)

		// Without an event the history stays and Status is the given one;
		// unset days and an empty target list clear them.
		up2 := *up
		up2.Status, up2.Gagged, up2.GagEndsOn, up2.DeadlineOn, up2.Court, up2.Targets = "complied", false, time.Time{}, time.Time{}, "", nil
		if err := e.s.UpdateDemand(e.ctx, &up2, nil); err != nil {
			t.Fatal(err)
		}
		want2 := want
		want2.Status, want2.Gagged, want2.GagEndsOn, want2.DeadlineOn, want2.Court, want2.Targets = "complied", false, time.Time{}, time.Time{}, "", nil
		checkDemand(t, "after update without event", e.demand(d.ID), &want2)

		// A failed update changes nothing.
		bad := up2
		bad.Agency = "changed"
		bad.Targets = []store.DemandTarget{{AccountID: a.ID}, {AccountID: id.AccountID(today())}}
		if err := e.s.UpdateDemand(e.ctx, &bad, &store.DemandEvent{Status: "closed", On: day(2026, 2, 1)}); err == nil {
			t.Error("update naming an unknown account succeeded")
		}
		checkDemand(t, "after a failed update", e.demand(d.ID), &want2)

		missing := up2
		missing.ID = "999999"
		wantErr(t, "update of an unknown demand", e.s.UpdateDemand(e.ctx, &missing, nil), store.ErrNotFound)
		// The other demand was never touched.
		checkDemand(t, "other demand", e.demand(other.ID), &store.Demand{ID: other.ID, Agency: "Other", Office: other.Office,
			Agent: other.Agent, Authority: other.Authority, ProcessType: other.ProcessType, DeliveryMethod: other.DeliveryMethod,
			ReceivedOn: day(2026, 1, 1), DeadlineOn: day(2026, 1, 11), DataRequested: other.DataRequested, Status: "received",
			Notes: other.Notes, Targets: []store.DemandTarget{target(a)}, History: other.History})
	},
	"Documents": func(t *testing.T, e *env) {
		a := e.account("alice")
		d := e.createDemand(demand("CBP", day(2026, 1, 10), a))
		other := e.createDemand(demand("FBI", day(2026, 1, 12), a))
		pdf := []byte("%PDF-1.4\x00\xff\xfe binary \r\n")
		order := bytes.Repeat([]byte("order "), 1000)
		doc1 := &store.DemandDocument{Name: "summons.pdf", MediaType: "application/pdf", SHA256: sha(pdf),
			AddedOn: time.Date(2026, 1, 10, 18, 0, 0, 0, time.UTC)}
		doc2 := &store.DemandDocument{Name: "order.txt", MediaType: "text/plain; charset=utf-8", SHA256: sha(order), AddedOn: day(2026, 2, 3)}
		for _, x := range []struct {
			doc     *store.DemandDocument
			content []byte
		}{{doc1, pdf}, {doc2, order}} {
			if err := e.s.AddDemandDocument(e.ctx, d.ID, x.doc, x.content); err != nil {
				t.Fatal(err)
			}
			if x.doc.ID == "" || x.doc.Size != int64(len(x.content)) {
				t.Errorf("AddDemandDocument(%s) set ID %q, size %d; want an ID and size %d", x.doc.Name, x.doc.ID, x.doc.Size, len(x.content))
			}
		}
		if doc1.ID == doc2.ID {
			t.Errorf("two documents got the same ID %s", doc1.ID)
		}
		for _, x := range []struct {
			doc     *store.DemandDocument
			content []byte
			added   time.Time
		}{{doc1, pdf, day(2026, 1, 10)}, {doc2, order, day(2026, 2, 3)}} {
			got, content, err := e.s.DemandDocument(e.ctx, d.ID, x.doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != x.doc.ID || got.Name != x.doc.Name || got.MediaType != x.doc.MediaType ||
				got.Size != int64(len(x.content)) || got.SHA256 != sha(x.content) || !got.AddedOn.Equal(x.added) {
				t.Errorf("DemandDocument(%s): %+v", x.doc.Name, *got)
			}
			if !bytes.Equal(content, x.content) {
				t.Errorf("DemandDocument(%s) content %q, want %q", x.doc.Name, content, x.content)
			}
		}
		got := e.demand(d.ID)
		var names []string
		for _, doc := range got.Documents {
			names = append(names, doc.ID+" "+doc.Name)
			if doc.Size == 0 || doc.SHA256 == "" || doc.AddedOn.IsZero() {
				t.Errorf("listed document lacks metadata: %+v", doc)
			}
		}
		sameIDs(t, "documents in the order added", names, []string{doc1.ID + " summons.pdf", doc2.ID + " order.txt"})
		if docs := e.demand(other.ID).Documents; len(docs) != 0 {
			t.Errorf("other demand has documents: %+v", docs)
		}

		_, _, err := e.s.DemandDocument(e.ctx, other.ID, doc1.ID)
		wantErr(t, "document under another demand", err, store.ErrNotFound)
		_, _, err = e.s.DemandDocument(e.ctx, d.ID, "999999")
		wantErr(t, "unknown document", err, store.ErrNotFound)
		_, _, err = e.s.DemandDocument(e.ctx, d.ID, "junk")
		wantErr(t, "garbage document id", err, store.ErrNotFound)
		err = e.s.AddDemandDocument(e.ctx, "999999", &store.DemandDocument{Name: "x", MediaType: "text/plain",
			SHA256: sha([]byte("x")), AddedOn: day(2026, 1, 1)}, []byte("x"))
		wantErr(t, "document for an unknown demand", err, store.ErrNotFound)
	},
	"Notices": func(t *testing.T, e *env) {
		a, b, sys := e.account("alice"), e.account("bob"), e.account("legal")
		d := e.createDemand(demand("CBP", day(2026, 1, 10), a, b))
		other := e.createDemand(demand("FBI", day(2026, 1, 12), a))
		na := store.DemandNotice{AccountID: a.ID, SentOn: time.Date(2026, 1, 11, 23, 0, 0, 0, time.UTC),
			StatusID: e.post(sys, "notice to @alice", visibility(store.VisibilityDirect), mentioning(a.ID)).ID}
		if err := e.s.RecordDemandNotice(e.ctx, d.ID, na); err != nil {
			t.Fatal(err)
		}
		again := na
		again.SentOn, again.StatusID = day(2026, 1, 12), e.ids.Next()
		wantErr(t, "second notice to alice", e.s.RecordDemandNotice(e.ctx, d.ID, again), store.ErrConflict)
		nb := store.DemandNotice{AccountID: b.ID, SentOn: day(2026, 1, 12),
			StatusID: e.post(sys, "notice to @bob", visibility(store.VisibilityDirect), mentioning(b.ID)).ID}
		if err := e.s.RecordDemandNotice(e.ctx, d.ID, nb); err != nil {
			t.Fatal(err)
		}
		// A notice goes out once per demand: alice is told about the other one too.
		no := store.DemandNotice{AccountID: a.ID, SentOn: day(2026, 1, 13),
			StatusID: e.post(sys, "another notice to @alice", visibility(store.VisibilityDirect), mentioning(a.ID)).ID}
		if err := e.s.RecordDemandNotice(e.ctx, other.ID, no); err != nil {
			t.Fatalf("notice to alice about another demand: %v", err)
		}
		na.SentOn = day(2026, 1, 11)
		noticeStrings := func(list []store.DemandNotice) []string {
			var out []string
			for _, n := range list {
				out = append(out, strings.Join([]string{n.AccountID, n.SentOn.Format(time.RFC3339Nano), n.StatusID}, " "))
			}
			return out
		}
		sameSet(t, "notices of the demand", noticeStrings(e.demand(d.ID).Notices), noticeStrings([]store.DemandNotice{na, nb}))
		sameSet(t, "notices of the other demand", noticeStrings(e.demand(other.ID).Notices), noticeStrings([]store.DemandNotice{no}))
	},
}
