package sqltrace

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// argCopier copies arguments into an event within the configured caps, so
// a 10 MB blob insert is not kept a second time: strings and byte slices are
// cut to maxArgLen, and arguments past the total budget are dropped.
//
// Arguments are kept as the database saw them. database/sql converts them
// before the wrapper sees them for most drivers, but pgx's checker lets any
// Go value through, and [Instrument] gets the client's own: those are
// converted here the way database/sql would (see dbValue).
type argCopier struct {
	cfg       *config
	budget    int
	args      []any
	truncated bool
}

func (c *config) newArgCopier(n int) argCopier { return c.newArgCopierIn(n, nil) }

// newArgCopierIn is newArgCopier with room for the arguments taken from
// slots, when it is given: see argArena.
func (c *config) newArgCopierIn(n int, slots *argArena) argCopier {
	a := argCopier{cfg: c, budget: c.maxArgsBytes}
	if c.maxArgsBytes < 0 {
		a.truncated = n > 0
		return a
	}
	if n > 0 {
		a.args = slots.take(n)
	}
	return a
}

// argArena hands out room for the arguments of the statements one
// connection runs, carved from a block of argArenaSize: an event's
// arguments are usually short-lived (the toolbar encodes them as it
// records the event), and one allocation per block costs less than one
// per statement. Each piece is capped at its length, so appending to an
// event's Args never writes into another's. A kept event keeps its block
// alive, at most argArenaSize interface values. Its owner serialises the
// calls (database/sql never uses a connection from two goroutines at
// once).
type argArena struct{ free []any }

const argArenaSize = 32

// take returns an empty slice with room for n arguments. A nil arena
// allocates.
func (a *argArena) take(n int) []any {
	if a == nil || n > argArenaSize/4 {
		return make([]any, 0, n)
	}
	if len(a.free) < n {
		a.free = make([]any, argArenaSize)
	}
	s := a.free[:0:n]
	a.free = a.free[n:]
	return s
}

// maxArgsKept is the most arguments an event keeps, however small.
const maxArgsKept = 512

func (a *argCopier) add(name string, v any) {
	if a.budget <= 0 {
		a.truncated = true
		return
	}
	if len(a.args) >= maxArgsKept {
		// Even empty arguments hold an interface value each: 30,000 of
		// them must not slip under the byte budget.
		a.truncated = true
		return
	}
	v, size, cut := capArg(v, min(a.cfg.maxArgLen, a.budget), true)
	a.truncated = a.truncated || cut
	a.budget -= size
	if name != "" {
		v = sql.Named(name, v)
	}
	a.args = append(a.args, v)
}

// capArg returns v as it is kept: within limit bytes, as the database saw
// it when convert is set, with the bytes it counts against the budget and
// whether it was cut. The driver values database/sql hands over are
// returned without conversion or a new allocation, a long string or byte
// slice aside.
func capArg(v any, limit int, convert bool) (any, int, bool) {
	switch x := v.(type) {
	case string:
		if len(x) > limit {
			x = strings.Clone(x[:utf8Cut(x, limit)])
			return x, len(x), true
		}
		if len(x) > 0 {
			// A copy: the string may be a slice of a large buffer (a
			// request body) that the event must not keep alive.
			return strings.Clone(x), len(x), false
		}
		return v, 0, false
	case []byte:
		if x == nil {
			return nil, 8, false // every driver sends a nil []byte as NULL
		}
		cut := len(x) > limit
		if cut {
			x = x[:limit]
		}
		return bytes.Clone(x), len(x), cut // the caller may reuse its buffer
	case time.Time:
		return v, 24, false
	case nil, int64, float64, bool:
		return v, 8, false
	}
	if convert {
		return capArg(dbValue(v), limit, false)
	}
	return capOther(v, limit)
}

// capOther keeps a driver-specific argument (a pgx array, a custom type) as
// it is unless it is a large collection, which is replaced by a short
// description.
func capOther(v any, limit int) (any, int, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		size := rv.Len() * int(max(rv.Type().Elem().Size(), 1))
		if size > limit {
			return fmt.Sprintf("%T (len %d)", v, rv.Len()), 32, true
		}
		return v, size, false
	}
	return v, 8, false
}

// maxValueDepth bounds how many pointers and Valuers dbValue follows, for a
// Valuer that returns itself.
const maxValueDepth = 8

// dbValue returns v as database/sql's default conversion
// (driver.DefaultParameterConverter) would hand it to the driver:
// pointers followed (a nil one is NULL, nil), a driver.Valuer's Value
// called (sql.NullString and its kin give NULL or their value), and named
// types reduced to their kind's driver value (type Status string gives a
// string, type ID int32 an int64). A nil slice or map is NULL, as pgx sends
// it. A value with no such conversion is returned as it is, for the driver
// to have encoded in its own way: a pgx array ([]int64), a struct, a
// [16]byte UUID, and a named byte slice that says how it reads (net.IP is
// a fmt.Stringer).
func dbValue(v any) any {
	for range maxValueDepth {
		switch x := v.(type) {
		case nil, int64, float64, bool, string, []byte, time.Time:
			return v
		case driver.Valuer:
			var err error
			if v, err = callValuer(x); err != nil {
				return fmt.Sprintf("%T (Value: %v)", x, err)
			}
			continue
		case int:
			return int64(x)
		case int32:
			return int64(x)
		case float32:
			return float64(x)
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Pointer:
			if rv.IsNil() {
				return nil
			}
			v = rv.Elem().Interface()
			continue
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int()
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			return int64(rv.Uint())
		case reflect.Uint, reflect.Uint64, reflect.Uintptr:
			if u := rv.Uint(); u < 1<<63 {
				return int64(u)
			}
			return v // beyond int64: kept as it is
		case reflect.Float32, reflect.Float64:
			return rv.Float()
		case reflect.Bool:
			return rv.Bool()
		case reflect.String:
			return rv.String()
		case reflect.Slice:
			if rv.IsNil() {
				return nil
			}
			if _, ok := v.(fmt.Stringer); !ok && rv.Type().Elem().Kind() == reflect.Uint8 {
				return rv.Bytes()
			}
		case reflect.Map:
			if rv.IsNil() {
				return nil
			}
		}
		return v
	}
	return v
}

var valuerType = reflect.TypeFor[driver.Valuer]()

// callValuer calls vr.Value the way database/sql does: a nil pointer whose
// element type has the method is NULL without a call. A panic in Value is
// returned as an error: the statement has run, and recording it must not
// break the app.
func callValuer(vr driver.Valuer) (v driver.Value, err error) {
	if rv := reflect.ValueOf(vr); rv.Kind() == reflect.Pointer && rv.IsNil() && rv.Type().Elem().Implements(valuerType) {
		return nil, nil
	}
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return vr.Value()
}

// utf8Cut returns the largest n <= limit at which s can be cut without
// splitting a UTF-8 sequence.
func utf8Cut(s string, limit int) int {
	n := limit
	for n > 0 && n > limit-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

func (c *config) copyArgs(args []driver.NamedValue) ([]any, bool) {
	return c.copyArgsIn(args, nil)
}

// copyArgsIn is copyArgs with room taken from slots (see argArena).
func (c *config) copyArgsIn(args []driver.NamedValue, slots *argArena) ([]any, bool) {
	a := c.newArgCopierIn(len(args), slots)
	for _, nv := range args {
		a.add(nv.Name, nv.Value)
	}
	return a.args, a.truncated
}
