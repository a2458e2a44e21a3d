// Package sqltrace wraps any database/sql driver so that every query, exec,
// prepare, begin, commit and rollback is recorded into the [Recorder] that
// the operation's context carries. Without a recorder in the context the
// wrapper gets out of the way: no event is built, no caller is captured and
// nothing is allocated beyond what the driver allocates.
//
// It is the part of debugtoolbar that sees the SQL, and is useful on its
// own: [Capture] lets an app's tests assert how many queries a code path
// runs, the way Django's assertNumQueries does.
//
//	db, err := sqltrace.Open("sqlite", "app.db") // any registered driver
//	...
//	ctx, got := sqltrace.Capture(context.Background())
//	rows, err := db.QueryContext(ctx, "SELECT id, title FROM posts WHERE author_id = ?", 7)
//	...
//	for _, e := range got.Events() {
//		fmt.Println(e.Kind, e.SQL, e.Duration, e.Caller().Line)
//	}
//
// # Opening a database
//
// [Open] takes the name a driver registered itself under, like sql.Open,
// and uses that registered driver instance (registered instances can carry
// configuration, such as pgx's registered configs or SQLite's registered
// functions). [OpenDB] takes a connector, like sql.OpenDB, for pgx's
// stdlib.GetConnector or mysql.NewConnector. [Wrap] and [WrapConnector]
// wrap a driver or connector for code that builds its own *sql.DB.
//
// Each database opened or wrapped is numbered, and every event carries its
// number ([Event.DB]; a driver wrapped with Wrap numbers each name it is
// opened with), with the database's dialect, found from its driver (pgx's
// stdlib, lib/pq, go-sql-driver/mysql, modernc.org/sqlite,
// mattn/go-sqlite3) or given with [WithDialect]: the toolbar re-runs a
// recorded read under EXPLAIN on the database it ran on.
//
// # sqlx
//
// sqlx picks its bind style (?, $1, @p1, :name) from the driver name given
// to sqlx.NewDb. sqltrace registers no driver names of its own, so pass the
// original name:
//
//	db, err := sqltrace.Open("pgx", dsn)
//	dbx := sqlx.NewDb(db, "pgx") // $1 placeholders, as without sqltrace
//
// # What is recorded
//
// Each [Event] has the statement (its first 64 KiB; see [WithSQLLimit]),
// its arguments (copied, with long strings and byte slices cut; see
// [WithArgLimits]), when it started, the time spent
// in the driver, the rows read or affected, the error, the transaction and
// connection it ran on, and the program counters of its caller, resolved to
// a file and line only when [Event.Caller] is called.
//
// A query is recorded when its rows are closed, so its row count is the
// number of rows the caller read. Operations run inside a transaction
// without a context (tx.Exec) are recorded into the context the
// transaction began with. A prepared statement records into the context of
// each execution. When a driver answers driver.ErrSkip (MySQL does for
// every query with arguments unless interpolateParams is set), the prepare
// database/sql then makes is not recorded on its own: the call is one
// query event, timed from the start of the original call.
//
// # The caller
//
// [Event.Caller] is the line of the app's code that ran the operation: the
// first frame of its call stack that is neither in a skipped package nor in
// a generated file. Skipped by default are database/sql, sqltrace, and the
// libraries that commonly stand between an app and its driver:
//
//   - query helpers and builders: sqlx, squirrel, goqu, scany, go-jet, dbr,
//     stephenafamo/scan;
//   - ORMs, with their drivers, dialects, plugins and migration engines:
//     GORM (all of gorm.io, and the glebarez and libtnb SQLite dialectors),
//     ent (entgo.io, and ariga.io/atlas), bun, sqlboiler, bob, xorm, gorp,
//     upper/db, go-pg;
//   - pgx, for a tracer that sees its frames;
//   - driver wrappers and tracing, stacked on either side of sqltrace:
//     XSAM/otelsql, OpenTelemetry (go.opentelemetry.io), uptrace's otelsql,
//     sqlmw, sqlhooks, instrumentedsql, sqldb-logger, dd-trace-go;
//   - templ's runtime, so a component that runs a query has the line that
//     rendered it as its caller.
//
// Code generated into the app's own module (sqlc's queries, ent's client,
// sqlboiler's models) is known by Go's convention for generated files: a
// line "// Code generated ... DO NOT EDIT." before the package clause. Its
// frames are skipped like a library's, so the caller is the hand-written
// line that called the generated code. Each file's head is read once, where
// the binary was built: a binary built with -trimpath, or run away from its
// sources, sees no generated files. A package's external tests (package
// x_test) are app code. [WithSkipPackages] adds the app's own database
// helpers.
//
// The decisions are cached per program counter: the first operation from a
// line pays for the lookups, later ones only for walking the stack, which
// on amd64 and arm64 follows frame pointers (a few nanoseconds a frame) and
// shares one slice of program counters between the events of one call
// path, falling back to runtime.Callers wherever that walk cannot be
// trusted.
//
// # Driver interfaces
//
// database/sql chooses its code paths by type assertion, so the wrappers
// claim exactly the optional interfaces whose presence changes its
// behaviour (Pinger, SessionResetter, Validator, ColumnConverter, and the
// optional interfaces of driver.Rows) when and only when the driver's value
// has them. ConnBeginTx, ConnPrepareContext, ExecerContext, QueryerContext,
// StmtExecContext, StmtQueryContext and NamedValueChecker are always
// claimed, so that the context reaches the recorder; for a driver without
// them they do exactly what database/sql does without them (answering
// driver.ErrSkip where the interface documents it). A statement's
// NamedValueChecker falls back to the connection's, as pgx and lib/pq need.
// [Unwrap] returns the driver's own connection, for (*sql.Conn).Raw.
//
// # Cost
//
// Without a recorder an operation costs one context lookup (and, while the
// toolbar follows a request, one atomic load). Recording costs well under a
// microsecond and a few small allocations; capturing the caller costs about
// a quarter of a microsecond more on amd64 and arm64 (a few microseconds
// elsewhere) and can be turned off with [WithoutCallers]. See the
// benchmarks in the repository's README.
package sqltrace
