package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"publius/internal/store"
)

// Demand IDs are plain sequence numbers: they order the registry without
// dating anything.

func formatSeq(v int64) string { return strconv.FormatInt(v, 10) }

func dayOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dayLayout)
}

const demandColumns = `id, agency, office, agent, authority, process_type, delivery_method, received_on,
	deadline_on, data_requested, gagged, gag_ends_on, court, case_number, status, notes`

func scanDemand(row interface{ Scan(...any) error }) (*store.Demand, error) {
	var (
		d                           store.Demand
		id                          int64
		received, deadline, gagEnds string
		gagged                      int
	)
	err := row.Scan(&id, &d.Agency, &d.Office, &d.Agent, &d.Authority, &d.ProcessType, &d.DeliveryMethod,
		&received, &deadline, &d.DataRequested, &gagged, &gagEnds, &d.Court, &d.CaseNumber, &d.Status, &d.Notes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan demand: %w", err)
	}
	d.ID = formatSeq(id)
	d.ReceivedOn, d.DeadlineOn, d.GagEndsOn = parseDay(received), parseDay(deadline), parseDay(gagEnds)
	d.Gagged = gagged == 1
	return &d, nil
}

// CreateDemand implements store.Legal.
func (db *DB) CreateDemand(ctx context.Context, d *store.Demand) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO legal_demands (agency, office, agent, authority,
			process_type, delivery_method, received_on, deadline_on, data_requested, gagged, gag_ends_on,
			court, case_number, status, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Agency, d.Office, d.Agent, d.Authority, d.ProcessType, d.DeliveryMethod, dayOrEmpty(d.ReceivedOn),
			dayOrEmpty(d.DeadlineOn), d.DataRequested, boolInt(d.Gagged), dayOrEmpty(d.GagEndsOn),
			d.Court, d.CaseNumber, d.Status, d.Notes)
		if err != nil {
			return fmt.Errorf("sqlite: create demand: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := replaceTargets(ctx, tx, id, d.Targets); err != nil {
			return err
		}
		for _, e := range d.History {
			if err := insertEvent(ctx, tx, id, e); err != nil {
				return err
			}
		}
		d.ID = formatSeq(id)
		return nil
	})
}

func replaceTargets(ctx context.Context, tx *sql.Tx, demand int64, targets []store.DemandTarget) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM legal_demand_targets WHERE demand_id = ?`, demand); err != nil {
		return err
	}
	for _, t := range targets {
		acct, ok := parseID(t.AccountID)
		if !ok {
			return store.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO legal_demand_targets (demand_id, account_id) VALUES (?, ?)`, demand, acct)
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") {
				return store.ErrNotFound
			}
			return fmt.Errorf("sqlite: demand target: %w", err)
		}
	}
	return nil
}

func insertEvent(ctx context.Context, tx *sql.Tx, demand int64, e store.DemandEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO legal_demand_events (demand_id, status, on_day, note) VALUES (?, ?, ?, ?)`,
		demand, e.Status, dayOrEmpty(e.On), e.Note)
	if err != nil {
		return fmt.Errorf("sqlite: demand event: %w", err)
	}
	return nil
}

// Demand implements store.Legal.
func (db *DB) Demand(ctx context.Context, id string) (*store.Demand, error) {
	v, ok := parseID(id)
	if !ok {
		return nil, store.ErrNotFound
	}
	d, err := scanDemand(db.read.QueryRowContext(ctx, `SELECT `+demandColumns+` FROM legal_demands WHERE id = ?`, v))
	if err != nil {
		return nil, err
	}
	return d, db.loadDemandParts(ctx, map[int64]*store.Demand{v: d})
}

// Demands implements store.Legal.
func (db *DB) Demands(ctx context.Context) ([]*store.Demand, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+demandColumns+` FROM legal_demands ORDER BY received_on DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: demands: %w", err)
	}
	defer rows.Close()
	out := []*store.Demand{}
	byID := map[int64]*store.Demand{}
	for rows.Next() {
		d, err := scanDemand(rows)
		if err != nil {
			return nil, err
		}
		v, _ := parseID(d.ID)
		byID[v] = d
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.loadDemandParts(ctx, byID)
}

