package pgxtrace

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

type copyKey struct{}

// copying is a CopyFrom being recorded.
type copying struct {
	op    *sqltrace.Op
	ended bool
}

// TraceCopyFromStart implements [pgx.CopyFromTracer]. A CopyFrom is one
// exec event whatever the number of rows, with the statement it amounts to
// (COPY "table" ("a", "b") FROM STDIN) and the rows copied.
func (t *Tracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromStartData) context.Context {
	op := t.in.Start(ctx, sqltrace.KindExec, "", nil)
	if op == nil {
		return ctx
	}
	st := stateOf(conn)
	e := op.Event()
	e.SQL = copySQL(data.TableName, data.ColumnNames)
	e.ConnID = st.id
	e.TxID = st.statement(sqltrace.KindExec, conn.PgConn().TxStatus())
	return context.WithValue(ctx, copyKey{}, &copying{op: op})
}

// TraceCopyFromEnd implements [pgx.CopyFromTracer].
func (t *Tracer) TraceCopyFromEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromEndData) {
	if c, _ := ctx.Value(copyKey{}).(*copying); c != nil {
		c.end(data.CommandTag, data.Err)
	}
}

func (c *copying) end(tag pgconn.CommandTag, err error) {
	if c.ended {
		return
	}
	c.ended = true
	if tag.String() != "" {
		c.op.Event().Rows = tag.RowsAffected()
	}
	c.op.End(err)
}

// copySQL is the COPY statement a CopyFrom runs, as a reader would write
// it (pgx sends it in lower case, in its binary format).
func copySQL(table pgx.Identifier, columns []string) string {
	var b strings.Builder
	b.WriteString("COPY ")
	b.WriteString(table.Sanitize())
	b.WriteString(" (")
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pgx.Identifier{c}.Sanitize())
	}
	b.WriteString(") FROM STDIN")
	return b.String()
}
