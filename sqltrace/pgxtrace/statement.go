package pgxtrace

import (
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// kindOf says what a statement is from its first keywords: a begin,
// commit or rollback, else a query or an exec. The command tag settles
// queries and execs when the statement ends (see end); the guess stands
// only for a statement that failed.
func kindOf(sql string) sqltrace.Kind {
	w1, rest := keyword(sql)
	w2, rest := keyword(rest)
	if eq(w1, "begin") || eq(w1, "start") && eq(w2, "transaction") {
		return sqltrace.KindBegin
	}
	if eq(w2, "work") || eq(w2, "transaction") { // COMMIT WORK, ROLLBACK TRANSACTION TO ...
		w2, _ = keyword(rest)
	}
	switch {
	case eq(w1, "commit") && !eq(w2, "prepared"), eq(w1, "end"):
		return sqltrace.KindCommit
	case (eq(w1, "rollback") || eq(w1, "abort")) && !eq(w2, "to") && !eq(w2, "prepared"):
		return sqltrace.KindRollback
	case eq(w1, "select"), eq(w1, "with"), eq(w1, "values"), eq(w1, "table"),
		eq(w1, "show"), eq(w1, "explain"), eq(w1, "fetch"):
		return sqltrace.KindQuery
	}
	return sqltrace.KindExec
}

func isControl(k sqltrace.Kind) bool {
	return k == sqltrace.KindBegin || k == sqltrace.KindCommit || k == sqltrace.KindRollback
}

// keyword returns the first word of sql, past white space, comments
// (sqlc starts every query with "-- name: ...") and opening parentheses,
// and what follows it.
func keyword(sql string) (word, rest string) {
	for {
		sql = strings.TrimLeft(sql, " \t\r\n\f(;")
		switch {
		case strings.HasPrefix(sql, "--"):
			if i := strings.IndexByte(sql, '\n'); i >= 0 {
				sql = sql[i+1:]
				continue
			}
			return "", ""
		case strings.HasPrefix(sql, "/*"):
			if i := strings.Index(sql, "*/"); i >= 0 {
				sql = sql[i+2:]
				continue
			}
			return "", ""
		}
		i := 0
		for i < len(sql) && (sql[i]|0x20 >= 'a' && sql[i]|0x20 <= 'z' || sql[i] == '_') {
			i++
		}
		return sql[:i], sql[i:]
	}
}

func eq(word, keyword string) bool { return strings.EqualFold(word, keyword) }

// end finishes a statement's event with what the server answered and
// records it. The command tag decides between query and exec: rows
// returned ("SELECT 3", "FETCH 3") make a query, anything else an exec with
// the rows it affected.
func end(op *sqltrace.Op, st *connState, tag pgconn.CommandTag, err error) {
	e := op.Event()
	switch {
	case e.Kind == sqltrace.KindBegin:
	case e.Kind == sqltrace.KindCommit || e.Kind == sqltrace.KindRollback:
		st.tx.Store(0)
		if e.Kind == sqltrace.KindCommit && err == nil && tag.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback // what Commit returns: the transaction had failed
		}
	case tag.String() == "":
		// A failed statement keeps the kind its keywords suggest.
	case tag.Select() || strings.HasPrefix(tag.String(), "FETCH"):
		e.Kind, e.Rows = sqltrace.KindQuery, tag.RowsAffected()
	case tag.String() == "SHOW" || tag.String() == "EXPLAIN":
		e.Kind = sqltrace.KindQuery // rows, but the tag does not count them
	default:
		e.Kind, e.Rows = sqltrace.KindExec, tag.RowsAffected()
	}
	op.End(err)
}
