package store

import (
	"context"
	"time"
)

// Legal stores the operator's registry of legal demands: the demands, the
// accounts they name, their status history, attached documents, and which
// targeted accounts were notified. Every date is a calendar day (midnight
// UTC): the registry records the operator's legal process, never users'
// activity, and nothing in it is finer than a day.
type Legal interface {
	// CreateDemand inserts d with its targets and history and sets d.ID.
	// ErrNotFound when a target account does not exist.
	CreateDemand(ctx context.Context, d *Demand) error
	// Demand loads one demand with targets, history, documents (without
	// their bytes) and notices.
	Demand(ctx context.Context, id string) (*Demand, error)
	// Demands lists every demand, most recently received first.
	Demands(ctx context.Context) ([]*Demand, error)
	// UpdateDemand replaces d's fields and targets and, when event is not
	// nil, appends it to the history and makes its status current, in one
	// transaction. Documents and notices are left alone.
	UpdateDemand(ctx context.Context, d *Demand, event *DemandEvent) error
	// AddDemandDocument stores content under the demand and sets doc.ID.
	AddDemandDocument(ctx context.Context, demandID string, doc *DemandDocument, content []byte) error
	// DemandDocument returns a document's metadata and bytes.
	DemandDocument(ctx context.Context, demandID, docID string) (*DemandDocument, []byte, error)
	// RecordDemandNotice records that the targeted account was notified;
	// ErrConflict when it already was (a notice goes out once).
	RecordDemandNotice(ctx context.Context, demandID string, n DemandNotice) error
}

// Demand is one legal demand received by the operator. Optional days are
// the zero time when unset.
type Demand struct {
	ID             string
	Agency         string
	Office         string
	Agent          string // the person or agent named on the demand
	Authority      string // as cited, e.g. "19 U.S.C. § 1509"
	ProcessType    string
	DeliveryMethod string
	ReceivedOn     time.Time
	DeadlineOn     time.Time // production deadline; may precede ReceivedOn
	DataRequested  string    // verbatim
	Gagged         bool      // a non-disclosure order is recorded
	GagEndsOn      time.Time // last day the order forbids notice; zero: no end date
	Court          string    // when challenged
	CaseNumber     string
	Status         string
	Notes          string
	Targets        []DemandTarget
	History        []DemandEvent
	Documents      []DemandDocument
	Notices        []DemandNotice
}

// DemandTarget is an account a demand names. Handle is filled on reads.
type DemandTarget struct {
	AccountID string
	Handle    string
}

// DemandEvent is one status change.
type DemandEvent struct {
	Status string
	On     time.Time
	Note   string
}

// DemandDocument is an attached file (the demand itself, a motion, an
// order); its bytes are kept in the store with their SHA-256.
type DemandDocument struct {
	ID        string
	Name      string
	MediaType string
	Size      int64
	SHA256    string // hex
	AddedOn   time.Time
}

// DemandNotice says a targeted account was told about the demand.
type DemandNotice struct {
	AccountID string
	SentOn    time.Time
	StatusID  string // the first notice status
}
