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
type argCopier struct {
	cfg       *config
	budget    int
	args      []any
	truncated bool
}

func (c *config) newArgCopier(n int) argCopier {
	a := argCopier{cfg: c, budget: c.maxArgsBytes}
	if c.maxArgsBytes < 0 {
		a.truncated = n > 0
		return a
	}
	if n > 0 {
		a.args = make([]any, 0, n)
	}
	return a
}

func (a *argCopier) add(name string, v any) {
	if a.budget <= 0 {
		a.truncated = true
		return
	}
	limit := min(a.cfg.maxArgLen, a.budget)
	size := 8
	switch x := v.(type) {
	case string:
		if len(x) > limit {
			x = strings.Clone(x[:utf8Cut(x, limit)])
			a.truncated = true
		}
		v, size = x, len(x)
	case []byte:
		if len(x) > limit {
			x = x[:limit]
			a.truncated = true
		}
		v, size = bytes.Clone(x), len(x) // the caller may reuse its buffer
	case nil, int64, float64, bool, time.Time:
	default:
		var cut bool
		v, size, cut = capOther(v, limit)
		a.truncated = a.truncated || cut
	}
	a.budget -= size
	if name != "" {
		v = sql.Named(name, v)
	}
	a.args = append(a.args, v)
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
	a := c.newArgCopier(len(args))
	for _, nv := range args {
		a.add(nv.Name, nv.Value)
	}
	return a.args, a.truncated
}
