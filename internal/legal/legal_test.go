package legal_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"publius/internal/account"
	"publius/internal/legal"
	"publius/internal/store"
	"publius/internal/store/sqlite"
	"publius/internal/timeline"
)

// fixture is a registry over a fresh SQLite store with a settable clock.
type fixture struct {
	st    *sqlite.DB
	reg   *legal.Registry
	accts *account.Service
	now   time.Time
}

func newFixture(t *testing.T, today string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st}
	f.setDay(t, today)
	clock := func() time.Time { return f.now }
	f.accts = account.NewService(st, clock)
	f.reg = legal.NewRegistry(st, f.accts, timeline.NewService(st, "https://pub.example", "pub.example"), clock, nil)
	return f
}

// setDay moves the clock to the middle of a day.
func (f *fixture) setDay(t *testing.T, day string) {
	t.Helper()
	d, err := time.Parse(legal.DayLayout, day)
	if err != nil {
		t.Fatal(err)
	}
	f.now = d.Add(13 * time.Hour)
}

func (f *fixture) user(t *testing.T, handle string) *store.Account {
	t.Helper()
	a, err := f.accts.Register(context.Background(), account.Registration{Handle: handle, Passphrase: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mentions lists the statuses that mention a, as notifications would.
func (f *fixture) mentions(t *testing.T, a *store.Account) []*store.Status {
	t.Helper()
	list, err := f.st.MentionsOf(context.Background(), a.ID, store.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func validInput(targets ...string) legal.Input {
	return legal.Input{
		Agency: "U.S. Customs and Border Protection", Office: "Office of Professional Responsibility",
		Agent: "Special Agent J. Doe", Authority: "19 U.S.C. § 1509", ProcessType: legal.AdministrativeSummons,
		DeliveryMethod: "fax", ReceivedOn: "2026-11-02", DeadlineOn: "2026-11-01", Targets: targets,
		DataRequested: "All records regarding the account, including user names, account login, phone numbers, mailing addresses, and I.P. addresses.",
	}
}

func TestUngaggedDemandNotifiesAtOnceAndOnlyOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	alice, bob := f.user(t, "alice"), f.user(t, "bob")
	d, err := f.reg.Create(ctx, validInput("@Alice"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Targets[0].Notice != "sent" || d.Targets[0].NoticeOn != "2026-11-03" {
		t.Fatalf("target after create = %+v, want notice sent 2026-11-03", d.Targets[0])
	}
	got := f.mentions(t, alice)
	if len(got) == 0 {
		t.Fatal("alice has no notice")
	}
	text := ""
	for _, s := range got {
		if s.Visibility != store.VisibilityDirect {
			t.Errorf("notice visibility %q, want direct", s.Visibility)
		}
		text += s.Text
	}
	for _, want := range []string{"U.S. Customs and Border Protection", "19 U.S.C. § 1509", "administrative summons",
		"I.P. addresses", "What this server holds about @alice", "0 posts that were not deleted",
		"0 verified badges", "no email, phone number, IP address"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
	if n := len(f.mentions(t, bob)); n != 0 {
		t.Fatalf("bob got %d notices for a demand that does not name him", n)
	}
	sent, err := f.reg.NotifyDue(ctx)
	if err != nil || sent != 0 {
		t.Fatalf("NotifyDue after the notice = %d, %v; want 0", sent, err)
	}
	if n := len(f.mentions(t, alice)); n != len(got) {
		t.Fatalf("alice has %d notice statuses after the notifier ran, want %d", n, len(got))
	}
	// @legal exists now and nobody can log in as it.
	sys, err := f.st.AccountByHandle(ctx, legal.SystemHandle)
	if err != nil {
		t.Fatal(err)
	}
	if account.VerifyPassphrase("", sys.PassphraseHash) || !strings.HasPrefix(sys.PassphraseHash, "!") {
		t.Fatalf("@legal has a usable passphrase hash %q", sys.PassphraseHash)
	}
}

func TestGaggedNoticeGoesOutOnceAfterTheOrderEnds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	alice := f.user(t, "alice")
	in := validInput("alice")
	in.GagOrder, in.GagEndsOn = true, "2026-12-31"
	d, err := f.reg.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Targets[0].Notice != "delayed" {
		t.Fatalf("notice state %q, want delayed", d.Targets[0].Notice)
	}
	for _, day := range []string{"2026-11-03", "2026-12-30", "2026-12-31"} {
		f.setDay(t, day)
		if sent, err := f.reg.NotifyDue(ctx); err != nil || sent != 0 {
			t.Fatalf("%s: NotifyDue = %d, %v; want no notice while the gag order is in force", day, sent, err)
		}
		if n := len(f.mentions(t, alice)); n != 0 {
			t.Fatalf("%s: alice has %d notices under a gag order", day, n)
		}
	}
	f.setDay(t, "2027-01-01")
	if sent, err := f.reg.NotifyDue(ctx); err != nil || sent != 1 {
		t.Fatalf("NotifyDue after the order ended = %d, %v; want 1", sent, err)
	}
	n := len(f.mentions(t, alice))
	if n == 0 {
		t.Fatal("no notice after the gag order ended")
	}
	f.setDay(t, "2027-01-02")
	if sent, err := f.reg.NotifyDue(ctx); err != nil || sent != 0 {
		t.Fatalf("second NotifyDue = %d, %v; want 0", sent, err)
	}
	if got := len(f.mentions(t, alice)); got != n {
		t.Fatalf("alice has %d notice statuses, want %d (sent once)", got, n)
	}
	d, _ = f.reg.Get(ctx, d.ID)
	if d.Targets[0].Notice != "sent" || d.Targets[0].NoticeOn != "2027-01-01" {
		t.Fatalf("target = %+v, want sent on 2027-01-01", d.Targets[0])
	}
}

func TestGagWithoutEndDateHoldsUntilLifted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	alice := f.user(t, "alice")
	in := validInput("alice")
	in.GagOrder = true
	d, err := f.reg.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	f.setDay(t, "2030-01-01")
	if sent, _ := f.reg.NotifyDue(ctx); sent != 0 || len(f.mentions(t, alice)) != 0 {
		t.Fatal("a gag order without an end date let a notice out")
	}
	lift := false
	if _, err := f.reg.Update(ctx, d.ID, legal.Update{GagOrder: &lift}); err != nil {
		t.Fatal(err)
	}
	if len(f.mentions(t, alice)) == 0 {
		t.Fatal("lifting the gag order sent no notice")
	}
}

func TestOperatorTextCannotMentionOthers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	f.user(t, "alice")
	bob := f.user(t, "bob")
	in := validInput("alice")
	in.DataRequested = "Records of @alice and of @bob, #everything"
	in.Agency = "Agency @bob"
	if _, err := f.reg.Create(ctx, in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mentions(t, bob)); n != 0 {
		t.Fatalf("bob was mentioned %d times by operator-written text", n)
	}
}

func TestNoticePartsFitAStatus(t *testing.T) {
	d := &store.Demand{Agency: "A", Authority: "B", ProcessType: legal.Subpoena, Status: legal.Received,
		ReceivedOn: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), DataRequested: strings.Repeat("records ", 600)}
	parts := legal.NoticeParts(d, "alice", strings.Repeat("What this server holds. ", 20))
	if len(parts) < 3 {
		t.Fatalf("%d parts for a long demand", len(parts))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > timeline.MaxChars {
			t.Errorf("part %d is %d characters", i, n)
		}
		if !strings.HasPrefix(p, "@alice ") {
			t.Errorf("part %d does not mention the target: %q", i, p[:20])
		}
	}
}

func TestValidation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	f.user(t, "alice")
	cases := map[string]func(*legal.Input){
		"unknown process type":    func(in *legal.Input) { in.ProcessType = "letter" },
		"unknown delivery method": func(in *legal.Input) { in.DeliveryMethod = "pigeon" },
		"unknown status":          func(in *legal.Input) { in.Status = "lost" },
		"bad received_on":         func(in *legal.Input) { in.ReceivedOn = "11/02/2026" },
		"short received_on":       func(in *legal.Input) { in.ReceivedOn = "2026-1-2" },
		"received in the future":  func(in *legal.Input) { in.ReceivedOn = "2026-11-04" },
		"missing received_on":     func(in *legal.Input) { in.ReceivedOn = "" },
		"bad deadline_on":         func(in *legal.Input) { in.DeadlineOn = "2026-02-30" },
		"bad gag_ends_on":         func(in *legal.Input) { in.GagOrder, in.GagEndsOn = true, "soon" },
		"gag end without gag":     func(in *legal.Input) { in.GagEndsOn = "2027-01-01" },
		"missing agency":          func(in *legal.Input) { in.Agency = " " },
		"missing authority":       func(in *legal.Input) { in.Authority = "" },
		"unknown account":         func(in *legal.Input) { in.Targets = []string{"alice", "nobody"} },
		"invalid handle":          func(in *legal.Input) { in.Targets = []string{"not a handle"} },
		"challenged without case": func(in *legal.Input) { in.Status = legal.Challenged },
		"agency too long":         func(in *legal.Input) { in.Agency = strings.Repeat("x", 501) },
	}
	for name, mutate := range cases {
		in := validInput("alice")
		mutate(&in)
		if _, err := f.reg.Create(ctx, in); !errors.Is(err, legal.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	if list, _ := f.reg.List(ctx); len(list) != 0 {
		t.Fatalf("%d invalid demands were recorded", len(list))
	}
	if _, err := f.reg.Create(ctx, validInput("alice")); err != nil {
		t.Fatalf("valid demand (deadline before receipt): %v", err)
	}
}

func TestStatusTransitions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	f.user(t, "alice")
	str := func(s string) *string { return &s }
	steps := []struct {
		u  legal.Update
		ok bool
	}{
		{legal.Update{Status: str(legal.Quashed)}, false}, // only a court quashes
		{legal.Update{Status: str(legal.UnderReview), Note: "counsel reviewing"}, true},
		{legal.Update{Status: str(legal.Received)}, false},   // no going back
		{legal.Update{Status: str(legal.Challenged)}, false}, // needs court and case
		{legal.Update{Status: str(legal.Challenged), Court: str("N.D. Cal."), CaseNumber: str("3:17-cv-01701"), On: "2026-11-03"}, true},
		{legal.Update{Status: str(legal.Challenged)}, false},                  // already there
		{legal.Update{Status: str(legal.Withdrawn), On: "2026-11-04"}, false}, // future day
		{legal.Update{Status: str(legal.Withdrawn), Note: "agency withdrew the summons"}, true},
		{legal.Update{Status: str(legal.Complied)}, false}, // outcomes are final
		{legal.Update{Note: "a note without a status"}, false},
	}
	d, err := f.reg.Create(ctx, validInput("alice"))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		_, err := f.reg.Update(ctx, d.ID, s.u)
		if (err == nil) != s.ok {
			t.Fatalf("step %d (%v): err = %v, want ok=%v", i, *orEmpty(s.u.Status), err, s.ok)
		}
		if err != nil && !errors.Is(err, legal.ErrInvalid) {
			t.Fatalf("step %d: err = %v, want ErrInvalid", i, err)
		}
	}
	d, _ = f.reg.Get(ctx, d.ID)
	var got []string
	for _, e := range d.History {
		got = append(got, e.Status+"@"+e.On)
	}
	want := "received@2026-11-02 under_review@2026-11-03 challenged@2026-11-03 withdrawn@2026-11-03"
	if strings.Join(got, " ") != want || d.Status != legal.Withdrawn || d.Court != "N.D. Cal." {
		t.Fatalf("history %v status %s court %q; want %s", got, d.Status, d.Court, want)
	}
	if _, err := f.reg.Update(ctx, "999", legal.Update{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a missing demand: %v", err)
	}
}

func orEmpty(s *string) *string {
	if s == nil {
		e := ""
		return &e
	}
	return s
}

func TestDocumentsKeepTheirHash(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "2026-11-03")
	d, err := f.reg.Create(ctx, validInput())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := f.reg.Attach(ctx, d.ID, "summons.pdf", "application/pdf", []byte("%PDF-1.4 summons"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("%PDF-1.4 summons"))
	if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != 16 {
		t.Fatalf("sha256 %q", doc.SHA256)
	}
	got, content, err := f.reg.Document(ctx, d.ID, doc.ID)
	if err != nil || string(content) != "%PDF-1.4 summons" || got.SHA256 != doc.SHA256 {
		t.Fatalf("document read back: %+v %q %v", got, content, err)
	}
	if _, err := f.reg.Attach(ctx, d.ID, "../x", "", []byte("x")); !errors.Is(err, legal.ErrInvalid) {
		t.Fatalf("slash in name: %v", err)
	}
	if _, err := f.reg.Attach(ctx, d.ID, "empty.txt", "", nil); !errors.Is(err, legal.ErrInvalid) {
		t.Fatalf("empty document: %v", err)
	}
}

func TestNotifierSendsDueNoticesAtStart(t *testing.T) {
	f := newFixture(t, "2026-11-03")
	alice := f.user(t, "alice")
	f.reg.DeferNotices = true // as the CLI without a public URL: record only
	if _, err := f.reg.Create(context.Background(), validInput("alice")); err != nil {
		t.Fatal(err)
	}
	if len(f.mentions(t, alice)) != 0 {
		t.Fatal("a deferred notice was sent at once")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.reg.RunNotifier(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(f.mentions(t, alice)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the notifier sent nothing at start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
