package pgxtrace

import (
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want sqltrace.Kind
	}{
		{"begin", sqltrace.KindBegin},
		{"begin isolation level serializable read only deferrable", sqltrace.KindBegin},
		{"  START TRANSACTION", sqltrace.KindBegin},
		{"commit", sqltrace.KindCommit},
		{"COMMIT WORK;", sqltrace.KindCommit},
		{"end", sqltrace.KindCommit},
		{"rollback", sqltrace.KindRollback},
		{"ABORT", sqltrace.KindRollback},
		{"rollback to savepoint sp_1", sqltrace.KindExec},
		{"ROLLBACK TRANSACTION TO sp", sqltrace.KindExec},
		{"savepoint sp_1", sqltrace.KindExec},
		{"release savepoint sp_1", sqltrace.KindExec},
		{"COMMIT PREPARED 'x'", sqltrace.KindExec},
		{"ROLLBACK PREPARED 'x'", sqltrace.KindExec},
		{"select 1", sqltrace.KindQuery},
		{"-- name: GetAuthor :one\nSELECT id FROM authors", sqltrace.KindQuery},
		{"/* a */ /* b */ (SELECT 1) UNION (SELECT 2)", sqltrace.KindQuery},
		{"WITH x AS (SELECT 1) SELECT * FROM x", sqltrace.KindQuery},
		{"VALUES (1)", sqltrace.KindQuery},
		{"-- name: CreateAuthor :one\nINSERT INTO authors (name) VALUES ($1) RETURNING id", sqltrace.KindExec},
		{"UPDATE t SET a = 1", sqltrace.KindExec},
		{"beginning", sqltrace.KindExec},
		{"-- only a comment", sqltrace.KindExec},
		{"", sqltrace.KindExec},
	} {
		if got := kindOf(c.sql); got != c.want {
			t.Errorf("kindOf(%q) = %s, want %s", c.sql, got, c.want)
		}
	}
}

func TestQueryArgs(t *testing.T) {
	named := pgx.NamedArgs{"id": 1}
	for _, c := range []struct {
		name      string
		args      []any
		wantArgs  []any
		wantNamed bool
	}{
		{"plain arguments are kept", []any{1, "a"}, []any{1, "a"}, false},
		{"pgx's options are not arguments", []any{pgx.QueryExecModeSimpleProtocol, pgx.QueryResultFormats{1}, 1}, []any{1}, false},
		{"named arguments replace the rest", []any{pgx.QueryExecModeExec, named, 7}, nil, true},
		{"no arguments", nil, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			args, n := queryArgs(c.args)
			if !reflect.DeepEqual(args, c.wantArgs) || (n != nil) != c.wantNamed {
				t.Errorf("queryArgs(%v) = %v, %v; want %v, named %v", c.args, args, n, c.wantArgs, c.wantNamed)
			}
		})
	}
}

func TestCopySQL(t *testing.T) {
	got := copySQL(pgx.Identifier{"app", `we"ird`}, []string{"id", "Name"})
	if want := `COPY "app"."we""ird" ("id", "Name") FROM STDIN`; got != want {
		t.Errorf("copySQL = %s, want %s", got, want)
	}
}
