// Package explain takes the plan of a query the toolbar recorded: it
// re-runs only a read statement (see Check), named by the record, never
// SQL from the browser, under EXPLAIN, inside a transaction (read only
// where the driver can) that is always rolled back, with a timeout. Each
// dialect's plan (PostgreSQL's EXPLAIN (FORMAT JSON), MySQL's and
// MariaDB's EXPLAIN FORMAT=JSON, SQLite's EXPLAIN QUERY PLAN) is read into
// one panels.Plan, with each full scan's table, estimated size and the
// columns it filters or sorts on, for the missing_index alert.
//
// EXPLAIN ANALYZE runs the statement; it is offered on PostgreSQL only,
// where the read-only transaction refuses any write a function of the
// query would make, and the rollback undoes the rest.
package explain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// DefaultTimeout bounds one EXPLAIN.
const DefaultTimeout = 5 * time.Second

// Options say how to explain.
type Options struct {
	// Analyze runs the statement (EXPLAIN ANALYZE), rolled back.
	Analyze bool
	// Timeout bounds the whole EXPLAIN (DefaultTimeout when 0).
	Timeout time.Duration
	// Recorded is when the query's record began: a record kept by an
	// earlier run of the app (a file store) names databases by the ids of
	// that run, which may now be others'.
	Recorded time.Time
}

// started is when this process began numbering databases.
var started = time.Now()

// Current reports whether a record that began at recorded was made by
// this process, so that its queries' database ids are this process's.
func Current(recorded time.Time) bool { return !recorded.Before(started) }

// Errors of Explain, besides Check's ErrNotRead.
var (
	ErrNoDatabase = errors.New("the database it ran on is not open in this process (or was not opened through sqltrace)")
	ErrDialect    = errors.New("EXPLAIN is not supported for this database")
)

// Explain returns the plan of q, a query of a record.
func Explain(ctx context.Context, q *panels.Query, opts Options) (*panels.Plan, error) {
	if q.Kind != sqltrace.KindQuery {
		return nil, fmt.Errorf("%w: a %s, not a query that returns rows", ErrNotRead, q.Kind)
	}
	if err := Check(q.SQL, q.SQLTruncated); err != nil {
		return nil, err
	}
	if !opts.Recorded.IsZero() && !Current(opts.Recorded) {
		return nil, fmt.Errorf("%w: the request was recorded by an earlier run of the app", ErrNoDatabase)
	}
	d, ok := dbregistry.Lookup(int32(q.DB))
	if !ok {
		return nil, ErrNoDatabase
	}
	if d.Dialect != dbregistry.Postgres && d.Dialect != dbregistry.MySQL && d.Dialect != dbregistry.SQLite {
		return nil, fmt.Errorf("%w (%s, dialect %s; open it with sqltrace.WithDialect)", ErrDialect, d.Driver, d.Dialect)
	}
	if opts.Analyze && d.Dialect != dbregistry.Postgres {
		return nil, fmt.Errorf("%w: ANALYZE is offered on PostgreSQL only", ErrDialect)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	// The toolbar's own statements are recorded nowhere: not on a request
	// the goroutine may belong to, not as work outside any request.
	ctx = sqltrace.WithRecorder(ctx, discard)
	db := d.DB
	if db == nil {
		db = poolOf(d)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil { // a driver without read-only transactions
		if tx, err = db.BeginTx(ctx, nil); err != nil {
			return nil, fmt.Errorf("explain: begin: %w", err)
		}
	}
	defer tx.Rollback() // always: EXPLAIN ANALYZE ran the statement
	stmt := strings.TrimRight(strings.TrimSpace(q.SQL), "; \t\r\n")
	args := argsOf(q.Args())
	var p *panels.Plan
	switch d.Dialect {
	case dbregistry.Postgres:
		p, err = explainPostgres(ctx, tx, stmt, args, opts)
	case dbregistry.MySQL:
		p, err = explainMySQL(ctx, tx, stmt, args)
	case dbregistry.SQLite:
		p, err = explainSQLite(ctx, tx, stmt, args)
	}
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	p.Dialect, p.Analyze, p.Taken = d.Dialect, opts.Analyze, time.Now()
	return p, nil
}

var discard = sqltrace.RecorderFunc(func(sqltrace.Event) {})

// argsOf are a record's arguments as the driver takes them again.
func argsOf(as []panels.Arg) []any {
	out := make([]any, len(as))
	for i, a := range as {
		out[i] = a.Value
		if a.Name != "" {
			out[i] = sql.Named(a.Name, a.Value)
		}
	}
	return out
}

// pools are the toolbar's own pools of the databases sqltrace knows by a
// connector only (WrapConnector, Wrap), by id: small, and idle connections
// are closed.
var pools sync.Map

func poolOf(d dbregistry.Database) *sql.DB {
	if v, ok := pools.Load(d.ID); ok {
		return v.(*sql.DB)
	}
	db := sql.OpenDB(d.Connector)
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(0)
	if v, loaded := pools.LoadOrStore(d.ID, db); loaded {
		db.Close()
		return v.(*sql.DB)
	}
	return db
}

// quoteName quotes a table name for the dialect, part by part.
func quoteName(name string, q byte) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = string(q) + strings.ReplaceAll(p, string(q), string(q)+string(q)) + string(q)
	}
	return strings.Join(parts, ".")
}
