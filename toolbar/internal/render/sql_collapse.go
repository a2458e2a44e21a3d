package render

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// How much of a long statement, list or argument the SQL panel shows
// before a "more" (a <details>, so it works without script).
const (
	maxSQLLines    = 12  // lines of a formatted statement
	maxListItems   = 10  // values in a parenthesised list: IN (?, ?, ...)
	keptListItems  = 3   // of a longer one
	maxTuples      = 5   // rows of VALUES (...), (...)
	keptTuples     = 3   // of a longer one
	maxArgs        = 10  // arguments listed one by one
	maxArgChars    = 120 // of an argument's text (a post body)
	maxRestArgText = 16 << 10
)

// collapseLists returns sql with the middle of its long lists cut out and
// replaced by a comment saying how many items are hidden: the rows of a
// bulk INSERT's VALUES past the first few, and the values of a list of
// plain values (IN (?, ?, ...)) past the first few. hidden counts the
// items cut; 0 means sql is returned as it is.
func collapseLists(sql string) (out string, hidden int) {
	type cut struct {
		start, end int
		n          int
		rows       bool
	}
	var toks []sqllex.Token
	lx := sqllex.New(sql)
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		if t.Kind != sqllex.Comment {
			toks = append(toks, t)
		}
	}
	// match[i] is the index of the parenthesis closing toks[i].
	match := make([]int, len(toks))
	var stack []int
	for i, t := range toks {
		match[i] = -1
		switch t.Kind {
		case sqllex.Open:
			stack = append(stack, i)
		case sqllex.Close:
			if len(stack) > 0 {
				match[stack[len(stack)-1]] = i
				stack = stack[:len(stack)-1]
			}
		}
	}
	var cuts []cut
	covered := -1 // tokens up to here are inside a cut
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if i <= covered {
			continue
		}
		switch {
		case t.Keyword == sqllex.Values:
			// (...), (...), ...
			var tuples [][2]int
			j := i + 1
			for j < len(toks) && toks[j].Kind == sqllex.Open && match[j] > 0 {
				tuples = append(tuples, [2]int{j, match[j]})
				j = match[j] + 1
				if j < len(toks) && toks[j].Kind == sqllex.Comma {
					j++
					continue
				}
				break
			}
			if len(tuples) > maxTuples {
				first, last := tuples[keptTuples], tuples[len(tuples)-1]
				cuts = append(cuts, cut{toks[first[0]].Start, toks[last[1]].End, len(tuples) - keptTuples, true})
				covered = last[1]
			}
		case t.Kind == sqllex.Open && match[i] > 0:
			// A list of plain values: each item one placeholder or literal.
			var items []int // token index of each item
			plain := true
			for j := i + 1; j < match[i]; j += 2 {
				switch toks[j].Kind {
				case sqllex.Placeholder, sqllex.Number, sqllex.String:
				default:
					plain = plain && toks[j].Keyword == sqllex.Null
				}
				items = append(items, j)
				if j+1 < match[i] && toks[j+1].Kind != sqllex.Comma {
					plain = false
					break
				}
			}
			if plain && len(items) > maxListItems {
				cuts = append(cuts, cut{toks[items[keptListItems]].Start, toks[items[len(items)-1]].End, len(items) - keptListItems, false})
				covered = match[i]
			}
		}
	}
	if len(cuts) == 0 {
		return sql, 0
	}
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		b.WriteString(sql[last:c.start])
		what := " more"
		if c.rows {
			what = " more rows"
		}
		b.WriteString("/* … " + strconv.Itoa(c.n) + what + " */")
		last = c.end
		hidden += c.n
	}
	b.WriteString(sql[last:])
	return b.String(), hidden
}

// splitLines cuts formatted tokens after their n-th line: the tokens
// shown, those behind a "more", and how many lines those hold. rest is nil
// when the statement is short.
func splitLines(toks []sqlToken, n int) (head, rest []sqlToken, restLines int) {
	lines := 1
	for _, t := range toks {
		if t.Kind == sqlText {
			lines += strings.Count(t.Text, "\n")
		}
	}
	if lines <= n+2 { // a "2 more lines" saves nothing
		return toks, nil, 0
	}
	seen := 1
	for i, t := range toks {
		if t.Kind != sqlText {
			continue
		}
		for off := 0; ; {
			j := strings.IndexByte(t.Text[off:], '\n')
			if j < 0 {
				break
			}
			off += j + 1
			seen++
			if seen > n {
				head = append(toks[:i:i], sqlToken{sqlText, t.Text[:off-1]})
				rest = append([]sqlToken{{sqlText, t.Text[off-1:]}}, toks[i+1:]...)
				return head, rest, lines - n
			}
		}
	}
	return toks, nil, 0
}

// argView is one argument as shown: its text, cut when long, and the rest.
type argView struct {
	Text, More string
}

// argViews returns the first maxArgs arguments to list, and the others as
// one text behind a "+N more".
func argViews(args []panels.Arg) (shown []argView, rest string, restN int) {
	for i, a := range args {
		s := a.String()
		if i >= maxArgs {
			restN = len(args) - maxArgs
			var b strings.Builder
			for j := maxArgs; j < len(args); j++ {
				if b.Len() > maxRestArgText {
					b.WriteString(" …")
					break
				}
				if j > maxArgs {
					b.WriteString("  ")
				}
				b.WriteString("$" + strconv.Itoa(j+1) + "=" + cutText(args[j].String(), maxArgChars))
			}
			return shown, b.String(), restN
		}
		v := argView{Text: s}
		if utf8.RuneCountInString(s) > maxArgChars+20 {
			v.Text = cutText(s, maxArgChars)
			v.More = s[len(v.Text)-len("…"):]
		}
		shown = append(shown, v)
	}
	return shown, "", 0
}

// cutText returns s cut to n runes and "…", or s when it is short.
func cutText(s string, n int) string {
	i, k := 0, 0
	for i < len(s) && k < n {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		k++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}
