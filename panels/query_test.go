package panels_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"math"
	"net"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestArgsShowAsTheSQLPanelShowsThem(t *testing.T) {
	tests := []struct {
		name string
		arg  any
		want string
	}{
		{"NULL is NULL", nil, "NULL"},
		{"a string is quoted", `it's "x"`, `"it's \"x\""`},
		{"the string NULL is not NULL", "NULL", `"NULL"`},
		{"bytes are hex", []byte{0xca, 0xfe}, "x'cafe'"},
		{"an int64 is its digits", int64(-42), "-42"},
		{"a float64 is its shortest form", 2.5, "2.5"},
		{"a bool is true or false", true, "true"},
		{"a time is RFC 3339", time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC), "2024-01-02T03:04:05.0000006Z"},
		{"a named argument is name=value", sql.Named("id", int64(7)), "id=7"},
		{"a named NULL is name=NULL", sql.Named("note", nil), "note=NULL"},
		{"a driver's own value reads as it prints", net.ParseIP("10.0.0.1"), "10.0.0.1"},
		{"a driver's array reads as it prints", []int64{1, 3}, "[1 3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := panels.NewQuery(&sqltrace.Event{Kind: sqltrace.KindQuery, Args: []any{tt.arg}}, time.Time{})
			args := q.Args()
			if len(args) != 1 {
				t.Fatalf("%d arguments kept, want 1", len(args))
			}
			if got := args[0].String(); got != tt.want {
				t.Errorf("the argument %#v shows as %s, want %s", tt.arg, got, tt.want)
			}
		})
	}
}

func TestArgsKeepTheirTypeThroughTheRecordAndJSON(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 600, time.FixedZone("", 3600))
	in := []any{nil, int64(math.MinInt64), int64(math.MaxInt64), 0.1, math.Inf(-1), true, false, "", "héllo\x00",
		[]byte{}, []byte{0, 0xff}, when, sql.Named("id", int64(7)), net.ParseIP("10.0.0.1")}
	q := panels.NewQuery(&sqltrace.Event{Kind: sqltrace.KindQuery, SQL: "SELECT ?", Args: in}, time.Time{})
	got := q.Args()
	want := []panels.Arg{
		{Value: nil}, {Value: int64(math.MinInt64)}, {Value: int64(math.MaxInt64)}, {Value: 0.1}, {Value: math.Inf(-1)},
		{Value: true}, {Value: false}, {Value: ""}, {Value: "héllo\x00"}, {Value: []byte{}}, {Value: []byte{0, 0xff}},
		{Value: when}, {Name: "id", Value: int64(7)}, {Type: "net.IP", Value: "10.0.0.1"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d arguments, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameArg(got[i], want[i]) {
			t.Errorf("argument %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back panels.Query
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	for i, a := range back.Args() {
		if !sameArg(a, want[i]) {
			t.Errorf("after JSON, argument %d = %#v, want %#v", i, a, want[i])
		}
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, b) {
		t.Errorf("JSON does not round-trip:\n%s\n%s", b, again)
	}
}

// sameArg compares arguments, times by instant and offset.
func sameArg(a, b panels.Arg) bool {
	if ta, ok := a.Value.(time.Time); ok {
		tb, ok := b.Value.(time.Time)
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		return ok && ta.Equal(tb) && oa == ob && a.Name == b.Name
	}
	return reflect.DeepEqual(a, b)
}

func TestAQueryStaysSmallAndKeepsItsDatabase(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) == 8 {
		if got := unsafe.Sizeof(panels.Query{}); got != 96 {
			t.Errorf("a Query is %d bytes, want 96: the history keeps thousands", got)
		}
	}
	q := panels.NewQuery(&sqltrace.Event{Kind: sqltrace.KindQuery, SQL: "SELECT 1", DB: 7}, time.Time{})
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back panels.Query
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if q.DB != 7 || back.DB != 7 {
		t.Errorf("DB %d, after JSON %d (%s); want 7", q.DB, back.DB, b)
	}
}
