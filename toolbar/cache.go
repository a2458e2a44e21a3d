package toolbar

import (
	"context"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// CacheEvent is one cache operation, as RecordCache takes it.
type CacheEvent struct {
	Op      string // get, set, delete, ... (lower case)
	Key     string // kept up to 1 KiB
	Backend string // "redis", "memory", ...; may be empty
	Read    bool   // a lookup, for which Hit says whether the key was found
	Hit     bool
	// Start is when the operation began; zero means Duration ago.
	Start    time.Time
	Duration time.Duration
	Err      error // its text is kept, passwords redacted
}

// cacheCallers skips the toolbar, the clients it has hooks for and
// net/http's client, so a cache event's, span's or outgoing call's caller
// is the app's line.
var cacheCallers = sqltrace.NewInstrument(sqltrace.WithStackDepth(16), sqltrace.WithSkipPackages(
	"github.com/debugtoolbar/debugtoolbar/toolbar",
	"github.com/redis/go-redis",
	"net/http",
))

// RecordCache records a cache operation into the toolbar's record of the
// request whose context ctx is (or derives from). Without the toolbar's
// middleware in ctx it does nothing, at the cost of one context lookup. The
// caller is captured here; Start defaults to now minus Duration.
//
//	start := time.Now()
//	v, ok := cache.Get(key)
//	toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "get", Key: key, Hit: ok, Duration: time.Since(start)})
func RecordCache(ctx context.Context, e CacheEvent) {
	c := collectorFrom(ctx)
	if c == nil {
		return
	}
	if e.Start.IsZero() {
		e.Start = time.Now().Add(-e.Duration)
	}
	c.recordCache(e, cacheCallers.Callers())
}

// Observed reports whether ctx belongs to a request the toolbar records,
// for instrumentation that wants to skip its own work otherwise.
func Observed(ctx context.Context) bool { return collectorFrom(ctx) != nil }
