// Package legal keeps the operator's registry of legal demands, tells the
// targeted users unless a recorded order forbids it, and builds the public
// transparency report from the registry. The signed warrant canary lives in
// legal/canary.
package legal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"publius/internal/store"
)

// ErrInvalid wraps every validation failure; the API maps it to 422.
var ErrInvalid = errors.New("invalid demand")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Legal process types.
const (
	AdministrativeSummons  = "administrative_summons"
	Subpoena               = "subpoena"
	CourtOrder             = "court_order"
	SearchWarrant          = "search_warrant"
	NationalSecurityLetter = "national_security_letter"
	EmergencyRequest       = "emergency_request"
	CivilSubpoena          = "civil_subpoena"
	PreservationRequest    = "preservation_request"
	OtherProcess           = "other"
)

// ProcessTypes lists the process types in report order.
var ProcessTypes = []string{AdministrativeSummons, Subpoena, CourtOrder, SearchWarrant, NationalSecurityLetter,
	EmergencyRequest, CivilSubpoena, PreservationRequest, OtherProcess}

// DeliveryMethods lists how a demand can arrive.
var DeliveryMethods = []string{"fax", "email", "mail", "in_person", "portal"}

// Demand statuses.
const (
	Received          = "received"
	UnderReview       = "under_review"
	Challenged        = "challenged"
	Withdrawn         = "withdrawn"
	Quashed           = "quashed"
	Complied          = "complied"
	PartiallyComplied = "partially_complied"
	NoData            = "no_data"
)

// Statuses lists every status, open ones first.
var Statuses = []string{Received, UnderReview, Challenged, Withdrawn, Quashed, Complied, PartiallyComplied, NoData}

// transitions says which status may follow which; outcomes are final.
var transitions = map[string][]string{
	Received:    {UnderReview, Challenged, Withdrawn, Complied, PartiallyComplied, NoData},
	UnderReview: {Challenged, Withdrawn, Complied, PartiallyComplied, NoData},
	Challenged:  {Withdrawn, Quashed, Complied, PartiallyComplied, NoData},
}

// CanTransition reports whether a demand in status from may move to to.
func CanTransition(from, to string) bool { return slices.Contains(transitions[from], to) }

// Open reports whether a status is not yet an outcome.
func Open(status string) bool {
	return status == Received || status == UnderReview || status == Challenged
}

// labels are the words the report, the CLI and notices use.
var labels = map[string]string{
	AdministrativeSummons: "administrative summons", Subpoena: "subpoena", CourtOrder: "court order",
	SearchWarrant: "search warrant", NationalSecurityLetter: "national security letter",
	EmergencyRequest: "emergency request", CivilSubpoena: "civil subpoena",
	PreservationRequest: "preservation request", OtherProcess: "other",
	Received: "received", UnderReview: "under review", Challenged: "challenged", Withdrawn: "withdrawn",
	Quashed: "quashed", Complied: "complied", PartiallyComplied: "partially complied",
	NoData: "no data to produce", "pending": "pending",
	"fax": "fax", "email": "email", "mail": "mail", "in_person": "in person", "portal": "portal",
}

// Label is the human wording of a process type, status or delivery method.
func Label(code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}

// DayLayout is the only date format the registry accepts and prints.
const DayLayout = "2006-01-02"

// ParseDay reads a YYYY-MM-DD day; "" is the zero time.
func ParseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(DayLayout, s)
	if err != nil || len(s) != len(DayLayout) {
		return time.Time{}, invalid("%s must be a date as YYYY-MM-DD, got %q", field, s)
	}
	return t, nil
}

func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(DayLayout)
}

// Demand is a demand as operators, the API and the CLI see it.
type Demand struct {
	ID             string     `json:"id"`
	Agency         string     `json:"agency"`
	Office         string     `json:"office"`
	Agent          string     `json:"agent"`
	Authority      string     `json:"authority"`
	ProcessType    string     `json:"process_type"`
	DeliveryMethod string     `json:"delivery_method"`
	ReceivedOn     string     `json:"received_on"`
	DeadlineOn     string     `json:"deadline_on"`
	Targets        []Target   `json:"targets"`
	DataRequested  string     `json:"data_requested"`
	GagOrder       bool       `json:"gag_order"`
	GagEndsOn      string     `json:"gag_ends_on"`
	Court          string     `json:"court"`
	CaseNumber     string     `json:"case_number"`
	Status         string     `json:"status"`
	Notes          string     `json:"notes"`
	History        []Event    `json:"history"`
	Documents      []Document `json:"documents"`
}

