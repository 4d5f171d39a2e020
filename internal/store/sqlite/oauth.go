package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"publius/internal/store"
)

// CreateApp implements store.OAuth; it assigns a.ID.
func (db *DB) CreateApp(ctx context.Context, a *store.App) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO apps (name, website, redirect_uris, scopes, client_id, client_secret)
		VALUES (?, ?, ?, ?, ?, ?)`, a.Name, a.Website, strings.Join(a.RedirectURIs, "\n"),
		strings.Join(a.Scopes, " "), a.ClientID, a.ClientSecret)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: app: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create app: %w", err)
	}
	id, _ := res.LastInsertId()
	a.ID = fmt.Sprint(id)
	return nil
}

const appColumns = `id, name, website, redirect_uris, scopes, client_id, client_secret`

func scanApp(row *sql.Row) (*store.App, error) {
	var a store.App
	var id int64
	var uris, scopes string
	err := row.Scan(&id, &a.Name, &a.Website, &uris, &scopes, &a.ClientID, &a.ClientSecret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan app: %w", err)
	}
	a.ID = fmt.Sprint(id)
	a.RedirectURIs = strings.Split(uris, "\n")
	a.Scopes = strings.Fields(scopes)
	return &a, nil
}

// AppByClientID implements store.OAuth.
func (db *DB) AppByClientID(ctx context.Context, clientID string) (*store.App, error) {
	return scanApp(db.read.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE client_id = ?`, clientID))
}

// AppByID implements store.OAuth.
func (db *DB) AppByID(ctx context.Context, id string) (*store.App, error) {
	return scanApp(db.read.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id = ?`, id))
}

// CreateToken implements store.OAuth.
func (db *DB) CreateToken(ctx context.Context, t *store.Token) error {
	app, ok := parseAppID(t.AppID)
	if !ok {
		return store.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO tokens (hash, app_id, account_id, scopes, created_on)
		VALUES (?, ?, ?, ?, ?)`, t.Hash, app, nullableID(t.AccountID), strings.Join(t.Scopes, " "),
		t.CreatedOn.UTC().Format(dayLayout))
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: token: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create token: %w", err)
	}
	return nil
}

func parseAppID(s string) (int64, bool) { return parseID(s) }

// TokenByHash implements store.OAuth.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*store.Token, error) {
	var t store.Token
	var app, account int64
	var scopes, created string
	err := db.read.QueryRowContext(ctx, `SELECT hash, app_id, coalesce(account_id, 0), scopes, created_on
		FROM tokens WHERE hash = ?`, hash).Scan(&t.Hash, &app, &account, &scopes, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: token: %w", err)
	}
	t.AppID, t.AccountID = fmt.Sprint(app), formatID(account)
	t.Scopes = strings.Fields(scopes)
	t.CreatedOn = parseDay(created)
	return &t, nil
}

// DeleteToken implements store.OAuth.
func (db *DB) DeleteToken(ctx context.Context, hash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM tokens WHERE hash = ?`, hash)
	return err
}

// DeleteAccountTokens implements store.OAuth.
func (db *DB) DeleteAccountTokens(ctx context.Context, accountID string) error {
	v, ok := parseID(accountID)
	if !ok {
		return store.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM tokens WHERE account_id = ?`, v)
	return err
}

// Secret implements store.Secrets.
func (db *DB) Secret(ctx context.Context, name string, generate func() ([]byte, error)) ([]byte, error) {
	var v []byte
	err := db.read.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: secret: %w", err)
	}
	fresh, err := generate()
	if err != nil {
		return nil, err
	}
	// Another node may have won the race: keep and return the stored value.
	if _, err := db.write.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return nil, fmt.Errorf("sqlite: store secret: %w", err)
	}
	err = db.write.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	return v, err
}

// AccountTokens implements store.OAuth.
func (db *DB) AccountTokens(ctx context.Context, accountID string) ([]*store.Token, error) {
	v, ok := parseID(accountID)
	if !ok {
		return nil, store.ErrNotFound
	}
	rows, err := db.read.QueryContext(ctx, `SELECT hash, app_id, scopes, created_on
		FROM tokens WHERE account_id = ? ORDER BY created_on, hash`, v)
	if err != nil {
		return nil, fmt.Errorf("sqlite: account tokens: %w", err)
	}
	defer rows.Close()
	var list []*store.Token
	for rows.Next() {
		t := &store.Token{AccountID: formatID(v)}
		var app int64
		var scopes, created string
		if err := rows.Scan(&t.Hash, &app, &scopes, &created); err != nil {
			return nil, fmt.Errorf("sqlite: account tokens: %w", err)
		}
		t.AppID, t.Scopes, t.CreatedOn = fmt.Sprint(app), strings.Fields(scopes), parseDay(created)
		list = append(list, t)
	}
	return list, rows.Err()
}

// SpendCode implements store.OAuth.
func (db *DB) SpendCode(ctx context.Context, hash []byte, day time.Time) (bool, error) {
	today := day.UTC().Format(time.DateOnly)
	spent := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_spent_codes WHERE spent_on < date(?, '-1 day')`, today); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO oauth_spent_codes (hash, spent_on) VALUES (?, ?) ON CONFLICT DO NOTHING`, hash, today)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		spent = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: spend code: %w", err)
	}
	return spent, nil
}
