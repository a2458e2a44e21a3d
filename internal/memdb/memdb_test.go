package memdb_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
)

var (
	connIfaces = map[string]reflect.Type{
		"ConnBeginTx":        reflect.TypeFor[driver.ConnBeginTx](),
		"ConnPrepareContext": reflect.TypeFor[driver.ConnPrepareContext](),
		"ExecerContext":      reflect.TypeFor[driver.ExecerContext](),
		"QueryerContext":     reflect.TypeFor[driver.QueryerContext](),
		"Execer":             reflect.TypeFor[driver.Execer](),  //lint:ignore SA1019 Full has it, for wrappers not to call
		"Queryer":            reflect.TypeFor[driver.Queryer](), //lint:ignore SA1019 Full has it, for wrappers not to call
		"Pinger":             reflect.TypeFor[driver.Pinger](),
		"SessionResetter":    reflect.TypeFor[driver.SessionResetter](),
		"Validator":          reflect.TypeFor[driver.Validator](),
		"NamedValueChecker":  reflect.TypeFor[driver.NamedValueChecker](),
	}
	stmtIfaces = map[string]reflect.Type{
		"StmtExecContext":   reflect.TypeFor[driver.StmtExecContext](),
		"StmtQueryContext":  reflect.TypeFor[driver.StmtQueryContext](),
		"ColumnConverter":   reflect.TypeFor[driver.ColumnConverter](), //lint:ignore SA1019 database/sql still honours it
		"NamedValueChecker": reflect.TypeFor[driver.NamedValueChecker](),
	}
	rowsIfaces = map[string]reflect.Type{
		"RowsNextResultSet":              reflect.TypeFor[driver.RowsNextResultSet](),
		"RowsColumnTypeScanType":         reflect.TypeFor[driver.RowsColumnTypeScanType](),
		"RowsColumnTypeDatabaseTypeName": reflect.TypeFor[driver.RowsColumnTypeDatabaseTypeName](),
		"RowsColumnTypeLength":           reflect.TypeFor[driver.RowsColumnTypeLength](),
		"RowsColumnTypeNullable":         reflect.TypeFor[driver.RowsColumnTypeNullable](),
		"RowsColumnTypePrecisionScale":   reflect.TypeFor[driver.RowsColumnTypePrecisionScale](),
	}
)