// Target is a named account and where its notice stands: "sent",
// "delayed" (a gag order is in force) or "pending" (the notifier has not
// run yet, or the account cannot receive it now).
type Target struct {
	AccountID string `json:"account_id"`
	Handle    string `json:"handle"`
	Notice    string `json:"notice"`
	NoticeOn  string `json:"notice_on,omitempty"`
}

// Event is one status change.
type Event struct {
	Status string `json:"status"`
	On     string `json:"on"`
	Note   string `json:"note"`
}

// Document is an attached file's metadata.
type Document struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	AddedOn   string `json:"added_on"`
}

// gagInForce reports whether a recorded order still forbids notice on day.
// An order without an end date stays in force until the operator records one.
func gagInForce(d *store.Demand, day time.Time) bool {
	return d.Gagged && (d.GagEndsOn.IsZero() || !day.After(d.GagEndsOn))
}

func view(d *store.Demand, today time.Time) *Demand {
	out := &Demand{
		ID: d.ID, Agency: d.Agency, Office: d.Office, Agent: d.Agent, Authority: d.Authority,
		ProcessType: d.ProcessType, DeliveryMethod: d.DeliveryMethod, ReceivedOn: formatDay(d.ReceivedOn),
		DeadlineOn: formatDay(d.DeadlineOn), DataRequested: d.DataRequested, GagOrder: d.Gagged,
		GagEndsOn: formatDay(d.GagEndsOn), Court: d.Court, CaseNumber: d.CaseNumber, Status: d.Status,
		Notes: d.Notes, Targets: []Target{}, History: []Event{}, Documents: []Document{},
	}
	sent := map[string]time.Time{}
	for _, n := range d.Notices {
		sent[n.AccountID] = n.SentOn
	}
	for _, t := range d.Targets {
		tv := Target{AccountID: t.AccountID, Handle: t.Handle, Notice: "pending"}
		if on, ok := sent[t.AccountID]; ok {
			tv.Notice, tv.NoticeOn = "sent", formatDay(on)
		} else if gagInForce(d, today) {
			tv.Notice = "delayed"
		}
		out.Targets = append(out.Targets, tv)
	}
	for _, e := range d.History {
		out.History = append(out.History, Event{Status: e.Status, On: formatDay(e.On), Note: e.Note})
	}
	for _, doc := range d.Documents {
		out.Documents = append(out.Documents, documentView(doc))
	}
	return out
}

func documentView(doc store.DemandDocument) Document {
	return Document{ID: doc.ID, Name: doc.Name, MediaType: doc.MediaType, Size: doc.Size, SHA256: doc.SHA256,
		AddedOn: formatDay(doc.AddedOn)}
}

// Input is a new demand as an operator submits it. Targets are handles.
type Input struct {
	Agency         string   `json:"agency"`
	Office         string   `json:"office"`
	Agent          string   `json:"agent"`
	Authority      string   `json:"authority"`
	ProcessType    string   `json:"process_type"`
	DeliveryMethod string   `json:"delivery_method"`
	ReceivedOn     string   `json:"received_on"`
	DeadlineOn     string   `json:"deadline_on"`
	Targets        []string `json:"targets"`
	DataRequested  string   `json:"data_requested"`
	GagOrder       bool     `json:"gag_order"`
	GagEndsOn      string   `json:"gag_ends_on"`
	Court          string   `json:"court"`
	CaseNumber     string   `json:"case_number"`
	Notes          string   `json:"notes"`
	// Status is the initial status (default received), for recording a
	// demand after the fact; Note goes with it into the history.
	Status string `json:"status"`
	Note   string `json:"note"`
}

