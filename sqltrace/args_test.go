package sqltrace_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// passThroughConnector is the in-memory driver with pgx's
// NamedValueChecker, which lets every Go value through to the driver
// unconverted.
type passThroughConnector struct{ *memdb.Connector }

func (c passThroughConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return passThroughConn{conn.(*memdb.FullConn)}, nil
}

type passThroughConn struct{ *memdb.FullConn }

func (passThroughConn) CheckNamedValue(*driver.NamedValue) error { return nil }

type (
	status string
	itemID int32
	// money is a driver.Valuer with a value receiver.
	money struct{ cents int64 }
	// lazy is a driver.Valuer with a pointer receiver that handles nil.
	lazy struct{ s string }
	// broken's Value panics, or fails when err is set.
	broken struct{ err error }
)

func (m money) Value() (driver.Value, error) {
	return fmt.Sprintf("%d.%02d", m.cents/100, m.cents%100), nil
}

func (l *lazy) Value() (driver.Value, error) {
	if l == nil {
		return "default", nil
	}
	return l.s, nil
}

func (b broken) Value() (driver.Value, error) {
	if b.err != nil {
		return nil, b.err
	}
	panic("broken Value")
}

// argPaths records one exec with args on every path that hands
// arguments to the copier: database/sql's conversion (lib/pq, MySQL), a
// driver whose checker lets Go values through (pgx), and Instrument (pgx's
// native interface). Each path's recorded arguments are returned by name.
func argPaths(t *testing.T, args []any, converted bool) map[string][]any {
	t.Helper()
	out := map[string][]any{}
	exec := func(name string, db *sql.DB) {
		ctx, got := sqltrace.Capture(t.Context())
		if _, err := db.ExecContext(ctx, "UPDATE t SET a = ?", args...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = got.Events()[0].Args
	}
	if converted {
		db, _ := openFake(t, memdb.Full)
		exec("converted by database/sql", db)
	}
	pass := sql.OpenDB(sqltrace.WrapConnector(passThroughConnector{&memdb.Connector{Shape: memdb.Full}}))
	t.Cleanup(func() { pass.Close() })
	exec("passed through by the driver's checker", pass)

	ctx, got := sqltrace.Capture(t.Context())
	sqltrace.NewInstrument().Start(ctx, sqltrace.KindExec, "UPDATE t SET a = $1", args).End(nil)
	out["Instrument"] = got.Events()[0].Args
	return out
}

// rawBytes is a named byte slice without a String method (json.RawMessage
// has one from Go 1.27, as an alias of jsontext.Value).
type rawBytes []byte

func TestArgumentsAreRecordedAsTheDatabaseSawThem(t *testing.T) {
	s := "pointed"
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	pi := new(int64)
	*pi = 9
	tests := []struct {
		name string
		arg  any
		want any
	}{
		{"a *string is its string", &s, "pointed"},
		{"a nil *string is NULL", (*string)(nil), nil},
		{"a pointer to a pointer is followed", &pi, int64(9)},
		{"a *time.Time is its time", &at, at},
		{"a valid sql.NullString is its string", sql.NullString{String: "ns", Valid: true}, "ns"},
		{"an invalid sql.NullString is NULL", sql.NullString{String: "ignored"}, nil},
		{"a valid sql.NullInt64 is its int64", sql.NullInt64{Int64: 7, Valid: true}, int64(7)},
		{"an invalid sql.NullInt64 is NULL", sql.NullInt64{}, nil},
		{"a sql.Null[int] is an int64", sql.Null[int]{V: 3, Valid: true}, int64(3)},
		{"a driver.Valuer is its value", money{250}, "2.50"},
		{"a pointer to a driver.Valuer is its value", &money{1999}, "19.99"},
		{"a nil pointer whose element is a Valuer is NULL", (*money)(nil), nil},
		{"a nil pointer with a pointer-receiver Value is what Value says", (*lazy)(nil), "default"},
		{"a named string is a string", status("active"), "active"},
		{"a named int32 is an int64", itemID(42), int64(42)},
		{"an int is an int64", 5, int64(5)},
		{"a uint8 is an int64", uint8(3), int64(3)},
		{"a float32 is a float64", float32(1.5), float64(1.5)},
		{"a named byte slice is a []byte", rawBytes(`{}`), []byte(`{}`)},
		{"a nil []byte is NULL", []byte(nil), nil},
		{"a driver-checked slice is kept", []int64{1, 2}, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for path, args := range argPaths(t, []any{tt.arg, "same"}, true) {
				if want := []any{tt.want, "same"}; !reflect.DeepEqual(args, want) {
					t.Errorf("%s: args = %#v, want %#v", path, args, want)
				}
			}
		})
	}
}

