package sqltrace

import (
	"database/sql/driver"
	"testing"
	"time"
	"unsafe"
)

// fastArgs are the driver values database/sql hands over for lib/pq,
// MySQL and SQLite: they are kept without conversion.
var fastArgs = []driver.NamedValue{
	{Ordinal: 1, Value: nil},
	{Ordinal: 2, Value: int64(1 << 40)},
	{Ordinal: 3, Value: 2.5},
	{Ordinal: 4, Value: true},
	{Ordinal: 5, Value: "a string argument"},
	{Ordinal: 6, Value: []byte("bytes")},
	{Ordinal: 7, Value: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
}

func TestDriverValuesAreCopiedWithoutConversion(t *testing.T) {
	cfg := newConfig(nil)
	// One allocation for the slice of arguments, two for the copy of the
	// byte slice (the caller may reuse its buffer) and two for the copy of
	// the string (it may be a slice of a large buffer): their bytes and
	// their interface values. None for the others, which stay in the
	// interface values they came in.
	if n := testing.AllocsPerRun(100, func() { cfg.copyArgs(fastArgs) }); n > 5 {
		t.Errorf("copying %d driver values allocates %v times, want 5", len(fastArgs), n)
	}
}

func TestArgumentsAreCappedInNumber(t *testing.T) {
	args := make([]driver.NamedValue, 30000)
	for i := range args {
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: ""}
	}
	got, truncated := newConfig(nil).copyArgs(args)
	if len(got) != maxArgsKept || !truncated {
		t.Errorf("kept %d of 30,000 empty arguments (truncated %v), want %d, truncated", len(got), truncated, maxArgsKept)
	}
}

func TestShortStringArgumentsDoNotKeepTheirBufferAlive(t *testing.T) {
	buf := make([]byte, 1<<20)
	copy(buf, "name")
	s := string(buf)[:4] // a slice of a 1 MiB string
	got, _ := newConfig(nil).copyArgs([]driver.NamedValue{{Ordinal: 1, Value: s}})
	if kept := got[0].(string); kept != "name" || unsafe.StringData(kept) == unsafe.StringData(s) {
		t.Error("the kept argument shares the 1 MiB string it was sliced from")
	}
}

func BenchmarkCopyArgs(b *testing.B) {
	s := "pointed"
	cfg := newConfig(nil)
	for _, bc := range []struct {
		name string
		args []driver.NamedValue
	}{
		{"values=driver", fastArgs},
		{"values=go", []driver.NamedValue{{Ordinal: 1, Value: &s}, {Ordinal: 2, Value: 1 << 40}, {Ordinal: 3, Value: struct{ X int }{1}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cfg.copyArgs(bc.args)
			}
		})
	}
}
