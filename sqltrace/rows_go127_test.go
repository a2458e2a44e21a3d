//go:build go1.27

package sqltrace_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// scannerConn answers queries with rows that implement
// driver.RowsColumnScanner, which database/sql (Go 1.27) calls instead of
// Next.
type scannerConn struct{ *memdb.FullConn }

func (c scannerConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return &scannerRows{}, nil
}

// scannerRows are memdb.RowsPerQuery rows, like the in-memory driver's.
type scannerRows struct {
	n          int
	nextCalled bool
}

func (*scannerRows) Columns() []string           { return []string{"n"} }
func (*scannerRows) Close() error                { return nil }
func (r *scannerRows) Next([]driver.Value) error { r.nextCalled = true; return io.EOF }
func (r *scannerRows) NextRow() error {
	if r.n == memdb.RowsPerQuery {
		return io.EOF
	}
	r.n++
	return nil
}
func (r *scannerRows) ScanColumn(_ driver.ScanContext, _ int, dest any) error {
	*dest.(*int64) = int64(r.n) * 10
	return nil
}

type scannerConnector struct{ *memdb.Connector }

func (c scannerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, _ := c.Connector.Connect(ctx)
	return scannerConn{conn.(*memdb.FullConn)}, nil
}

func TestRowsColumnScannerIsForwardedAndCounted(t *testing.T) {
	db := sql.OpenDB(sqltrace.WrapConnector(scannerConnector{&memdb.Connector{Shape: memdb.Full}}))
	defer db.Close()
	ctx, got := sqltrace.Capture(t.Context())
	rows, err := db.QueryContext(ctx, "SELECT n")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	rows.Close()
	if sum != 60 {
		t.Errorf("scanned sum %d, want 60: ScanColumn was not used", sum)
	}
	if e := got.Events(); len(e) != 1 || e[0].Rows != memdb.RowsPerQuery {
		t.Errorf("events = %+v, want one query with %d rows", e, memdb.RowsPerQuery)
	}
}
