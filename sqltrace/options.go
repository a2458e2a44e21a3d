package sqltrace

import (
	"database/sql/driver"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
)

// Option configures a wrapped driver or connector.
type Option func(*config)

// Default caps on what an event keeps of its arguments.
const (
	DefaultMaxArgLen    = 4 << 10  // bytes kept of one string or []byte argument
	DefaultMaxArgsBytes = 16 << 10 // bytes kept of all arguments of one event
	DefaultMaxSQLLen    = 64 << 10 // bytes kept of one statement's text
	DefaultStackDepth   = 16       // frames kept from the caller outward
)

type config struct {
	maxArgLen    int
	maxArgsBytes int
	maxSQLLen    int
	stackDepth   int
	callers      bool
	skip         []string
	frames       *frameFilter
	// db is the id of the database (internal/dbregistry) every event
	// carries; 0 until Open, OpenDB, WrapConnector or Wrap assigns one.
	db int32
	// dialect overrides the dialect found from the driver (WithDialect).
	dialect string
	// perName: a driver wrapped by Wrap, whose databases are told apart by
	// the name each connection is opened with.
	perName bool
}

func newConfig(opts []Option) *config {
	c := &config{
		maxArgLen:    DefaultMaxArgLen,
		maxArgsBytes: DefaultMaxArgsBytes,
		maxSQLLen:    DefaultMaxSQLLen,
		stackDepth:   DefaultStackDepth,
		callers:      true,
	}
	for _, o := range opts {
		o(c)
	}
	c.frames = newFrameFilter(c.skip)
	return c
}

// WithArgLimits caps what an event keeps of its arguments: at most
// perArg bytes of each string or []byte, and at most total bytes over all
// arguments (arguments past the total are dropped). Zero or negative values
// keep the defaults ([DefaultMaxArgLen], [DefaultMaxArgsBytes]).
func WithArgLimits(perArg, total int) Option {
	return func(c *config) {
		if perArg > 0 {
			c.maxArgLen = perArg
		}
		if total > 0 {
			c.maxArgsBytes = total
		}
	}
}

// capSQL returns the statement text an event keeps: q itself, or a copy
// of its first bytes when it is longer than the limit.
func (c *config) capSQL(q string) (string, bool) {
	if len(q) <= c.maxSQLLen {
		return q, false
	}
	return strings.Clone(q[:utf8Cut(q, c.maxSQLLen)]), true
}

// WithSQLLimit keeps at most n bytes of each statement's text in its
// event, marking it [Event.SQLTruncated] (default [DefaultMaxSQLLen]): a
// bulk insert of 2 MiB is not kept whole by every event that records it.
// Zero or negative keeps the default.
func WithSQLLimit(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSQLLen = n
		}
	}
}

// WithoutArgs records no arguments at all, for apps whose arguments are too
// sensitive to keep even in a development tool.
func WithoutArgs() Option {
	return func(c *config) { c.maxArgsBytes = -1 }
}

// WithoutCallers stops capturing the call stack of each operation, so
// [Event.Caller] returns the zero Frame. It saves about a microsecond per
// operation.
func WithoutCallers() Option {
	return func(c *config) { c.callers = false }
}

// WithStackDepth sets how many frames are kept above the caller (default
// [DefaultStackDepth]).
func WithStackDepth(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.stackDepth = n
		}
	}
}

// WithSkipPackages names more packages whose frames are not the caller,
// such as the app's own thin database helper, in addition to those skipped
// by default: database/sql, sqltrace, generated code, and the common ORMs,
// query builders and driver wrappers (GORM, ent, bun, sqlx, squirrel,
// otelsql, pgx and more; see "The caller" in the package documentation).
// Each entry is an import path such as "example.com/app/dbutil"; its
// sub-packages are skipped too, its external tests (package dbutil_test)
// are not.
func WithSkipPackages(importPaths ...string) Option {
	return func(c *config) {
		c.skip = append(c.skip, importPaths...)
	}
}

// WithDialect says which SQL dialect the database speaks, for EXPLAIN:
// "postgres", "mysql" (MariaDB too) or "sqlite". Without it the dialect
// is found from the driver (pgx's stdlib, lib/pq, go-sql-driver/mysql,
// modernc.org/sqlite, mattn/go-sqlite3) or the driver name; a database of
// an unknown dialect is not explained.
func WithDialect(dialect string) Option {
	return func(c *config) { c.dialect = strings.ToLower(dialect) }
}

// dialectOf is the database's dialect: the one WithDialect gave, or the
// one its driver tells.
func (c *config) dialectOf(d driver.Driver, driverName string) string {
	if c.dialect != "" {
		return c.dialect
	}
	return dbregistry.DialectOf(d, driverName)
}
