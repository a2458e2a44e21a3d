package render

import (
	"strings"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
)

// sqlTokenKind says how a piece of formatted SQL is highlighted.
type sqlTokenKind uint8

// The kinds of SQL token.
const (
	sqlText        sqlTokenKind = iota // names, operators, punctuation and layout
	sqlKeyword                         // SELECT, FROM, AND, NULL, ...
	sqlString                          // 'literal', E'..', $$..$$
	sqlNumber                          // 42, 3.14, 0xff
	sqlPlaceholder                     // ?, ?1, $1, :name, @p1
	sqlComment                         // -- ... and /* ... */
	sqlIdentifier                      // "quoted", `quoted`, [quoted]
)

// Class returns the CSS class that highlights the kind, "" for plain text.
func (k sqlTokenKind) Class() string {
	switch k {
	case sqlKeyword:
		return "dt-sql-kw"
	case sqlString:
		return "dt-sql-str"
	case sqlNumber:
		return "dt-sql-num"
	case sqlPlaceholder:
		return "dt-sql-ph"
	case sqlComment:
		return "dt-sql-comment"
	case sqlIdentifier:
		return "dt-sql-ident"
	}
	return ""
}

// sqlToken is one piece of formatted SQL: text, highlighted as its kind.
type sqlToken struct {
	Kind sqlTokenKind
	Text string
}

// maxFormattedSQL is how much of a statement formatSQL lays out; the rest of
// a huge statement (a bulk insert) is summarised, not shown.
const maxFormattedSQL = 32 << 10

// formatSQL lays out a SQL statement for reading and splits it into tokens
// to highlight: whitespace becomes one space, and each major clause (SELECT,
// FROM, WHERE, the JOINs, GROUP BY, ORDER BY, LIMIT, VALUES, SET, RETURNING,
// UNION, ...) starts a new line, indented by the subqueries it is in.
// Clauses inside a function call's or window's parentheses stay on the line.
//
// It splits sql into the tokens [sqltrace.Fingerprint] reads, where dialects
// disagree too, so the strings, numbers and placeholders it marks are values
// the fingerprint folds. Like it, formatSQL reads bytes, not grammar, so it
// never fails: an unterminated string or comment runs to the end. The
// concatenated texts differ from sql only in whitespace, except that a
// statement longer than 32 KiB is cut there and ends with a note of how much
// was left out.
func formatSQL(sql string) []sqlToken {
	var rest int
	if len(sql) > maxFormattedSQL {
		// Not inside a UTF-8 sequence: back off to its first byte, which
		// is at most three bytes back (invalid bytes are cut where they are).
		cut := maxFormattedSQL
		for i := 0; i < utf8.UTFMax-1 && !utf8.RuneStart(sql[cut]); i++ {
			cut--
		}
		sql, rest = sql[:cut], len(sql)-cut
	}
	lx := sqllex.New(sql)
	raw := make([]sqlRaw, 0, len(sql)/4+1)
	marked := 0 // tokens that are not plain text
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		r := sqlRaw{start: int32(t.Start), end: int32(t.End), kind: t.Kind, kw: t.Keyword, mark: markOf(t)}
		raw = append(raw, r)
		if r.mark != sqlText {
			marked++
		}
	}
	// Plain text merges between marked tokens; line breaks add a few.
	f := sqlFormatter{src: sql, raw: raw, out: make([]sqlToken, 0, 2*marked+8), lastEnd: -1}
	f.run()
	if rest > 0 {
		f.out = append(f.out, sqlToken{sqlComment, " … " + formatBytes(int64(rest)) + " more"})
	}
	return f.out
}

// sqlRaw is a lexical token of the at most 32 KiB formatSQL lays out, and
// how it is highlighted. It holds no pointers, so a statement's tokens are
// one cheap allocation.
type sqlRaw struct {
	start, end int32
	kind       sqllex.Kind
	kw         sqllex.Keyword
	mark       sqlTokenKind
}

// markOf returns how a lexical token is highlighted.
func markOf(t sqllex.Token) sqlTokenKind {
	switch t.Kind {
	case sqllex.Word:
		if t.Keyword != 0 {
			return sqlKeyword
		}
	case sqllex.String:
		return sqlString
	case sqllex.Number:
		return sqlNumber
	case sqllex.Placeholder:
		return sqlPlaceholder
	case sqllex.Comment:
		return sqlComment
	case sqllex.QuotedName:
		return sqlIdentifier
	}
	return sqlText
}

// sqlFormatter lays the lexed tokens out.
type sqlFormatter struct {
	src     string
	raw     []sqlRaw
	out     []sqlToken
	lastEnd int // where the last plain text token ends in src, -1 if it does not
	// parens holds, for each open parenthesis, whether it holds a
	// statement (a subquery) whose clauses go on their own lines.
	parens []bool
	depth  int // open subquery parentheses: the indentation
}

// clauseLevel reports whether clause keywords start new lines here: at the
// top, or directly inside a subquery's parentheses.
func (f *sqlFormatter) clauseLevel() bool {
	return len(f.parens) == 0 || f.parens[len(f.parens)-1]
}

// word returns the keyword of raw token i, 0 if it is not one.
func (f *sqlFormatter) word(i int) sqllex.Keyword {
	if i < 0 || i >= len(f.raw) {
		return 0
	}
	return f.raw[i].kw
}

