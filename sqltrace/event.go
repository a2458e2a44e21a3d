package sqltrace

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"
)

// Kind says which database operation an [Event] records.
type Kind uint8

// The kinds of operation an [Event] records.
const (
	KindQuery    Kind = iota + 1 // a statement that returns rows
	KindExec                     // a statement that returns a result (rows affected)
	KindPrepare                  // an explicit prepare (db.Prepare, tx.Prepare)
	KindBegin                    // the start of a transaction
	KindCommit                   // a committed transaction
	KindRollback                 // a rolled back transaction
	// KindAcquire is a wait for a connection from a pool that is not
	// database/sql's (pgxpool); its SQL is empty. The driver wrapper never
	// records it: database/sql does not say when it waits.
	KindAcquire
)

var kindNames = [...]string{
	KindQuery:    "query",
	KindExec:     "exec",
	KindPrepare:  "prepare",
	KindBegin:    "begin",
	KindCommit:   "commit",
	KindRollback: "rollback",
	KindAcquire:  "acquire",
}

// String returns the kind's lower-case name ("query", "exec", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// Event is one database operation, handed to the [Recorder] found in the
// operation's context when the operation has finished.
type Event struct {
	Kind Kind
	// DB identifies the database the operation ran on, among those
	// sqltrace opened or wrapped in this process (numbered from 1); 0 when
	// unknown. The toolbar uses it to EXPLAIN a recorded query.
	DB int32
	// SQL is the statement as the application wrote it (empty for begin,
	// commit and rollback), at most the configured limit (see
	// [WithSQLLimit]).
	SQL string
	// SQLTruncated reports that SQL holds only the statement's first bytes:
	// a copy, cut at a UTF-8 boundary, so the whole statement is not kept
	// alive.
	SQLTruncated bool
	// Args are the statement's arguments after database/sql converted them,
	// copied and capped (see [WithArgLimits]). An argument passed with
	// sql.Named is kept as a sql.NamedArg.
	Args []any
	// ArgsTruncated reports that at least one argument was shortened or
	// dropped to stay within the caps.
	ArgsTruncated bool
	// Start is when the operation began.
	Start time.Time
	// Duration is the time spent inside the driver. For a query it covers
	// the call that started it plus every fetch of a row and the close, but
	// not the application's own work between rows.
	Duration time.Duration
	// Rows is the number of rows a query returned to the caller (counted as
	// they are read and final when the rows are closed), or the rows an exec
	// affected; -1 where the driver cannot say.
	Rows int64
	// Err is the error the driver returned, if any (a query's error includes
	// one met while reading rows).
	Err error
	// TxID is 0 outside a transaction; every event of one transaction,
	// its begin and its commit or rollback included, has the same non-zero
	// TxID.
	TxID uint64
	// ConnID identifies the driver connection the operation ran on.
	ConnID uint64
	// NoContext reports that the operation's context carried no recorder:
	// it was recorded where the goroutine that ran it belongs (see
	// [Follow]). Passing the request's context (QueryContext(r.Context(),
	// ...)) ties an operation to its request whatever goroutine runs it.
	NoContext bool
	// Unclosed reports a query whose rows were still open when its
	// recorder stopped collecting (see [RowsTracker]): the app never closed
	// them, and a connection is held until they are. Rows and Duration are
	// as of when the rows were opened; Caller is the line that opened them.
	Unclosed bool

	// pcs holds the program counters of the call stack from the caller
	// upward; nil when callers are not captured.
	pcs []uintptr
	// frames decides which frames belong to the database layers; nil means
	// the defaults.
	frames *frameFilter
}

// Caller returns the line of application code that ran the operation: the
// first frame outside generated files and the packages skipped by default
// (database/sql, sqltrace, and the common ORMs, query builders and driver
// wrappers: GORM, ent, bun, sqlx, squirrel, otelsql, pgx and more; see "The
// caller" in the package documentation), and outside any package added with
// [WithSkipPackages]. It is the zero Frame when callers are not captured
// (see [WithoutCallers]).
//
// Frames are symbolised here, not when the event is recorded, so recording
// stays cheap.
func (e *Event) Caller() runtime.Frame { return e.Callers().Caller() }

// Stack returns the call stack from [Event.Caller] outward, at most the
// depth kept when the event was recorded.
func (e *Event) Stack() []runtime.Frame { return e.Callers().Frames() }

// Callers returns the event's call stack as it was captured, not yet
// symbolised: for a tool that keeps many events and shows few of them.
func (e *Event) Callers() Callers {
	if len(e.pcs) == 0 {
		return Callers{}
	}
	return Callers{pc: &e.pcs[0], n: len(e.pcs), frames: e.frames}
}

// Callers is a call stack as sqltrace captured it: program counters, and
// which packages' frames are not the caller. Events recorded from one call
// path through one wrapper have equal Callers, since stacks are interned
// (on amd64 and arm64), so a Callers can key a map of the distinct stacks
// of many events. The zero Callers has no frames.
type Callers struct {
	pc     *uintptr // the first of n program counters, shared: never written
	n      int
	frames *frameFilter
}

// Caller returns the stack's first frame outside the skipped packages and
// generated files (see [Event.Caller]), or the zero Frame.
func (c Callers) Caller() runtime.Frame {
	frames := runtime.CallersFrames(c.pcs())
	for {
		f, more := frames.Next()
		if f.PC != 0 && !c.frames.isInternal(f.Function) {
			return f
		}
		if !more {
			return runtime.Frame{}
		}
	}
}

// Frames returns the stack from [Callers.Caller] outward.
func (c Callers) Frames() []runtime.Frame {
	var out []runtime.Frame
	frames := runtime.CallersFrames(c.pcs())
	for {
		f, more := frames.Next()
		if f.PC != 0 && (len(out) > 0 || !c.frames.isInternal(f.Function)) {
			out = append(out, f)
		}
		if !more {
			return out
		}
	}
}

func (c Callers) pcs() []uintptr {
	if c.n == 0 {
		return nil
	}
	return unsafe.Slice(c.pc, c.n)
}

// MarshalText returns the kind's name, so that JSON shows "query".
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText sets the kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if name != "" && name == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("sqltrace: unknown kind %q", b)
}
