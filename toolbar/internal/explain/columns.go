package explain

import (
	"slices"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
)

// colRef is a column named in SQL text, with what qualifies it ("p" of
// p.owner_id), empty when nothing does.
type colRef struct{ qual, name string }

// unquote is a name without its quotes.
func unquote(s string) string {
	if len(s) >= 2 {
		switch s[0] {
		case '"', '`':
			return strings.ReplaceAll(s[1:len(s)-1], s[:1]+s[:1], s[:1])
		case '[':
			return s[1 : len(s)-1]
		}
	}
	return s
}

// notColumns are words a condition holds that are no column: type names
// after a cast, and the words of multi-word types and operators.
var notColumns = map[string]bool{
	"varying": true, "precision": true, "zone": true, "without": true, "time": true, "timestamp": true,
	"text": true, "integer": true, "bigint": true, "numeric": true, "boolean": true, "date": true,
	"interval": true, "any": true, "array": true, "character": true, "double": true, "binary": true,
}

// columnRefs reads the column references of an expression (a condition,
// a sort key): names not followed by "(" (a function) or ".", and not
// after "::" (a type), with the name that qualifies each.
func columnRefs(expr string) []colRef {
	lx := sqllex.New(expr)
	var toks []sqllex.Token
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		if t.Kind != sqllex.Comment {
			toks = append(toks, t)
		}
	}
	var out []colRef
	for i, t := range toks {
		if !isName(t) {
			continue
		}
		if i+1 < len(toks) && (toks[i+1].Kind == sqllex.Open || toks[i+1].Kind == sqllex.Dot) {
			continue
		}
		if i > 0 && toks[i-1].Kind == sqllex.DoubleColon {
			continue
		}
		name := unquote(expr[t.Start:t.End])
		if t.Kind == sqllex.Word && notColumns[strings.ToLower(name)] {
			continue
		}
		ref := colRef{name: name}
		if i >= 2 && toks[i-1].Kind == sqllex.Dot && isName(toks[i-2]) {
			ref.qual = unquote(expr[toks[i-2].Start:toks[i-2].End])
		}
		out = append(out, ref)
	}
	return out
}

func isName(t sqllex.Token) bool {
	return t.Kind == sqllex.QuotedName || t.Kind == sqllex.Word && t.Keyword == 0
}

// columnsOf are the names of refs that belong to table (known also by
// aliases), each once, in order; an unqualified name belongs to it when
// single says the statement reads one table.
func columnsOf(refs []colRef, table string, aliases []string, single bool) []string {
	var out []string
	for _, r := range refs {
		mine := r.qual == "" && single || r.qual != "" && (strings.EqualFold(r.qual, table) || slices.ContainsFunc(aliases, func(a string) bool { return strings.EqualFold(a, r.qual) }))
		if mine && !slices.Contains(out, r.name) {
			out = append(out, r.name)
		}
	}
	return out
}

// statement is what the columns of a statement's scans are read from:
// its tables and their aliases, and the columns its conditions (WHERE,
// JOIN ... ON) and its ORDER BY name.
type statement struct {
	tables  map[string][]string // table -> aliases (lower case keys)
	byAlias map[string]string   // alias or table -> table
	filter  []colRef
	sort    []colRef
}

// readStatement reads a SELECT by its tokens: good enough to name the
// columns of a plain query; a subquery's columns count as the outer one's.
func readStatement(sql string) *statement {
	st := &statement{tables: map[string][]string{}, byAlias: map[string]string{}}
	lx := sqllex.New(sql)
	var toks []sqllex.Token
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		if t.Kind != sqllex.Comment {
			toks = append(toks, t)
		}
	}
	text := func(i int) string { return sql[toks[i].Start:toks[i].End] }
	const (
		other = iota
		from
		cond
		order
	)
	clause, start := other, 0
	flush := func(end int) {
		if start >= end {
			return
		}
		part := sql[toks[start].Start:toks[end-1].End]
		switch clause {
		case cond:
			st.filter = append(st.filter, columnRefs(part)...)
		case order:
			st.sort = append(st.sort, columnRefs(part)...)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		next := other
		switch t.Keyword {
		case sqllex.From, sqllex.Join:
			next = from
		case sqllex.Where, sqllex.On, sqllex.Having:
			next = cond
		case sqllex.Order:
			next = order
		case sqllex.Group, sqllex.Limit, sqllex.Offset, sqllex.Union, sqllex.Window, sqllex.Select, sqllex.Fetch, sqllex.Left, sqllex.Right, sqllex.Inner, sqllex.Cross, sqllex.Full, sqllex.Natural, sqllex.Using, sqllex.Returning:
			next = other
		default:
			if clause == from && isName(t) {
				// name [. name] [AS] [alias]
				j := i
				for j+2 < len(toks) && toks[j+1].Kind == sqllex.Dot && isName(toks[j+2]) {
					j += 2
				}
				table := unquote(text(j))
				alias := ""
				k := j + 1
				if k < len(toks) && toks[k].Keyword == sqllex.As {
					k++
				}
				if k < len(toks) && isName(toks[k]) {
					alias = unquote(text(k))
				} else {
					k = j
				}
				key := strings.ToLower(table)
				if _, ok := st.tables[key]; !ok {
					st.tables[key] = nil
				}
				st.byAlias[key] = table
				if alias != "" {
					st.tables[key] = append(st.tables[key], alias)
					st.byAlias[strings.ToLower(alias)] = table
				}
				i = k
			}
			continue
		}
		flush(i)
		clause, start = next, i+1
		if next == order && i+1 < len(toks) && toks[i+1].Keyword == sqllex.By {
			start = i + 2
			i++
		}
	}
	flush(len(toks))
	return st
}

// columns are the filtered, then the sorted, columns of table.
func (st *statement) columns(table string, sorted bool) []string {
	aliases := st.tables[strings.ToLower(table)]
	single := len(st.tables) == 1
	cols := columnsOf(st.filter, table, aliases, single)
	if sorted {
		for _, c := range st.sortColumns(table) {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// sortColumns are the columns of table the statement sorts on.
func (st *statement) sortColumns(table string) []string {
	return columnsOf(st.sort, table, st.tables[strings.ToLower(table)], len(st.tables) == 1)
}

// table is the table an alias (or a table's own name) stands for.
func (st *statement) table(alias string) string {
	if t, ok := st.byAlias[strings.ToLower(alias)]; ok {
		return t
	}
	return alias
}
