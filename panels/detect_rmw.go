package panels

import (
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// detectReadModifyWrite finds a row read, changed in Go and written back:
// an UPDATE of a table, after a SELECT from that table in the same request
// that was given one of the UPDATE's arguments (the row's id), where the
// UPDATE does not compute from the row's own values (SET views = views +
// 1 is the fix) and the SELECT did not lock the row (FOR UPDATE). Two
// requests at once both read the old value, and one write is lost.
func detectReadModifyWrite(r *Record, _ *Thresholds) []Alert {
	var alerts []Alert
	for i := range r.Queries {
		u := &r.Queries[i]
		if u.Kind != sqltrace.KindExec || u.NumArgs() == 0 {
			continue
		}
		table, selfRef, ok := updateOf(u.SQL)
		if !ok || selfRef {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			s := &r.Queries[j]
			if s.Kind != sqltrace.KindQuery || !sharesArg(s, u) {
				continue
			}
			if t, locks := selectFrom(s.SQL); t != table || locks {
				continue
			}
			sites := r.sites(r.Queries, []int32{int32(j), int32(i)})
			alerts = append(alerts, Alert{Kind: AlertReadModifyWrite, Severity: Warning, Queries: []int32{int32(j), int32(i)}, Sites: sites,
				Message: "A row of " + table + " was read, changed in Go and written back, at " + describeSites(sites),
				Fix:     "Change it in one statement the database runs atomically: UPDATE " + table + " SET views = views + 1 WHERE id = $1 (RETURNING what the page shows); or lock the row while the Go code changes it (SELECT ... FOR UPDATE in a transaction). As it is, two requests at once both read the old value and one write is lost."})
			break
		}
	}
	return alerts
}

// sharesArg reports whether the query was given one of the exec's
// arguments (an id, a key): a NULL or a bool is no evidence.
func sharesArg(q, exec *Query) bool {
	qa := q.Args()
	for _, a := range exec.Args() {
		switch a.Value.(type) {
		case int64, string:
			for _, b := range qa {
				if b.Value == a.Value {
					return true
				}
			}
		}
	}
	return false
}

// words are a statement's tokens but comments.
func words(sql string) []sqllex.Token {
	l := sqllex.New(sql)
	var out []sqllex.Token
	for {
		t, ok := l.Next()
		if !ok {
			return out
		}
		if t.Kind != sqllex.Comment {
			out = append(out, t)
		}
	}
}

// nameAt returns the (last part of the) table name starting at toks[i],
// lower case: "public.posts" and "posts" are both "posts".
func nameAt(sql string, toks []sqllex.Token, i int) string {
	name := ""
	for ; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case sqllex.Word, sqllex.QuotedName:
			name = strings.Trim(sql[t.Start:t.End], "\"`[]")
		case sqllex.Dot:
			continue
		default:
			return strings.ToLower(name)
		}
		if i+1 >= len(toks) || toks[i+1].Kind != sqllex.Dot {
			return strings.ToLower(name)
		}
	}
	return strings.ToLower(name)
}

// updateOf returns the table an UPDATE writes, and whether a SET
// assignment reads the column it writes (views = views + 1).
func updateOf(sql string) (table string, selfRef, ok bool) {
	toks := words(sql)
	if len(toks) < 4 || toks[0].Keyword != sqllex.Update {
		return "", false, false
	}
	table = nameAt(sql, toks, 1)
	set := -1
	for i, t := range toks {
		if t.Keyword == sqllex.Set {
			set = i
			break
		}
	}
	if set < 0 {
		return "", false, false
	}
	// Each assignment: a column, "=", then an expression up to a comma at
	// depth 0 or WHERE/FROM/RETURNING.
	depth := 0
	col := ""
	inExpr := false
	for i := set + 1; i < len(toks); i++ {
		t := toks[i]
		text := strings.ToLower(strings.Trim(sql[t.Start:t.End], "\"`[]"))
		switch {
		case t.Kind == sqllex.Open:
			depth++
		case t.Kind == sqllex.Close:
			depth--
		case depth == 0 && (t.Keyword == sqllex.Where || t.Keyword == sqllex.From || t.Keyword == sqllex.Returning):
			return table, selfRef, true
		case depth == 0 && t.Kind == sqllex.Comma:
			inExpr, col = false, ""
		case !inExpr && t.Kind == sqllex.Operator && text == "=":
			inExpr = true
		case !inExpr && (t.Kind == sqllex.Word || t.Kind == sqllex.QuotedName):
			col = text
		case inExpr && (t.Kind == sqllex.Word || t.Kind == sqllex.QuotedName) && text == col:
			selfRef = true
		}
	}
	return table, selfRef, true
}

// selectFrom returns the first table a SELECT reads, and whether it locks
// its rows (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE).
func selectFrom(sql string) (table string, locks bool) {
	toks := words(sql)
	if len(toks) == 0 || toks[0].Keyword != sqllex.Select {
		return "", false
	}
	for i, t := range toks {
		switch {
		case t.Keyword == sqllex.From && table == "":
			table = nameAt(sql, toks, i+1)
		case t.Keyword == sqllex.For && i+1 < len(toks) && (toks[i+1].Keyword == sqllex.Update || toks[i+1].Keyword == sqllex.Share):
			locks = true
		case t.Kind == sqllex.Word && strings.EqualFold(sql[t.Start:t.End], "LOCK"): // MySQL's LOCK IN SHARE MODE
			locks = true
		}
	}
	return table, locks
}
