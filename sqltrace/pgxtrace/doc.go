// Package pgxtrace records the queries an app runs through pgx v5's own
// interface (pgx.Conn, pgxpool.Pool, pgx.Tx, and the code sqlc generates
// for them) as [sqltrace.Event] values, the events the database/sql
// wrapper records: with debugtoolbar they show in each request's SQL
// panel, and [sqltrace.Capture] counts them in tests.
//
// It is a module of its own, so an app that does not use pgx does not
// compile it.
//
//	cfg, err := pgxpool.ParseConfig(dsn)
//	if err != nil {
//		log.Fatal(err)
//	}
//	cfg.ConnConfig.Tracer = pgxtrace.New()
//	pool, err := pgxpool.NewWithConfig(ctx, cfg)
//	...
//	rows, err := pool.Query(r.Context(), "SELECT id, title FROM posts WHERE author_id = $1", 7) // recorded
//
// A query run with a context that carries a recorder (an observed
// request's, or one from [sqltrace.Capture]) is recorded there; one run
// without it is recorded into the request its goroutine belongs to when
// the toolbar follows that request (see [sqltrace.Follow]), with
// NoContext set. Anything else costs two context lookups, and nothing is
// allocated.
//
// An app that reaches pgx through database/sql (pgx's stdlib package)
// uses sqltrace.Open("pgx", dsn) instead; with both, every query would be
// recorded twice.
//
// # Composing with other tracers
//
// pgx has one tracer slot. To keep another tracer (OpenTelemetry's
// otelpgx, pgx's tracelog), combine them with pgx's multitracer package,
// which hands each tracer the calls of the interfaces it implements:
//
//	cfg.ConnConfig.Tracer = multitracer.New(otelpgx.NewTracer(), pgxtrace.New())
//
// pgxpool finds the pool-acquire tracer through the combination too.
//
// # What is recorded
//
//   - Query, QueryRow and Exec: one event when the statement ends (for a
//     query, when its rows are closed, as pgx.CollectRows and Row.Scan do),
//     with the SQL as written, the arguments (copied within the caps of
//     [sqltrace.WithArgLimits]; pgx's QueryExecMode and result-format
//     options left out; pgx.NamedArgs and pgx.StrictNamedArgs as
//     sql.NamedArg values sorted by name), the duration, the error, and
//     the rows: a statement whose command tag says SELECT is a
//     [sqltrace.KindQuery] with the rows the server sent, any other a
//     [sqltrace.KindExec] with the rows it affected (an INSERT ...
//     RETURNING read with Query too).
//   - Transactions: the begin, commit and rollback statements pgx runs for
//     Begin, BeginTx, BeginFunc, Commit and Rollback are
//     [sqltrace.KindBegin], [sqltrace.KindCommit] and
//     [sqltrace.KindRollback] events with empty SQL, and every event on
//     the connection from the begin to the commit or rollback has the same
//     TxID. Savepoints (pgx's nested transactions) are execs inside it. A
//     commit of a failed transaction has the error Commit returns,
//     pgx.ErrTxCommitRollback. The server's own transaction status keeps
//     this right when part of a transaction ran unrecorded.
//   - SendBatch: one event per queued query, recorded as its result is
//     read, each with the caller of SendBatch. The first starts when
//     SendBatch was called, the others when pgx began reading their
//     results. Queries the batch never ran (after one that failed) are
//     not recorded. A batch that failed before any result was read (pgx
//     prepares every statement first: one that does not parse fails them
//     all) is one event with the batch's statements and the error.
//   - CopyFrom: one [sqltrace.KindExec] event, whatever the number of rows,
//     with the statement it amounts to (COPY "table" ("a", "b") FROM STDIN)
//     and the rows copied.
//   - Prepare: a [sqltrace.KindPrepare] event for an explicit call that
//     reached the server. The statements pgx prepares itself the first time
//     a query runs on a connection are part of that query's event. A query
//     run by a prepared statement's name is recorded with the statement's
//     SQL, even when it was prepared unrecorded (in AfterConnect).
//   - pgxpool: taking a connection from the pool that took a millisecond or
//     more (the pool was busy, or a connection was dialled), or failed, is
//     a [sqltrace.KindAcquire] event. A quick one, the usual case, is not
//     recorded.
//
// Every event carries its connection's ConnID, one per connection for its
// whole life (kept in the connection's CustomData, so it goes with the
// connection), and its caller, captured when the operation starts: the
// first frame outside pgx, sqltrace and the packages sqltrace skips (add
// your own database helpers with [sqltrace.WithSkipPackages]). A query run
// through a sqlc-generated method has the method and the line that called
// it on its stack ([sqltrace.Event.Stack]).
//
// Not recorded: what pgx does not trace (Ping, Deallocate, listening for
// notifications, and anything run on the pgconn.PgConn directly).
//
// # EXPLAIN
//
// Each database the tracer's connections reach (by server, database and
// user) is registered for the toolbar's EXPLAIN, with a connector built
// from the connection's config through pgx's database/sql driver: the
// toolbar explains a query pgx ran over a small pool of its own, never the
// app's pool.
package pgxtrace