func TestArgumentsOnlyADriverCheckerLetsThrough(t *testing.T) {
	ip := net.ParseIP("10.0.0.1")
	uuid := [16]byte{1, 2, 3}
	tests := []struct {
		name string
		arg  any
		want any
	}{
		{"net.IP is kept, as it reads", ip, ip},
		{"a [16]byte UUID is kept", uuid, uuid},
		{"a uint64 beyond int64 is kept", uint64(1 << 63), uint64(1 << 63)},
		{"a nil slice is NULL, as pgx sends it", []int32(nil), nil},
		{"a struct the driver encodes itself is kept", struct{ X int }{1}, struct{ X int }{1}},
		{"a Valuer that fails is a note", broken{err: errors.New("no value")}, "sqltrace_test.broken (Value: no value)"},
		{"a Valuer that panics is a note, and the app goes on", broken{}, "sqltrace_test.broken (Value: panic: broken Value)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for path, args := range argPaths(t, []any{tt.arg}, false) {
				if want := []any{tt.want}; !reflect.DeepEqual(args, want) {
					t.Errorf("%s: args = %#v, want %#v", path, args, want)
				}
			}
		})
	}
}

// longValuer's Value returns its buffer, which its owner reuses.
type longValuer struct{ buf []byte }

func (l longValuer) Value() (driver.Value, error) { return l.buf, nil }

type jsonDoc map[string]string

func (d jsonDoc) Value() (driver.Value, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

func TestValuerResultsAreCappedAndCopied(t *testing.T) {
	buf := []byte("0123456789")
	doc := jsonDoc{"k": strings.Repeat("v", 100)}
	ctx, got := sqltrace.Capture(t.Context())
	sqltrace.NewInstrument(sqltrace.WithArgLimits(8, 20)).Start(ctx, sqltrace.KindExec, "INSERT", []any{longValuer{buf}, doc, "dropped"}).End(nil)
	e := got.Events()[0]
	if want := []any{[]byte("01234567"), `{"k":"vv`, "drop"}; !reflect.DeepEqual(e.Args, want) || !e.ArgsTruncated {
		t.Errorf("args = %q (truncated %v), want %q (truncated)", e.Args, e.ArgsTruncated, want)
	}
	buf[0] = 'X'
	if e.Args[0].([]byte)[0] != '0' {
		t.Error("the event shares the Valuer's buffer")
	}
}

func TestNamedArgumentsAreConvertedToo(t *testing.T) {
	s := "x"
	db := sql.OpenDB(sqltrace.WrapConnector(passThroughConnector{&memdb.Connector{Shape: memdb.Full}}))
	defer db.Close()
	ctx, got := sqltrace.Capture(t.Context())
	if _, err := db.ExecContext(ctx, "UPDATE", sql.Named("a", &s), sql.Named("b", sql.NullString{})); err != nil {
		t.Fatal(err)
	}
	if e, want := got.Events()[0], []any{sql.Named("a", "x"), sql.Named("b", nil)}; !reflect.DeepEqual(e.Args, want) {
		t.Errorf("args = %#v, want %#v", e.Args, want)
	}
}
