// Package sqlite is the embedded default backend of Publius, on the pure-Go
// modernc.org/sqlite driver: WAL, foreign keys, secure_delete, migrations
// embedded and applied at start-up, one writer connection and a reader pool.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"publius/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a store.Store on one SQLite file.
type DB struct {
	write *sql.DB // exactly one connection: SQLite has one writer anyway
	read  *sql.DB
	path  string

	scrubMu sync.Mutex
	recent  recentIndex // home timelines' in-memory index of recent statuses
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database in dir/publius.db and applies
// pending migrations.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data dir: %w", err)
	}
	path := filepath.Join(dir, "publius.db")
	pragmas := []string{
		"busy_timeout(10000)",
		"foreign_keys(1)",
		// NORMAL in WAL mode keeps every committed transaction across a
		// process crash (kill -9); only an OS crash can lose the last ones.
		"synchronous(NORMAL)",
		// Overwrite deleted content so deleted posts do not linger in the file.
		"secure_delete(1)",
		"cache_size(-8000)",
		"temp_store(MEMORY)",
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	drv := &sqlite.Driver{}
	write := sql.OpenDB(cachingConnector{dsn: dsn("journal_mode(WAL)") + "&_txlock=immediate", drv: drv})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	db := &DB{write: write, path: path}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: restrict permissions: %w", err)
	}
	read := sql.OpenDB(cachingConnector{dsn: dsn("query_only(1)"), drv: drv})
	readers := max(4, runtime.GOMAXPROCS(0)*2)
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	db.read = read
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// WriteDB and ReadDB expose the pools to sibling packages' extensions
// (membership, legal) that keep their tables in the same file.
func (db *DB) WriteDB() *sql.DB { return db.write }
func (db *DB) ReadDB() *sql.DB  { return db.read }

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: bad name", name)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version)
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE, via _txlock).
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Scrub checkpoints the WAL into the main file and truncates it, so pages
// that held deleted rows (already zeroed by secure_delete in the main file)
// do not survive in old WAL frames.
func (db *DB) Scrub(ctx context.Context) error {
	db.scrubMu.Lock()
	defer db.scrubMu.Unlock()
	var busy, logFrames, checkpointed int
	for attempt := 0; attempt < 20; attempt++ {
		err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
		if err != nil {
			return fmt.Errorf("sqlite: checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		// A reader still holds an old snapshot; let it finish.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("sqlite: checkpoint stayed busy")
}

// isUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY conflict.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// parseID turns an API ID into the integer key; garbage can match nothing.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	return v, true
}

func formatID(v int64) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprintf("%018d", v)
}

func nullableID(s string) any {
	if v, ok := parseID(s); ok {
		return v
	}
	return nil
}

const dayLayout = "2006-01-02"

func parseDay(s string) time.Time {
	t, _ := time.Parse(dayLayout, s)
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageClause renders a Page over column col: extra WHERE conditions, the
// ORDER BY direction and the LIMIT, plus whether rows come back oldest first
// (min_id pages) and must be reversed.
func pageClause(col string, p store.Page, args []any) (where string, order string, outArgs []any, ascending bool) {
	var conds []string
	if v, ok := parseID(p.MaxID); ok {
		conds = append(conds, col+" < ?")
		args = append(args, v)
	}
	if v, ok := parseID(p.SinceID); ok {
		conds = append(conds, col+" > ?")
		args = append(args, v)
	}
	if v, ok := parseID(p.MinID); ok {
		conds = append(conds, col+" > ?")
		args = append(args, v)
		ascending = true
	}
	if len(conds) > 0 {
		where = " AND " + strings.Join(conds, " AND ")
	}
	order = " ORDER BY " + col + " DESC"
	if ascending {
		order = " ORDER BY " + col + " ASC"
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	order += " LIMIT " + strconv.Itoa(limit)
	return where, order, args, ascending
}

func today() string { return time.Now().UTC().Format(dayLayout) }