// nextSig and prevSig return the index of the nearest token that is not a
// comment after or before i, or -1.
func (f *sqlFormatter) nextSig(i int) int {
	for i++; i < len(f.raw); i++ {
		if f.raw[i].kind != sqllex.Comment {
			return i
		}
	}
	return -1
}

func (f *sqlFormatter) prevSig(i int) int {
	for i--; i >= 0; i-- {
		if f.raw[i].kind != sqllex.Comment {
			return i
		}
	}
	return -1
}

// breaksBefore reports whether keyword token i starts a clause line.
func (f *sqlFormatter) breaksBefore(i int) bool {
	prev, next := f.word(f.prevSig(i)), f.word(f.nextSig(i))
	afterParen := false // the keyword opens a parenthesised statement
	if p := f.prevSig(i); p >= 0 {
		switch t := f.raw[p]; {
		case t.kind == sqllex.Open:
			afterParen = true
		case t.kind == sqllex.Comma || t.kind == sqllex.Operator && strings.IndexByte("=+-/<>|", f.src[t.end-1]) >= 0:
			// A function named like a clause: "a = VALUES(a)".
			if n := f.nextSig(i); n >= 0 && f.raw[n].kind == sqllex.Open {
				return false
			}
		}
	}
	switch f.word(i) {
	case sqllex.Select, sqllex.Where, sqllex.Having, sqllex.Limit, sqllex.Returning, sqllex.Union,
		sqllex.Intersect, sqllex.Except, sqllex.Window, sqllex.Insert, sqllex.Merge:
		return true
	case sqllex.From:
		return prev != sqllex.Delete && prev != sqllex.Distinct // not "IS DISTINCT FROM"
	case sqllex.Values:
		return prev != sqllex.Default
	case sqllex.Replace:
		return prev != sqllex.Or && next == sqllex.Into
	case sqllex.With:
		// Only at the start of a statement: not "WITH TIME ZONE".
		return afterParen || next == sqllex.Recursive
	case sqllex.Set:
		return prev != sqllex.Delete && prev != sqllex.Update // not "ON DELETE SET NULL"
	case sqllex.Update, sqllex.Delete:
		return prev != sqllex.For && prev != sqllex.Do && prev != sqllex.Key && prev != sqllex.On
	case sqllex.Group, sqllex.Order:
		return next == sqllex.By
	case sqllex.Join, sqllex.StraightJoin:
		return !joinModifier(prev)
	case sqllex.Left, sqllex.Right, sqllex.Full, sqllex.Inner, sqllex.Cross, sqllex.Natural:
		return !joinModifier(prev) && (next == sqllex.Join || joinModifier(next))
	case sqllex.On:
		return next == sqllex.Conflict || next == sqllex.Duplicate
	}
	return false
}

// joinModifier reports whether a keyword can come before JOIN.
func joinModifier(kw sqllex.Keyword) bool {
	switch kw {
	case sqllex.Left, sqllex.Right, sqllex.Full, sqllex.Inner, sqllex.Outer, sqllex.Cross, sqllex.Natural:
		return true
	}
	return false
}

// opensSubquery reports whether the parenthesis at raw token i holds a
// statement.
func (f *sqlFormatter) opensSubquery(i int) bool {
	switch f.word(f.nextSig(i)) {
	case sqllex.Select, sqllex.With, sqllex.Values:
		return true
	}
	return false
}

// emit appends a token, merging plain text that is contiguous in src.
func (f *sqlFormatter) emit(kind sqlTokenKind, start, end int) {
	if kind == sqlText && start == f.lastEnd && len(f.out) > 0 {
		last := &f.out[len(f.out)-1]
		last.Text = f.src[start-len(last.Text) : end]
		f.lastEnd = end
		return
	}
	f.out = append(f.out, sqlToken{kind, f.src[start:end]})
	f.lastEnd = -1
	if kind == sqlText {
		f.lastEnd = end
	}
}

// emitString appends text that is not in src.
func (f *sqlFormatter) emitString(s string) {
	f.out = append(f.out, sqlToken{sqlText, s})
	f.lastEnd = -1
}

const indent = "\n                                "

// newline starts a line indented for the current subquery depth.
func (f *sqlFormatter) newline() {
	f.emitString(indent[:1+min(2*f.depth, len(indent)-1)])
}

func (f *sqlFormatter) run() {
	newline := false // a line comment ended the line
	prevEnd := 0
	for i, t := range f.raw {
		start, end := int(t.start), int(t.end)
		brk := newline
		switch {
		case t.mark == sqlKeyword && f.clauseLevel() && len(f.out) > 0 && f.breaksBefore(i):
			brk = true
		case t.kind == sqllex.Close && len(f.parens) > 0:
			if f.parens[len(f.parens)-1] {
				f.depth--
				brk = true
			}
			f.parens = f.parens[:len(f.parens)-1]
		}
		switch {
		case brk && len(f.out) > 0:
			f.newline()
		case start == prevEnd+1 && f.src[prevEnd] == ' ' && len(f.out) > 0:
			f.emit(sqlText, prevEnd, start) // keeps plain text one slice of src
		case start > prevEnd && len(f.out) > 0:
			f.emitString(" ")
		}
		newline = false
		f.emit(t.mark, start, end)
		switch {
		case t.kind == sqllex.Comment && f.src[start] == '-':
			newline = true
		case t.kind == sqllex.Open:
			sub := f.opensSubquery(i)
			f.parens = append(f.parens, sub)
			if sub {
				f.depth++
			}
		}
		prevEnd = end
	}
}
