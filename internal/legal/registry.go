package legal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"strings"
	"time"

	"publius/internal/account"
	"publius/internal/store"
	"publius/internal/timeline"
)

// ErrUnknownAccount: a target handle names no account (maps to 422).
var ErrUnknownAccount = fmt.Errorf("%w: unknown account", ErrInvalid)

// MaxDocument is the largest attachable document.
const MaxDocument = 20 << 20

// Registry records demands and sends user notices.
type Registry struct {
	store     store.Store
	accounts  *account.Service
	timelines *timeline.Service
	now       func() time.Time
	log       *slog.Logger
	// Holdings says what the server could produce about an account, for
	// the notice; nil summarises the account's disclosure export.
	Holdings func(ctx context.Context, accountID string) (string, error)
	// DeferNotices leaves notices to RunNotifier (the CLI sets it when it
	// does not know the public URL that notice links need).
	DeferNotices bool
}

// NewRegistry returns a Registry; now is injectable for tests (nil: wall
// clock) and log may be nil.
func NewRegistry(st store.Store, accounts *account.Service, timelines *timeline.Service, now func() time.Time, log *slog.Logger) *Registry {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Registry{store: st, accounts: accounts, timelines: timelines, now: now, log: log}
}

// Today is the registry's current calendar day (UTC).
func (r *Registry) Today() time.Time {
	t := r.now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Get returns one demand.
func (r *Registry) Get(ctx context.Context, id string) (*Demand, error) {
	d, err := r.store.Demand(ctx, id)
	if err != nil {
		return nil, err
	}
	return view(d, r.Today()), nil
}

// List returns every demand, most recently received first.
func (r *Registry) List(ctx context.Context) ([]*Demand, error) {
	list, err := r.store.Demands(ctx)
	if err != nil {
		return nil, err
	}
	today := r.Today()
	out := make([]*Demand, 0, len(list))
	for _, d := range list {
		out = append(out, view(d, today))
	}
	return out, nil
}

// resolveTargets turns handles into account IDs; unknown handles are a
// validation error naming them.
func (r *Registry) resolveTargets(ctx context.Context, handles []string) ([]store.DemandTarget, error) {
	if len(handles) > maxTargets {
		return nil, invalid("at most %d targets", maxTargets)
	}
	var out []store.DemandTarget
	seen := map[string]bool{}
	for _, h := range handles {
		norm, err := account.NormalizeHandle(h)
		if err != nil {
			return nil, invalid("target %q is not a valid handle", h)
		}
		a, err := r.store.AccountByHandle(ctx, norm)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w @%s", ErrUnknownAccount, norm)
		}
		if err != nil {
			return nil, err
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, store.DemandTarget{AccountID: a.ID, Handle: a.Handle})
		}
	}
	return out, nil
}

// Create validates and records a demand, then notifies its targets unless
// a gag order is in force.
func (r *Registry) Create(ctx context.Context, in Input) (*Demand, error) {
	today := r.Today()
	d := &store.Demand{
		Agency: strings.TrimSpace(in.Agency), Office: strings.TrimSpace(in.Office), Agent: strings.TrimSpace(in.Agent),
		Authority: strings.TrimSpace(in.Authority), ProcessType: in.ProcessType, DeliveryMethod: in.DeliveryMethod,
		DataRequested: in.DataRequested, Gagged: in.GagOrder, Court: strings.TrimSpace(in.Court),
		CaseNumber: strings.TrimSpace(in.CaseNumber), Notes: in.Notes, Status: in.Status,
	}
	if d.Status == "" {
		d.Status = Received
	}
	var err error
	if d.ReceivedOn, err = ParseDay("received_on", in.ReceivedOn); err != nil {
		return nil, err
	}
	if d.DeadlineOn, err = ParseDay("deadline_on", in.DeadlineOn); err != nil {
		return nil, err
	}
	if d.GagEndsOn, err = ParseDay("gag_ends_on", in.GagEndsOn); err != nil {
		return nil, err
	}
	if err := checkText("note", in.Note, maxLong, false); err != nil {
		return nil, err
	}
	if err := validate(d, today); err != nil {
		return nil, err
	}
	if d.Targets, err = r.resolveTargets(ctx, in.Targets); err != nil {
		return nil, err
	}
	d.History = []store.DemandEvent{{Status: Received, On: d.ReceivedOn, Note: in.Note}}
	if d.Status != Received {
		d.History[0].Note = ""
		d.History = append(d.History, store.DemandEvent{Status: d.Status, On: today, Note: in.Note})
	}
	if err := r.store.CreateDemand(ctx, d); err != nil {
		return nil, err
	}
	if !r.DeferNotices {
		r.notifyLogged(ctx, d.ID)
	}
	return r.Get(ctx, d.ID)
}

