package explain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
)

// ErrNotRead is what Check's errors wrap: the statement is not one that
// EXPLAIN may re-run.
var ErrNotRead = errors.New("not a read statement")

// Check reports whether sql is a read statement EXPLAIN may re-run: a
// SELECT, a WITH whose every part reads, VALUES or TABLE, one statement
// (a last ";" is allowed), with no locking clause (FOR UPDATE, FOR SHARE,
// LOCK IN SHARE MODE), no INTO, and no call of a function that acts
// outside the transaction (advisory locks, dblink, sleeps). It reads
// tokens, not grammar, and fails closed: anything it is not sure of is
// refused, with an error that says why.
func Check(sql string, truncated bool) error {
	if truncated {
		return fmt.Errorf("%w: only the statement's first bytes were kept", ErrNotRead)
	}
	lx := sqllex.New(sql)
	var toks []sqllex.Token
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		if t.Kind != sqllex.Comment {
			toks = append(toks, t)
		}
	}
	text := func(t sqllex.Token) string { return sql[t.Start:t.End] }
	// A last ";" ends the one statement; anything after one is another.
	for i, t := range toks {
		if t.Kind == sqllex.Semicolon {
			if i != len(toks)-1 {
				return fmt.Errorf("%w: more than one statement", ErrNotRead)
			}
			toks = toks[:i]
		}
	}
	first := 0
	for first < len(toks) && toks[first].Kind == sqllex.Open {
		first++
	}
	if first == len(toks) {
		return fmt.Errorf("%w: empty statement", ErrNotRead)
	}
	switch toks[first].Keyword {
	case sqllex.Select, sqllex.With, sqllex.Values, sqllex.Table:
	default:
		return fmt.Errorf("%w: it starts with %s, not SELECT, WITH, VALUES or TABLE", ErrNotRead, strings.ToUpper(text(toks[first])))
	}
	for i, t := range toks {
		switch t.Keyword {
		case sqllex.Insert, sqllex.Update, sqllex.Delete, sqllex.Merge, sqllex.Truncate,
			sqllex.Drop, sqllex.Alter, sqllex.Create, sqllex.Pragma, sqllex.Explain, sqllex.Analyze:
			return fmt.Errorf("%w: it contains %s", ErrNotRead, strings.ToUpper(text(t)))
		case sqllex.Into:
			return fmt.Errorf("%w: SELECT ... INTO writes", ErrNotRead)
		case sqllex.Share, sqllex.Locked, sqllex.Nowait:
			return fmt.Errorf("%w: it takes locks (%s)", ErrNotRead, strings.ToUpper(text(t)))
		case sqllex.For:
			if i+1 < len(toks) {
				next := toks[i+1]
				if next.Keyword == sqllex.Update || next.Keyword == sqllex.Share || next.Keyword == sqllex.Key ||
					next.Kind == sqllex.Word && strings.EqualFold(text(next), "no") {
					return fmt.Errorf("%w: SELECT ... FOR %s locks rows", ErrNotRead, strings.ToUpper(text(next)))
				}
			}
		}
		if t.Kind == sqllex.Word && t.Keyword == 0 || t.Kind == sqllex.QuotedName {
			w := strings.ToLower(unquote(text(t)))
			if denied[w] || hasDeniedPrefix(w) {
				return fmt.Errorf("%w: it calls %s, which acts outside a transaction", ErrNotRead, w)
			}
		}
	}
	return nil
}

// denied are words that make a statement doubtful: functions with effects
// a rollback does not undo, and MySQL's ways to write from a SELECT.
var denied = map[string]bool{
	"lock": true, "procedure": true, "outfile": true, "dumpfile": true, "load_file": true,
	"get_lock": true, "release_lock": true, "sleep": true, "benchmark": true, "pg_sleep": true,
	"pg_notify": true, "set_config": true, "nextval": true, "setval": true, "pg_reload_conf": true,
	"pg_terminate_backend": true, "pg_cancel_backend": true, "pg_switch_wal": true, "pg_read_file": true,
	"pg_read_binary_file": true, "pg_ls_dir": true, "pg_stat_file": true, "txid_current": true,
}

var deniedPrefixes = []string{"pg_advisory", "pg_try_advisory", "dblink", "lo_", "pg_logical_", "pg_replication_", "pg_create_", "pg_drop_", "pg_file_", "pg_sleep"}

func hasDeniedPrefix(w string) bool {
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}
