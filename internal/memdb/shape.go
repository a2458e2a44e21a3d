package memdb

import "strconv"

// A Shape is the set of optional database/sql/driver interfaces a
// Connector's connections, statements and rows implement. database/sql and a
// wrapper take different paths for each, so a test names the shapes it
// needs.
type Shape int

const (
	// Lean, the zero Shape, is the benchmarks' database. Its connections
	// have ConnBeginTx, QueryerContext and ExecerContext and nothing else:
	// Prepare answers driver.ErrSkip, every query returns one row ("a", a
	// string, in column v) with rows that have no optional interface, and
	// every exec affects one row. Contexts are not looked at.
	Lean Shape = iota
	// Min connections have only driver.Conn's methods, so database/sql
	// prepares every statement and begins transactions without options.
	// Statements have only driver.Stmt's methods (Exec affects 2 rows) and
	// rows only driver.Rows'.
	Min
	// Validator is Min with driver.Validator but without
	// driver.SessionResetter, which database/sql asks for separately.
	Validator
	// Full connections are a [FullConn], with every optional interface.
	// Their statements have StmtExecContext, StmtQueryContext and
	// ColumnConverter; their rows have RowsNextResultSet and every
	// RowsColumnType interface (an int64 column of database type BIGINT,
	// not nullable).
	Full
	// Skip is Full, but its connections' ExecContext and QueryContext
	// answer driver.ErrSkip for a statement with arguments, as MySQL's
	// driver does, so database/sql prepares it instead.
	Skip
	// MinRows is Full, but its connections' QueryContext returns rows with
	// no optional interface (a prepared statement's rows are Full's).
	MinRows
)

// String returns the Shape's name in lower case: "lean", "min", "validator",
// "full", "skip", "minrows".
func (s Shape) String() string {
	switch s {
	case Lean:
		return "lean"
	case Min:
		return "min"
	case Validator:
		return "validator"
	case Full:
		return "full"
	case Skip:
		return "skip"
	case MinRows:
		return "minrows"
	}
	return "Shape(" + strconv.Itoa(int(s)) + ")"
}
