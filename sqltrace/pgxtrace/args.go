package pgxtrace

import (
	"context"
	"database/sql"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// queryArgs returns the arguments of a Query, QueryRow or Exec as the
// statement receives them: pgx takes leading QueryExecMode,
// QueryResultFormats and QueryResultFormatsByOID values as options, and a
// NamedArgs or StrictNamedArgs as the arguments by name (the SQL says
// @name). It does not allocate.
func queryArgs(args []any) (positional []any, named map[string]any) {
	for len(args) > 0 {
		switch a := args[0].(type) {
		case pgx.QueryExecMode, pgx.QueryResultFormats, pgx.QueryResultFormatsByOID:
		case pgx.NamedArgs:
			named = a
		case pgx.StrictNamedArgs:
			named = a
		default:
			if named != nil {
				return nil, named // pgx's named-argument rewriters ignore the rest
			}
			return args, nil
		}
		args = args[1:]
	}
	return nil, named
}

// copyNamed sets e's arguments to the named ones, sorted by name and
// recorded as sql.NamedArg values, the form the database/sql wrapper gives
// sql.Named arguments (and the one the toolbar's redaction reads).
//
// The instrument copies arguments within its caps only as it starts an
// operation, so the values are copied by starting one that is never ended:
// the cost falls only on a recorded query with named arguments.
func (t *Tracer) copyNamed(ctx context.Context, e *sqltrace.Event, named map[string]any) {
	names := slices.Sorted(maps.Keys(named))
	values := make([]any, len(names))
	for i, n := range names {
		values[i] = named[n]
	}
	c := t.quiet.Start(ctx, e.Kind, "", values)
	if c == nil {
		return
	}
	ce := c.Event()
	for i := range ce.Args { // fewer than names when the caps dropped some
		ce.Args[i] = sql.Named(names[i], ce.Args[i])
	}
	e.Args, e.ArgsTruncated = ce.Args, ce.ArgsTruncated
}
