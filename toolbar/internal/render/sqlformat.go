package render

import (
	"strings"
	"unicode/utf8"
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
// Like [sqltrace.Fingerprint] it reads bytes, not grammar, so it never fails:
// an unterminated string or comment runs to the end. The concatenated texts
// differ from sql only in whitespace, except that a statement longer than
// 32 KiB is cut there and ends with a note of how much was left out.
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
	lx := sqlLexer{src: sql}
	raw := make([]sqlRaw, 0, len(sql)/4+1)
	marked := 0 // tokens that are not plain text
	for {
		t, ok := lx.next()
		if !ok {
			break
		}
		raw = append(raw, t)
		if t.kind != sqlText {
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

// sqlRaw is a lexical token: a range of the source and what it is. It
// holds no pointers, so a statement's tokens are one cheap allocation.
type sqlRaw struct {
	start, end int32
	kind       sqlTokenKind
	kw         uint8 // the keyword's index in sqlKeywordNames, 0 for none
	word       bool  // an unquoted word (a keyword or a name)
	space      uint8 // whitespace before the token: 0 none, 1 one space, 2 other
}

type sqlLexer struct {
	src  string
	pos  int
	prev sqlRaw // the last token
	any  bool   // prev is set
	sp   bool   // whitespace came after prev
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' }

func (lx *sqlLexer) next() (sqlRaw, bool) {
	s, i := lx.src, lx.pos
	var space uint8
	if i < len(s) && isSpace(s[i]) {
		j := i
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		space, lx.sp = 2, true
		if i-j == 1 && s[j] == ' ' {
			space = 1
		}
	}
	if i >= len(s) {
		lx.pos = i
		return sqlRaw{}, false
	}
	t := sqlRaw{start: int32(i), space: space}
	c := s[i]
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	// afterName: a "[" or "." here continues an expression rather than
	// starting a quoted name or a number.
	afterName := lx.any && !lx.sp && (lx.prev.word || lx.prev.kind == sqlIdentifier ||
		s[lx.prev.end-1] == ')' || s[lx.prev.end-1] == ']')
	switch {
	case c == '-' && at(i+1) == '-':
		for i < len(s) && s[i] != '\n' {
			i++
		}
		t.kind = sqlComment
	case c == '/' && at(i+1) == '*':
		if j := strings.Index(s[i+2:], "*/"); j >= 0 {
			i += j + 4
		} else {
			i = len(s)
		}
		t.kind = sqlComment
	case c == '\'':
		i = quoted(s, i, '\'', true)
		t.kind = sqlString
	case (c|0x20 == 'e' || c|0x20 == 'n' || c|0x20 == 'x' || c|0x20 == 'b') && at(i+1) == '\'':
		i = quoted(s, i+1, '\'', true)
		t.kind = sqlString
	case c == '"' || c == '`':
		i = quoted(s, i, c, false)
		t.kind = sqlIdentifier
	case c == '[' && !afterName:
		if j := strings.IndexByte(s[i+1:], ']'); j >= 0 {
			i += j + 2
		} else {
			i = len(s)
		}
		t.kind = sqlIdentifier
	case c == '$' && isDigit(at(i+1)):
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		t.kind = sqlPlaceholder
	case c == '$' && (at(i+1) == '$' || isWordStart(at(i+1))) && dollarTag(s[i:]) > 0:
		n := dollarTag(s[i:])
		if j := strings.Index(s[i+n:], s[i:i+n]); j >= 0 {
			i += n + j + n
		} else {
			i = len(s)
		}
		t.kind = sqlString
	case c == '?' && (at(i+1) == '|' || at(i+1) == '&'):
		i += 2
	case c == '?':
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		t.kind = sqlPlaceholder
	case c == ':' && at(i+1) == ':':
		i += 2
	case (c == ':' || c == '@') && (isWordStart(at(i+1)) || isDigit(at(i+1))) &&
		!afterName && !(lx.any && !lx.sp && lx.prev.kind == sqlNumber): // not "a[1:2]"
		i++
		for i < len(s) && isWordByte(s[i]) {
			i++
		}
		t.kind = sqlPlaceholder
	case isDigit(c) || c == '.' && isDigit(at(i+1)) && !afterName:
		if c == '0' && at(i+1)|0x20 == 'x' {
			i += 2
			for i < len(s) && (isDigit(s[i]) || s[i]|0x20 >= 'a' && s[i]|0x20 <= 'f') {
				i++
			}
		} else {
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			if at(i) == '.' {
				i++
				for i < len(s) && isDigit(s[i]) {
					i++
				}
			}
			if at(i)|0x20 == 'e' && (isDigit(at(i+1)) || (at(i+1) == '+' || at(i+1) == '-') && isDigit(at(i+2))) {
				i += 2
				for i < len(s) && isDigit(s[i]) {
					i++
				}
			}
		}
		t.kind = sqlNumber
	case isWordStart(c):
		for i < len(s) && isWordByte(s[i]) {
			i++
		}
		t.word = true
		// A name after a dot ("t.order") is never a keyword.
		if !(lx.any && !lx.sp && s[lx.prev.end-1] == '.' && lx.prev.kind == sqlText) {
			if kw := keyword(s[t.start:i]); kw != 0 {
				t.kind, t.kw = sqlKeyword, kw
			}
		}
	default:
		i++
	}
	t.end = int32(i)
	lx.pos = i
	lx.prev, lx.any, lx.sp = t, true, false
	return t, true
}

// quoted returns the end of a quoted run that starts at s[i] == q: the
// quote doubled stays inside, and so does an escaped byte when backslash
// escapes are on. Unterminated, it runs to the end.
func quoted(s string, i int, q byte, backslash bool) int {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if backslash {
				i++
			}
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(s)
}

// dollarTag returns the length of the "$tag$" or "$$" that starts s, or 0.
func dollarTag(s string) int {
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '$' {
			return i + 1
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 1 && isDigit(c)) {
			return 0
		}
	}
	return 0
}

// keyword returns the index of word in sqlKeywordNames, compared without
// case, or 0 when it is not a keyword. It does not allocate.
func keyword(word string) uint8 {
	if len(word) > 17 {
		return 0
	}
	var buf [17]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return sqlKeywords[string(buf[:len(word)])]
}

// sqlKeywordNames are the keywords highlighted, upper case; index 0 is none.
var sqlKeywordNames = append([]string{""}, strings.Fields(`
	ADD ALL ALTER ANALYZE AND ANY AS ASC BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE
	COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT_DATE CURRENT_TIME
	CURRENT_TIMESTAMP DEFAULT DELETE DESC DISTINCT DO DROP DUPLICATE ELSE END ESCAPE
	EXCEPT EXISTS EXPLAIN FALSE FETCH FILTER FIRST FOR FOREIGN FROM FULL GLOB GROUP
	HAVING IF IGNORE ILIKE IN INDEX INNER INSERT INTERSECT INTO IS ISNULL JOIN KEY LAST
	LATERAL LEFT LIKE LIMIT LOCKED MATCHED MERGE NATURAL NEXT NOT NOTHING NOTNULL NOWAIT
	NULL NULLS OF OFFSET ON ONLY OR ORDER OUTER OVER PARTITION PRAGMA PRIMARY RECURSIVE
	REFERENCES REGEXP RELEASE REPLACE RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT
	SET SHARE SIMILAR SKIP STRAIGHT_JOIN TABLE THEN TO TRANSACTION TRUE TRUNCATE UNION
	UNIQUE UPDATE USING VALUES VIEW WHEN WHERE WINDOW WITH`)...)

var sqlKeywords = func() map[string]uint8 {
	m := make(map[string]uint8, len(sqlKeywordNames))
	for i, k := range sqlKeywordNames[1:] {
		m[k] = uint8(i + 1)
	}
	return m
}()

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

// word returns the upper-case keyword of raw token i, "" if it is not one.
func (f *sqlFormatter) word(i int) string {
	if i < 0 || i >= len(f.raw) {
		return ""
	}
	return sqlKeywordNames[f.raw[i].kw]
}

// nextSig and prevSig return the index of the nearest token that is not a
// comment after or before i, or -1.
func (f *sqlFormatter) nextSig(i int) int {
	for i++; i < len(f.raw); i++ {
		if f.raw[i].kind != sqlComment {
			return i
		}
	}
	return -1
}

func (f *sqlFormatter) prevSig(i int) int {
	for i--; i >= 0; i-- {
		if f.raw[i].kind != sqlComment {
			return i
		}
	}
	return -1
}

// breaksBefore reports whether keyword token i starts a clause line.
func (f *sqlFormatter) breaksBefore(i int) bool {
	prev, next := f.word(f.prevSig(i)), f.word(f.nextSig(i))
	afterParen := false // the keyword opens a parenthesised statement
	if p := f.prevSig(i); p >= 0 && f.raw[p].kind == sqlText {
		switch f.src[f.raw[p].start] {
		case '(':
			afterParen = true
		case '=', ',', '+', '-', '/', '<', '>', '|':
			// A function named like a clause: "a = VALUES(a)".
			if n := f.nextSig(i); n >= 0 && f.src[f.raw[n].start] == '(' {
				return false
			}
		}
	}
	switch f.word(i) {
	case "SELECT", "WHERE", "HAVING", "LIMIT", "RETURNING", "UNION", "INTERSECT",
		"EXCEPT", "WINDOW", "INSERT", "MERGE":
		return true
	case "FROM":
		return prev != "DELETE" && prev != "DISTINCT" // not "IS DISTINCT FROM"
	case "VALUES":
		return prev != "DEFAULT"
	case "REPLACE":
		return prev != "OR" && next == "INTO"
	case "WITH":
		// Only at the start of a statement: not "WITH TIME ZONE".
		return afterParen || next == "RECURSIVE"
	case "SET":
		return prev != "DELETE" && prev != "UPDATE" // not "ON DELETE SET NULL"
	case "UPDATE", "DELETE":
		return prev != "FOR" && prev != "DO" && prev != "KEY" && prev != "ON"
	case "GROUP", "ORDER":
		return next == "BY"
	case "JOIN", "STRAIGHT_JOIN":
		return !joinModifier(prev)
	case "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL":
		return !joinModifier(prev) && (next == "JOIN" || joinModifier(next))
	case "ON":
		return next == "CONFLICT" || next == "DUPLICATE"
	}
	return false
}

// joinModifier reports whether a keyword can come before JOIN.
func joinModifier(kw string) bool {
	switch kw {
	case "LEFT", "RIGHT", "FULL", "INNER", "OUTER", "CROSS", "NATURAL":
		return true
	}
	return false
}

// opensSubquery reports whether the parenthesis at raw token i holds a
// statement.
func (f *sqlFormatter) opensSubquery(i int) bool {
	switch f.word(f.nextSig(i)) {
	case "SELECT", "WITH", "VALUES":
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
	for i := range f.raw {
		t := &f.raw[i]
		start, end := int(t.start), int(t.end)
		brk := newline
		switch {
		case t.kind == sqlKeyword && f.clauseLevel() && len(f.out) > 0 && f.breaksBefore(i):
			brk = true
		case t.kind == sqlText && f.src[start] == ')' && len(f.parens) > 0:
			if f.parens[len(f.parens)-1] {
				f.depth--
				brk = true
			}
			f.parens = f.parens[:len(f.parens)-1]
		}
		switch {
		case brk && len(f.out) > 0:
			f.newline()
		case t.space == 1 && len(f.out) > 0:
			f.emit(sqlText, start-1, start) // keeps plain text one slice of src
		case t.space != 0 && len(f.out) > 0:
			f.emitString(" ")
		}
		newline = false
		f.emit(t.kind, start, end)
		switch {
		case t.kind == sqlComment && f.src[start] == '-':
			newline = true
		case t.kind == sqlText && f.src[start] == '(':
			sub := f.opensSubquery(i)
			f.parens = append(f.parens, sub)
			if sub {
				f.depth++
			}
		}
	}
}