// loadDemandParts fills targets, history, documents and notices.
func (db *DB) loadDemandParts(ctx context.Context, byID map[int64]*store.Demand) error {
	if len(byID) == 0 {
		return nil
	}
	// The registry is small (demands per year, not per second): one query
	// per part over all demands keeps this simple.
	each := func(query string, scan func(rows *sql.Rows) error) error {
		rows, err := db.read.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("sqlite: demand parts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := each(`SELECT t.demand_id, t.account_id, a.handle FROM legal_demand_targets t
		JOIN accounts a ON a.id = t.account_id ORDER BY t.demand_id, a.handle`, func(rows *sql.Rows) error {
		var demand, acct int64
		var handle string
		if err := rows.Scan(&demand, &acct, &handle); err != nil {
			return err
		}
		if d := byID[demand]; d != nil {
			d.Targets = append(d.Targets, store.DemandTarget{AccountID: formatID(acct), Handle: handle})
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT demand_id, status, on_day, note FROM legal_demand_events ORDER BY demand_id, id`, func(rows *sql.Rows) error {
		var demand int64
		var e store.DemandEvent
		var on string
		if err := rows.Scan(&demand, &e.Status, &on, &e.Note); err != nil {
			return err
		}
		e.On = parseDay(on)
		if d := byID[demand]; d != nil {
			d.History = append(d.History, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT demand_id, id, name, media_type, size, sha256, added_on FROM legal_demand_documents
		ORDER BY demand_id, id`, func(rows *sql.Rows) error {
		var demand, id int64
		var doc store.DemandDocument
		var added string
		if err := rows.Scan(&demand, &id, &doc.Name, &doc.MediaType, &doc.Size, &doc.SHA256, &added); err != nil {
			return err
		}
		doc.ID, doc.AddedOn = formatSeq(id), parseDay(added)
		if d := byID[demand]; d != nil {
			d.Documents = append(d.Documents, doc)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return each(`SELECT demand_id, account_id, sent_on, status_id FROM legal_demand_notices ORDER BY demand_id, account_id`,
		func(rows *sql.Rows) error {
			var demand, acct, status int64
			var sent string
			if err := rows.Scan(&demand, &acct, &sent, &status); err != nil {
				return err
			}
			if d := byID[demand]; d != nil {
				d.Notices = append(d.Notices, store.DemandNotice{AccountID: formatID(acct), SentOn: parseDay(sent), StatusID: formatID(status)})
			}
			return nil
		})
}

// UpdateDemand implements store.Legal.
func (db *DB) UpdateDemand(ctx context.Context, d *store.Demand, event *store.DemandEvent) error {
	v, ok := parseID(d.ID)
	if !ok {
		return store.ErrNotFound
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		status := d.Status
		if event != nil {
			status = event.Status
		}
		res, err := tx.ExecContext(ctx, `UPDATE legal_demands SET agency = ?, office = ?, agent = ?, authority = ?,
			process_type = ?, delivery_method = ?, received_on = ?, deadline_on = ?, data_requested = ?, gagged = ?,
			gag_ends_on = ?, court = ?, case_number = ?, status = ?, notes = ? WHERE id = ?`,
			d.Agency, d.Office, d.Agent, d.Authority, d.ProcessType, d.DeliveryMethod, dayOrEmpty(d.ReceivedOn),
			dayOrEmpty(d.DeadlineOn), d.DataRequested, boolInt(d.Gagged), dayOrEmpty(d.GagEndsOn),
			d.Court, d.CaseNumber, status, d.Notes, v)
		if err != nil {
			return fmt.Errorf("sqlite: update demand: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if err := replaceTargets(ctx, tx, v, d.Targets); err != nil {
			return err
		}
		if event != nil {
			return insertEvent(ctx, tx, v, *event)
		}
		return nil
	})
}

// AddDemandDocument implements store.Legal.
func (db *DB) AddDemandDocument(ctx context.Context, demandID string, doc *store.DemandDocument, content []byte) error {
	v, ok := parseID(demandID)
	if !ok {
		return store.ErrNotFound
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO legal_demand_documents (demand_id, name, media_type, size,
		sha256, added_on, content) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v, doc.Name, doc.MediaType, int64(len(content)), doc.SHA256, dayOrEmpty(doc.AddedOn), content)
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return store.ErrNotFound
		}
		return fmt.Errorf("sqlite: add document: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	doc.ID, doc.Size = formatSeq(id), int64(len(content))
	return nil
}

// DemandDocument implements store.Legal.
func (db *DB) DemandDocument(ctx context.Context, demandID, docID string) (*store.DemandDocument, []byte, error) {
	dv, ok1 := parseID(demandID)
	iv, ok2 := parseID(docID)
	if !ok1 || !ok2 {
		return nil, nil, store.ErrNotFound
	}
	var doc store.DemandDocument
	var added string
	var content []byte
	err := db.read.QueryRowContext(ctx, `SELECT name, media_type, size, sha256, added_on, content
		FROM legal_demand_documents WHERE demand_id = ? AND id = ?`, dv, iv).
		Scan(&doc.Name, &doc.MediaType, &doc.Size, &doc.SHA256, &added, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, store.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document: %w", err)
	}
	doc.ID, doc.AddedOn = formatSeq(iv), parseDay(added)
	return &doc, content, nil
}

// RecordDemandNotice implements store.Legal.
func (db *DB) RecordDemandNotice(ctx context.Context, demandID string, n store.DemandNotice) error {
	dv, ok1 := parseID(demandID)
	av, ok2 := parseID(n.AccountID)
	if !ok1 || !ok2 {
		return store.ErrNotFound
	}
	var status int64
	if s, ok := parseID(n.StatusID); ok {
		status = s
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO legal_demand_notices (demand_id, account_id, sent_on, status_id)
		VALUES (?, ?, ?, ?)`, dv, av, dayOrEmpty(n.SentOn), status)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: notice for demand %s: %w", demandID, store.ErrConflict)
	}
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return store.ErrNotFound
		}
		return fmt.Errorf("sqlite: record notice: %w", err)
	}
	return nil
}

// MentionsOf implements store.Notifications. The page's IDs come from the
// status_mentions index first, as for home timelines.
func (db *DB) MentionsOf(ctx context.Context, accountID string, p store.Page) ([]*store.Status, error) {
	v, ok := parseID(accountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	where, order, args, _ := pageClause("m.status_id", p, nil)
	query := numberPlaceholders(`SELECT m.status_id FROM status_mentions m JOIN statuses s ON s.id = m.status_id
		JOIN accounts a ON a.id = s.account_id
		WHERE m.account_id = ?1 AND s.account_id <> ?1 AND a.suspended = 0 AND a.deleted = 0` + where + order)
	return db.statusesByIDQuery(ctx, query, append([]any{v}, args...), ` ORDER BY id DESC`)
}