// implemented returns the names of the ifaces v implements, sorted.
func implemented(v any, ifaces map[string]reflect.Type) []string {
	var names []string
	for name, it := range ifaces {
		if reflect.TypeOf(v).Implements(it) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// TestEachShapeHasExactlyItsInterfaces pins the shapes: sqltrace's tests
// compare its wrapper with them, so a shape that lost an interface would
// leave those tests passing and checking less.
func TestEachShapeHasExactlyItsInterfaces(t *testing.T) {
	all := func(m map[string]reflect.Type) []string {
		var names []string
		for name := range m {
			names = append(names, name)
		}
		slices.Sort(names)
		return names
	}
	full := struct{ conn, stmt, connRows, stmtRows []string }{
		all(connIfaces), []string{"ColumnConverter", "StmtExecContext", "StmtQueryContext"}, all(rowsIfaces), all(rowsIfaces),
	}
	tests := []struct {
		shape                          memdb.Shape
		conn, stmt, connRows, stmtRows []string // connRows: nil without QueryContext; stmt: PrepareContext's, else Prepare's
	}{
		{memdb.Lean, []string{"ConnBeginTx", "ExecerContext", "QueryerContext"}, nil, nil, nil},
		{memdb.Min, nil, nil, nil, nil},
		{memdb.Validator, []string{"Validator"}, nil, nil, nil},
		{memdb.Full, full.conn, full.stmt, full.connRows, full.stmtRows},
		{memdb.Skip, full.conn, full.stmt, full.connRows, full.stmtRows},
		{memdb.MinRows, full.conn, full.stmt, nil, full.stmtRows},
	}
	for _, tt := range tests {
		t.Run("a "+tt.shape.String()+" connector", func(t *testing.T) {
			c := &memdb.Connector{Shape: tt.shape}
			conn, err := c.Connect(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got := implemented(conn, connIfaces); !slices.Equal(got, tt.conn) {
				t.Errorf("connection implements %v, want %v", got, tt.conn)
			}
			if q, ok := conn.(driver.QueryerContext); ok {
				rows, err := q.QueryContext(t.Context(), "SELECT n", nil)
				if err != nil {
					t.Fatal(err)
				}
				if got := implemented(rows, rowsIfaces); !slices.Equal(got, tt.connRows) {
					t.Errorf("the connection's rows implement %v, want %v", got, tt.connRows)
				}
			}
			var stmt driver.Stmt
			if p, ok := conn.(driver.ConnPrepareContext); ok {
				stmt, err = p.PrepareContext(t.Context(), "SELECT n")
			} else {
				stmt, err = conn.Prepare("SELECT n")
			}
			if tt.shape == memdb.Lean {
				if !errors.Is(err, driver.ErrSkip) {
					t.Errorf("Prepare: %v, want driver.ErrSkip", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := implemented(stmt, stmtIfaces); !slices.Equal(got, tt.stmt) {
				t.Errorf("statement implements %v, want %v", got, tt.stmt)
			}
			var rows driver.Rows
			if q, ok := stmt.(driver.StmtQueryContext); ok {
				rows, err = q.QueryContext(t.Context(), nil)
			} else {
				rows, err = stmt.Query(nil) //lint:ignore SA1019 the only query a Min statement has
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := implemented(rows, rowsIfaces); !slices.Equal(got, tt.stmtRows) {
				t.Errorf("the statement's rows implement %v, want %v", got, tt.stmtRows)
			}
		})
	}
}

func TestTheZeroConnectorAnswersOneRowAndOneRowAffected(t *testing.T) {
	db := sql.OpenDB(&memdb.Connector{})
	defer db.Close()
	rows, err := db.Query("SELECT v FROM t WHERE id = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	var got []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cols, []string{"v"}) || !slices.Equal(got, []string{"a"}) {
		t.Errorf("columns %v, rows %v; want [v], [a]", cols, got)
	}
	res, err := db.Exec("UPDATE t SET v = ?", "b")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("exec affected %d rows, want 1", n)
	}
}

func TestEveryTestShapeAnswersTheSameData(t *testing.T) {
	for _, shape := range []memdb.Shape{memdb.Min, memdb.Validator, memdb.Full, memdb.Skip, memdb.MinRows} {
		t.Run("a "+shape.String()+" connector", func(t *testing.T) {
			db := sql.OpenDB(&memdb.Connector{Shape: shape})
			defer db.Close()
			for _, args := range [][]any{nil, {1}} {
				rows, err := db.Query("SELECT n FROM t", args...)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for rows.Next() {
					var n int64
					if err := rows.Scan(&n); err != nil {
						t.Fatal(err)
					}
					got = append(got, n)
				}
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
				if want := []int64{1, 2, 3}; len(want) != memdb.RowsPerQuery || !slices.Equal(got, want) {
					t.Errorf("query with %d arguments read %v, want %v", len(args), got, want)
				}
				res, err := db.Exec("UPDATE t SET n = 0", args...)
				if err != nil {
					t.Fatal(err)
				}
				if n, _ := res.RowsAffected(); n != 2 {
					t.Errorf("exec with %d arguments affected %d rows, want 2", len(args), n)
				}
			}
			if _, err := db.Prepare("SELECT SYNTAX ERROR"); err == nil {
				t.Error("a statement containing SYNTAX ERROR was prepared")
			}
		})
	}
}

func TestPreparesCountsWhatDatabaseSQLPrepares(t *testing.T) {
	tests := []struct {
		shape memdb.Shape
		want  int
	}{
		{memdb.Full, 0},    // QueryContext and ExecContext: nothing prepared
		{memdb.Min, 2},     // no QueryerContext: each statement prepared
		{memdb.Skip, 2},    // ErrSkip for a statement with arguments: prepared instead
		{memdb.MinRows, 0}, // Full but its rows
	}
	for _, tt := range tests {
		t.Run("a "+tt.shape.String()+" connector", func(t *testing.T) {
			c := &memdb.Connector{Shape: tt.shape}
			db := sql.OpenDB(c)
			defer db.Close()
			var n int64
			if err := db.QueryRow("SELECT n FROM t WHERE id = ?", 1).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("UPDATE t SET n = ?", 1); err != nil {
				t.Fatal(err)
			}
			if got := c.Prepares(); got != tt.want {
				t.Errorf("Prepares() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFailNextExecsAnswersErrBadConn(t *testing.T) {
	c := &memdb.Connector{Shape: memdb.Full}
	conn, err := c.Connect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	exec := conn.(driver.ExecerContext)
	c.FailNextExecs(2)
	for i, want := range []error{driver.ErrBadConn, driver.ErrBadConn, nil} {
		if _, err := exec.ExecContext(t.Context(), "UPDATE t SET n = 1", nil); !errors.Is(err, want) {
			t.Errorf("exec %d: %v, want %v", i, err, want)
		}
	}
	// database/sql retries a bad connection on a new one.
	c.FailNextExecs(1)
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("UPDATE t SET n = 1"); err != nil {
		t.Errorf("exec after one ErrBadConn: %v, want database/sql's retry to succeed", err)
	}
}

func TestFullConnectionsAnswerADoneContext(t *testing.T) {
	c := &memdb.Connector{Shape: memdb.Full}
	conn, err := c.Connect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := conn.(driver.QueryerContext).QueryContext(ctx, "SELECT n", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("query: %v, want context.Canceled", err)
	}
	if _, err := conn.(driver.ExecerContext).ExecContext(ctx, "UPDATE", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("exec: %v, want context.Canceled", err)
	}
}

func TestDriverOpensTheConnectorsConnections(t *testing.T) {
	c := &memdb.Connector{Shape: memdb.Validator}
	if c.Driver() != c.Driver() {
		t.Error("Driver returns another value on each call")
	}
	if _, ok := c.Driver().(driver.DriverContext); ok {
		t.Error("the driver has DriverContext")
	}
	conn, err := c.Driver().Open("")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := conn.(driver.Validator); !ok {
		t.Errorf("the driver opened a %T, want a Validator connection", conn)
	}
	if _, err := (&memdb.Connector{Shape: 99}).Connect(t.Context()); err == nil {
		t.Error("a connector of an unknown Shape connected")
	}
}