// Update applies u to a demand. A status change must follow the allowed
// transitions; lifting or ending a gag order sends the due notices.
func (r *Registry) Update(ctx context.Context, id string, u Update) (*Demand, error) {
	today := r.Today()
	d, err := r.store.Demand(ctx, id)
	if err != nil {
		return nil, err
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&d.Agency, u.Agency)
	set(&d.Office, u.Office)
	set(&d.Agent, u.Agent)
	set(&d.Authority, u.Authority)
	set(&d.ProcessType, u.ProcessType)
	set(&d.DeliveryMethod, u.DeliveryMethod)
	set(&d.Court, u.Court)
	set(&d.CaseNumber, u.CaseNumber)
	if u.DataRequested != nil {
		d.DataRequested = *u.DataRequested
	}
	if u.Notes != nil {
		d.Notes = *u.Notes
	}
	if u.GagOrder != nil {
		d.Gagged = *u.GagOrder
		if !d.Gagged && u.GagEndsOn == nil {
			d.GagEndsOn = time.Time{}
		}
	}
	for _, f := range []struct {
		name string
		src  *string
		dst  *time.Time
	}{{"received_on", u.ReceivedOn, &d.ReceivedOn}, {"deadline_on", u.DeadlineOn, &d.DeadlineOn}, {"gag_ends_on", u.GagEndsOn, &d.GagEndsOn}} {
		if f.src == nil {
			continue
		}
		if *f.dst, err = ParseDay(f.name, *f.src); err != nil {
			return nil, err
		}
	}
	if u.Targets != nil {
		if d.Targets, err = r.resolveTargets(ctx, *u.Targets); err != nil {
			return nil, err
		}
	}
	var event *store.DemandEvent
	if u.Status != nil {
		to := *u.Status
		if !containsStatus(to) {
			return nil, invalid("status %q is unknown; use one of %s", to, strings.Join(Statuses, ", "))
		}
		if !CanTransition(d.Status, to) {
			return nil, invalid("a demand cannot go from %s to %s", d.Status, to)
		}
		on := today
		if u.On != "" {
			if on, err = ParseDay("on", u.On); err != nil {
				return nil, err
			}
			if on.After(today) {
				return nil, invalid("on %s is in the future", u.On)
			}
		}
		event = &store.DemandEvent{Status: to, On: on, Note: u.Note}
		d.Status = to
	} else if u.Note != "" || u.On != "" {
		return nil, invalid("note and on go with a status change")
	}
	if err := checkText("note", u.Note, maxLong, false); err != nil {
		return nil, err
	}
	if err := validate(d, today); err != nil {
		return nil, err
	}
	if err := r.store.UpdateDemand(ctx, d, event); err != nil {
		return nil, err
	}
	if !r.DeferNotices {
		r.notifyLogged(ctx, d.ID)
	}
	return r.Get(ctx, d.ID)
}

func containsStatus(s string) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Attach stores a document with its SHA-256.
func (r *Registry) Attach(ctx context.Context, demandID, name, mediaType string, content []byte) (*Document, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "/\\\x00") {
		return nil, invalid("document name is required and may not contain slashes")
	}
	if err := checkText("document name", name, 200, true); err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, invalid("document is empty")
	}
	if len(content) > MaxDocument {
		return nil, invalid("document is larger than %d bytes", MaxDocument)
	}
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	if _, _, err := mime.ParseMediaType(mediaType); err != nil {
		return nil, invalid("media type %q is not valid", mediaType)
	}
	sum := sha256.Sum256(content)
	doc := &store.DemandDocument{Name: name, MediaType: mediaType, SHA256: hex.EncodeToString(sum[:]), AddedOn: r.Today()}
	if err := r.store.AddDemandDocument(ctx, demandID, doc, content); err != nil {
		return nil, err
	}
	v := documentView(*doc)
	return &v, nil
}

// Document returns an attached document and its bytes.
func (r *Registry) Document(ctx context.Context, demandID, docID string) (*Document, []byte, error) {
	doc, content, err := r.store.DemandDocument(ctx, demandID, docID)
	if err != nil {
		return nil, nil, err
	}
	v := documentView(*doc)
	return &v, content, nil
}

// randomPassphrase is never shown to anyone: the system account cannot log in.
func randomPassphrase() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("legal: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
