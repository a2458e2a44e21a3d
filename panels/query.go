package panels

import (
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Query is one database operation of a request, as the record keeps it:
// compact (96 bytes, and its arguments' encoding), and holding nothing of
// the app's (its error is text, its arguments are encoded values), so that
// a history of thousands costs the garbage collector little and
// round-trips through JSON.
type Query struct {
	Kind sqltrace.Kind
	// SQLTruncated reports that SQL holds only the statement's first
	// bytes; ArgsTruncated that an argument was shortened or dropped.
	SQLTruncated, ArgsTruncated bool
	// NoContext: run without the request's context, tied to the request by
	// the goroutine that ran it (see sqltrace.Follow).
	NoContext bool
	// Unclosed: a query whose rows were still open when the request ended.
	Unclosed bool
	// TxOpen: a begin whose transaction was neither committed nor rolled
	// back when the request ended.
	TxOpen bool
	// DB is the database it ran on (sqltrace.Event.DB), 0 when unknown:
	// what EXPLAIN runs it on. 16 bits, in what would be padding.
	DB int16

	// Tx is the transaction's number in this request (1, 2, ...), 0
	// outside a transaction; Conn the connection's, from 1.
	Tx, Conn int32
	// Shape indexes Record.Shapes (-1 for begin, commit, rollback,
	// prepare and acquire), set by Record.Finish; Stack indexes
	// Record.Stacks (-1 when the caller was not captured).
	Shape, Stack int32

	SQL string
	// Err is the error's text, redacted; empty when the operation
	// succeeded.
	Err string
	// Start is when the operation began, from the request's start;
	// Duration the time it spent in the driver.
	Start, Duration time.Duration
	// Rows is what a query returned or an exec affected, -1 where the
	// driver cannot say.
	Rows int64

	args string // the arguments, encoded (see appendArg)
}

// NewQuery returns the query an event records, its Start relative to
// start. Its Tx, Conn and Stack are the caller's to set (they are numbered
// per record); Finish sets Shape.
func NewQuery(e *sqltrace.Event, start time.Time) Query {
	q := Query{
		Kind: e.Kind, SQL: e.SQL, SQLTruncated: e.SQLTruncated, ArgsTruncated: e.ArgsTruncated,
		NoContext: e.NoContext, Unclosed: e.Unclosed, DB: int16(e.DB),
		Start: e.Start.Sub(start), Duration: e.Duration, Rows: e.Rows,
		Shape: -1, Stack: -1,
	}
	if e.Err != nil {
		q.Err = e.Err.Error()
	}
	if len(e.Args) > 0 {
		q.args = encodeArgs(e.Args)
	}
	return q
}

// IsStatement reports whether the query is a statement (a query or an
// exec), what the counts count; begin, commit, rollback, prepare and
// acquire are not.
func (q *Query) IsStatement() bool {
	return q.Kind == sqltrace.KindQuery || q.Kind == sqltrace.KindExec
}

// Args returns the statement's arguments, decoded.
func (q *Query) Args() []Arg {
	if q.args == "" {
		return nil
	}
	var out []Arg
	for s := q.args; s != ""; {
		var a Arg
		a, s = decodeArg(s)
		out = append(out, a)
	}
	return out
}

// NumArgs returns how many arguments the statement had (as kept).
func (q *Query) NumArgs() int {
	n := 0
	for s := q.args; s != ""; n++ {
		_, s = decodeArg(s)
	}
	return n
}

// SetArgs sets the arguments (decoding a record, or building one in a
// test).
func (q *Query) SetArgs(args []Arg) {
	var b []byte
	for _, a := range args {
		b = appendArg(b, a)
	}
	q.args = string(b)
}

// Arg is a statement's argument as the database got it: Value is nil
// (NULL), an int64, float64, bool, string, []byte or time.Time; a value
// of any other type is kept as its text, with Type naming the Go type.
type Arg struct {
	Name  string // given with sql.Named, else empty
	Type  string // the Go type of a value kept as text; empty otherwise
	Value any
}

// TypeName is the argument's type as the JSON encoding names it: "null",
// "int64", "float64", "bool", "string", "bytes", "time", or Type.
func (a Arg) TypeName() string {
	if a.Type != "" {
		return a.Type
	}
	switch a.Value.(type) {
	case nil:
		return "null"
	case int64:
		return "int64"
	case float64:
		return "float64"
	case bool:
		return "bool"
	case []byte:
		return "bytes"
	case time.Time:
		return "time"
	}
	return "string"
}

// String shows the argument as the SQL panel does: strings quoted, bytes
// as x'hex', NULL, times in RFC 3339, a named one as name=value.
func (a Arg) String() string {
	v := a.valueString()
	if a.Name != "" {
		return a.Name + "=" + v
	}
	return v
}

func (a Arg) valueString() string {
	switch v := a.Value.(type) {
	case nil:
		return "NULL"
	case string:
		if a.Type != "" {
			return v
		}
		return strconv.Quote(v)
	case []byte:
		return "x'" + hex.EncodeToString(v) + "'"
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(a.Value)
}

// argOf is the Arg of a value sqltrace recorded.
func argOf(v any) Arg {
	var a Arg
	if n, ok := v.(sql.NamedArg); ok {
		a.Name, v = n.Name, n.Value
	}
	switch x := v.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
		a.Value = x
	default:
		a.Type, a.Value = reflect.TypeOf(v).String(), fmt.Sprint(v)
	}
	return a
}

func encodeArgs(args []any) string {
	var buf [64]byte
	b := buf[:0]
	for _, v := range args {
		b = appendArg(b, argOf(v))
	}
	return string(b)
}

// The encoding of one argument: a tag byte (the value's kind, argNamed
// set when a name follows), the name, then the value: varints for
// integers, 8 bytes for a float, a length and the bytes for text, unix
// nanoseconds and the zone's offset for a time.
const (
	argNull byte = iota
	argInt
	argFloat
	argFalse
	argTrue
	argString
	argBytes
	argTime
	argText // a value of another type, as text, after its type's name

	argNamed byte = 0x80
)

func appendArg(b []byte, a Arg) []byte {
	tag := argNull
	switch v := a.Value.(type) {
	case int64:
		tag = argInt
	case float64:
		tag = argFloat
	case bool:
		tag = argFalse
		if v {
			tag = argTrue
		}
	case string:
		tag = argString
		if a.Type != "" {
			tag = argText
		}
	case []byte:
		tag = argBytes
	case time.Time:
		tag = argTime
	}
	if a.Name != "" {
		b = appendText(append(b, tag|argNamed), a.Name)
	} else {
		b = append(b, tag)
	}
	switch v := a.Value.(type) {
	case int64:
		b = binary.AppendVarint(b, v)
	case float64:
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case string:
		if tag == argText {
			b = appendText(b, a.Type)
		}
		b = appendText(b, v)
	case []byte:
		b = appendText(b, string(v))
	case time.Time:
		_, off := v.Zone()
		b = binary.AppendVarint(binary.AppendVarint(b, v.Unix()), int64(v.Nanosecond()))
		b = binary.AppendVarint(b, int64(off))
	}
	return b
}

func appendText(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func readText(s string) (string, string) {
	n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
	s = s[k:]
	return s[:n], s[n:]
}

func readVarint(s string) (int64, string) {
	v, k := binary.Varint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
	return v, s[k:]
}

// decodeArg decodes the first argument of s and returns the rest. s is
// what appendArg wrote.
func decodeArg(s string) (Arg, string) {
	var a Arg
	tag := s[0]
	s = s[1:]
	if tag&argNamed != 0 {
		a.Name, s = readText(s)
		tag &^= argNamed
	}
	switch tag {
	case argInt:
		a.Value, s = readVarint(s)
	case argFloat:
		a.Value, s = math.Float64frombits(binary.LittleEndian.Uint64([]byte(s[:8]))), s[8:]
	case argFalse, argTrue:
		a.Value = tag == argTrue
	case argString:
		a.Value, s = readText(s)
	case argText:
		a.Type, s = readText(s)
		a.Value, s = readText(s)
	case argBytes:
		var t string
		t, s = readText(s)
		a.Value = []byte(t)
	case argTime:
		var sec, nsec, off int64
		sec, s = readVarint(s)
		nsec, s = readVarint(s)
		off, s = readVarint(s)
		t := time.Unix(sec, nsec).UTC()
		if off != 0 {
			t = t.In(time.FixedZone("", int(off)))
		}
		a.Value = t
	}
	return a, s
}
