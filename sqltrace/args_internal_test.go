package sqltrace

import (
	"database/sql/driver"
	"testing"
	"time"
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
	// One allocation for the slice of arguments and two for the copy of
	// the byte slice (the caller may reuse its buffer): its bytes and its
	// interface value. None for the others, which stay in the interface
	// values they came in.
	if n := testing.AllocsPerRun(100, func() { cfg.copyArgs(fastArgs) }); n > 3 {
		t.Errorf("copying %d driver values allocates %v times, want 3", len(fastArgs), n)
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
