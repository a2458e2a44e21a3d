package toolbar

import (
	"database/sql"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// What a kept operation holds in memory, roughly, for Config.MaxRecordBytes:
// the struct itself, and the bytes its strings and arguments point to.
const (
	eventStructBytes = 208 // sqltrace.Event
	cacheEventBytes  = 160 // panels.CacheEvent
	spanBytes        = 112 // panels.Span
	argBytes         = 16  // an interface value in Event.Args
	callersBytes     = 8 * sqltrace.DefaultStackDepth

	// maxKeyBytes is what is kept of a cache key or a span name.
	maxKeyBytes = 1 << 10
)

// eventBytes estimates what an event holds.
func eventBytes(e *sqltrace.Event) int {
	n := eventStructBytes + callersBytes + len(e.SQL)
	for _, a := range e.Args {
		n += argBytes + valueBytes(a)
	}
	if e.Err != nil {
		n += 64 + len(e.Err.Error())
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
		return 24
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