// Update changes a demand; nil fields stay as they are. A Status moves the
// demand along its history (on day On, default today, with Note).
type Update struct {
	Agency         *string   `json:"agency"`
	Office         *string   `json:"office"`
	Agent          *string   `json:"agent"`
	Authority      *string   `json:"authority"`
	ProcessType    *string   `json:"process_type"`
	DeliveryMethod *string   `json:"delivery_method"`
	ReceivedOn     *string   `json:"received_on"`
	DeadlineOn     *string   `json:"deadline_on"`
	Targets        *[]string `json:"targets"`
	DataRequested  *string   `json:"data_requested"`
	GagOrder       *bool     `json:"gag_order"`
	GagEndsOn      *string   `json:"gag_ends_on"`
	Court          *string   `json:"court"`
	CaseNumber     *string   `json:"case_number"`
	Notes          *string   `json:"notes"`
	Status         *string   `json:"status"`
	Note           string    `json:"note"`
	On             string    `json:"on"`
}

// Field limits keep the registry a registry, not a file store.
const (
	maxShort   = 500
	maxLong    = 20000
	maxTargets = 1000
)

func checkText(field, v string, limit int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid("%s is required", field)
	}
	if !utf8.ValidString(v) {
		return invalid("%s must be valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return invalid("%s is %d characters, the limit is %d", field, n, limit)
	}
	return nil
}

// validate checks every scalar field of d (targets are resolved apart).
func validate(d *store.Demand, today time.Time) error {
	for _, f := range []struct {
		name, v  string
		limit    int
		required bool
	}{
		{"agency", d.Agency, maxShort, true}, {"office", d.Office, maxShort, false},
		{"agent", d.Agent, maxShort, false}, {"authority", d.Authority, maxShort, true},
		{"data_requested", d.DataRequested, maxLong, false}, {"court", d.Court, maxShort, false},
		{"case_number", d.CaseNumber, maxShort, false}, {"notes", d.Notes, maxLong, false},
	} {
		if err := checkText(f.name, f.v, f.limit, f.required); err != nil {
			return err
		}
	}
	if !slices.Contains(ProcessTypes, d.ProcessType) {
		return invalid("process_type %q is unknown; use one of %s", d.ProcessType, strings.Join(ProcessTypes, ", "))
	}
	if !slices.Contains(DeliveryMethods, d.DeliveryMethod) {
		return invalid("delivery_method %q is unknown; use one of %s", d.DeliveryMethod, strings.Join(DeliveryMethods, ", "))
	}
	if d.ReceivedOn.IsZero() {
		return invalid("received_on is required")
	}
	if d.ReceivedOn.After(today) {
		return invalid("received_on %s is in the future", formatDay(d.ReceivedOn))
	}
	// A production deadline may precede receipt (it happened), so it is not
	// compared with received_on.
	if !d.GagEndsOn.IsZero() && !d.Gagged {
		return invalid("gag_ends_on needs gag_order")
	}
	if !slices.Contains(Statuses, d.Status) {
		return invalid("status %q is unknown; use one of %s", d.Status, strings.Join(Statuses, ", "))
	}
	if (d.Status == Challenged || d.Status == Quashed) && (strings.TrimSpace(d.Court) == "" || strings.TrimSpace(d.CaseNumber) == "") {
		return invalid("status %s needs court and case_number", d.Status)
	}
	if len(d.Targets) > maxTargets {
		return invalid("at most %d targets", maxTargets)
	}
	return nil
}

// Held lists what a Publius server keeps about an account: everything it
// could be compelled to produce.
var Held = []string{
	"the handle (user name)",
	"the day the account was created (no time of day)",
	"the profile: display name, bio and profile fields",
	"posts that were not deleted, with their time, and their visibility (public, unlisted, followers-only)",
	"who the account follows and who follows it",
	"verified membership badges: which group vouched for the account, never which member holds it",
	"legal notices the server sent to the account",
	"for each access token, the day it was issued and the app it was issued to",
}

// NotHeld lists what a Publius server does not have, so cannot produce.
var NotHeld = []string{
	"IP addresses, at sign-up, at login or on any request; request logs hold only method, route, status and duration",
	"email addresses or phone numbers",
	"login, session or last-seen times",
	"user agents, device identifiers or fingerprints",
	"direct or private messages: Publius has none",
	"deleted posts: they are overwritten when deleted",
	"which group member owns which account: the proof system makes this unknowable, to the server too",
}
