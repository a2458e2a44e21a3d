package toolbar

import (
	"database/sql"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// What a kept operation holds in memory, roughly, for Config.MaxRecordBytes:
// the struct itself, and the bytes its strings and arguments point to.
const (
	queryStructBytes = 112 // panels.Query
	cacheEventBytes  = 96  // panels.CacheEvent
	spanBytes        = 64  // panels.Span
	argBytes         = 2   // an argument's tag and length in panels.Query's encoding

	// maxKeyBytes is what is kept of a cache key or a span name.
	maxKeyBytes = 1 << 10
)

// queryBytes estimates what an event holds once kept as a panels.Query.
func queryBytes(e *sqltrace.Event) int {
	n := queryStructBytes + len(e.SQL)
	for _, a := range e.Args {
		n += argBytes + valueBytes(a)
	}
	if e.Err != nil {
		n += len(e.Err.Error())
	}
	return n
}

func valueBytes(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	case time.Time:
		return 16
	case sql.NamedArg:
		return len(x.Name) + argBytes + valueBytes(x.Value)
	case nil:
		return 0
	}
	return 8
}

// capText returns s cut to at most limit bytes on a rune boundary (a copy,
// so the original is not kept alive), marked when cut.
func capText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	return clip(s, limit) + "…"
}
