package pgxtrace

import (
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// connState is what the tracer keeps about one connection. It lives in the
// connection's own CustomData map, so it goes when the connection does: no
// table of connections to clean.
type connState struct {
	id uint64
	db int32 // the database's id (see databases), 0 until known
	// tx is the TxID of the transaction open on the connection, 0 when
	// none is known. pgx runs one operation at a time on a connection; the
	// atomic keeps a misuse (two goroutines on one *pgx.Conn) from being a
	// data race of ours as well.
	tx atomic.Uint64
	// prepared maps the names of the statements the app prepared on the
	// connection to their SQL, so a query run by name is recorded with its
	// statement. Only the connection's user touches it, as pgx's own map.
	prepared map[string]string
}

// stateKey is the tracer's key in a connection's CustomData.
const stateKey = "github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"

// stateOf returns the state of conn, making it on first use. TraceConnectEnd
// makes it before the connection is shared, so later calls only read the
// map.
func stateOf(conn *pgx.Conn) *connState {
	m := conn.PgConn().CustomData()
	if s, ok := m[stateKey].(*connState); ok {
		return s
	}
	s := &connState{id: sqltrace.NewConnID()}
	if m != nil { // nil only for a connection rebuilt by pgconn.Construct without one
		m[stateKey] = s
	}
	return s
}

// statement returns the TxID of a statement of kind k about to run on the
// connection. status is the server's transaction status before it ('I'
// idle, 'T' in a transaction, 'E' in a failed one), or 0 inside a batch,
// where the server reports it only at the end.
//
// The server's status keeps the bookkeeping honest when a begin, commit or
// rollback ran without a recorder: an idle connection has no transaction,
// and one found in a transaction nobody saw begin gets an id of its own, so
// the rest of it is still grouped.
func (s *connState) statement(k sqltrace.Kind, status byte) uint64 {
	if status == 'I' {
		s.tx.Store(0)
	}
	id := s.tx.Load()
	if id == 0 && (k == sqltrace.KindBegin || status == 'T' || status == 'E') {
		id = sqltrace.NewTxID()
		s.tx.Store(id)
	}
	return id
}

// prepare remembers the SQL of a statement the app prepares by name (as
// pgx's Prepare documents: with a name that is not the SQL itself). pgx's
// own statement cache prepares under names it derives from the SQL; those
// are never run by name and are not kept, so the map grows only with what
// the app prepares, as pgx's does.
func (s *connState) prepare(name, sql string) {
	if name == "" || name == sql || strings.HasPrefix(name, "stmtcache_") {
		return
	}
	if s.prepared == nil {
		s.prepared = make(map[string]string)
	}
	s.prepared[name] = sql
}

// statementSQL returns the SQL of what pgx was asked to run: a prepared
// statement's name stands for its SQL.
func (s *connState) statementSQL(sql string) string {
	if q, ok := s.prepared[sql]; ok {
		return q
	}
	return sql
}
