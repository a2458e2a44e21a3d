package toolbar

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// SQL arguments reach the driver without names as often as with them:
// GORM, sqlx's NamedExec (rebound to ? or $n before the driver sees it) and
// hand-written statements pass the password of "INSERT INTO users (name,
// password) VALUES (?, ?)" as the second positional argument. So the
// statement is read to learn which column each placeholder stands for:
//
//   - in an INSERT with a column list, the n-th value of each VALUES row
//     is the n-th column's (a value that is an expression, crypt(?, ...),
//     included);
//   - elsewhere, the column compared with it: "col = ?", "SET col = ?",
//     "col IN (?, ?)", "col LIKE ?", "? = col", "col = lower(?)";
//   - a named placeholder (:password, @password) is also judged by its own
//     name.
//
// Placeholders are ?, ?NNN, $n, :name, :n, @name and @pN (SQL Server);
// those inside string literals, quoted identifiers, dollar-quoted bodies
// and comments are not. A ? in a statement that uses $n is PostgreSQL's
// jsonb operator.
//
// The same reading hides a literal where a placeholder would be: "SET
// password = 'hunter2'", "PASSWORD 'x'", "IDENTIFIED BY 'x'", and a
// password inside any literal ("dblink('host=db password=x')").

// sqlSecrets is what the toolbar learned of one statement text: the
// placeholders that stand for secrets, and the text with secret literals
// hidden.
type sqlSecrets struct {
	slots []sqlSlot
	text  string
}

// sqlSlot is a placeholder: the argument it binds, by position (-1 when
// unknown) and by name for :name and @name.
type sqlSlot struct {
	index int
	name  string
}

// Bounds of the cache of statement texts, so one statement is read once
// however often it runs; longer statements (bulk inserts) are read each
// time instead of being kept.
const (
	sqlCacheEntries = 512
	sqlCacheMaxText = 4 << 10
)

// sqlArgs returns args with those of query that are secret hidden: passed
// with sql.Named under a secret name, or bound to a placeholder that stands
// for a secret column or has a secret name; string arguments also get DSN
// passwords hidden (see redactText). args itself is not changed (a
// sqltrace.Capture may hold the same slice): the result is a copy when
// anything was hidden.
func (r *redactor) sqlArgs(query string, args []any) []any {
	if len(args) == 0 {
		return args
	}
	return r.sqlArgsOf(r.sqlInfo(query), args)
}

// sqlArgsOf is sqlArgs with the query already read.
func (r *redactor) sqlArgsOf(info *sqlSecrets, args []any) []any {
	if len(args) == 0 {
		return args
	}
	copied := false
	set := func(i int, v any) {
		if !copied {
			args, copied = slices.Clone(args), true
		}
		args[i] = v
	}
	for i, a := range args {
		switch v := a.(type) {
		case sql.NamedArg:
			if r.secret(v.Name) {
				set(i, sql.Named(v.Name, Redacted))
			} else if s, ok := v.Value.(string); ok {
				if t := redactText(s); t != s {
					set(i, sql.Named(v.Name, t))
				}
			}
		case string:
			if t := redactText(v); t != v {
				set(i, t)
			}
		}
	}
	for _, s := range info.slots {
		i := s.index
		if s.name != "" {
			for j, a := range args {
				if na, ok := a.(sql.NamedArg); ok && strings.EqualFold(na.Name, s.name) {
					i = j
					break
				}
			}
		}
		if i < 0 || i >= len(args) {
			continue
		}
		if na, ok := args[i].(sql.NamedArg); ok {
			set(i, sql.Named(na.Name, Redacted))
		} else {
			set(i, Redacted)
		}
	}
	return args
}

// sqlText returns query with its secret literals hidden.
func (r *redactor) sqlText(query string) string { return r.sqlInfo(query).text }

// sqlInfo reads query, or finds it read before.
func (r *redactor) sqlInfo(query string) *sqlSecrets {
	if len(query) > sqlCacheMaxText {
		return r.readSQL(query)
	}
	r.sqlMu.Lock()
	info, ok := r.sqlCache[query]
	r.sqlMu.Unlock()
	if ok {
		return info
	}
	info = r.readSQL(query)
	r.sqlMu.Lock()
	if len(r.sqlCache) >= sqlCacheEntries {
		clear(r.sqlCache)
	}
	r.sqlCache[query] = info
	r.sqlMu.Unlock()
	return info
}

func (r *redactor) readSQL(query string) *sqlSecrets {
	toks := lexSQL(query)
	info := &sqlSecrets{text: query}
	inserted := insertColumns(toks)
	var edits []sqlEdit
	for k := range toks {
		t := &toks[k]
		switch t.kind {
		case tokPlaceholder:
			if r.secretValue(toks, k, inserted) || t.text != "" && r.secret(t.text) {
				info.slots = append(info.slots, sqlSlot{index: t.index, name: t.text})
			}
		case tokString:
			content := query[t.start+t.open : t.end-t.close]
			if r.secretValue(toks, k, inserted) || r.secretLiteral(toks, k) {
				edits = append(edits, sqlEdit{t.start + t.open, t.end - t.close, Redacted})
			} else if hidden := redactText(content); hidden != content {
				edits = append(edits, sqlEdit{t.start + t.open, t.end - t.close, hidden})
			}
		}
	}
	if len(edits) > 0 {
		var b strings.Builder
		last := 0
		for _, e := range edits {
			b.WriteString(query[last:e.start])
			b.WriteString(e.text)
			last = e.end
		}
		b.WriteString(query[last:])
		info.text = b.String()
	}
	return info
}

type sqlEdit struct {
	start, end int
	text       string
}

// secretValue reports whether the value token toks[k] (a placeholder or a
// literal) stands for a secret column.
func (r *redactor) secretValue(toks []sqlToken, k int, inserted map[int]string) bool {
	if col, ok := inserted[k]; ok {
		return r.secret(col)
	}
	// Back from the value to the comparison it is the right side of,
	// through the calls and lists it is inside: col = f(x, ?).
	for j := k - 1; j >= 0; j-- {
		t := &toks[j]
		switch {
		case t.kind == tokLParen || t.kind == tokComma || t.kind == tokPlaceholder || t.kind == tokString || t.kind == tokNumber:
			continue
		case t.kind == tokIdent && comparisonWord(t.text):
			return r.secretColumnBefore(toks, j)
		case t.kind == tokIdent && j+1 < len(toks) && toks[j+1].kind == tokLParen:
			if r.secret(t.text) {
				return true // PASSWORD('x')
			}
			continue // a function called on the value
		case t.kind == tokOp && comparison(t.text):
			return r.secretColumnBefore(toks, j)
		}
		break
	}
	// A value on the left: ? = col.
	if k+2 < len(toks) && toks[k+1].kind == tokOp && comparison(toks[k+1].text) && toks[k+2].kind == tokIdent {
		j := k + 2
		for j+2 < len(toks) && toks[j+1].kind == tokDot && toks[j+2].kind == tokIdent {
			j += 2
		}
		if j+1 < len(toks) && toks[j+1].kind == tokLParen {
			return false
		}
		return r.secret(toks[j].text)
	}
	return false
}

// secretColumnBefore reports whether the column left of the comparison at
// toks[j] is secret ("u.password =", "token NOT IN").
func (r *redactor) secretColumnBefore(toks []sqlToken, j int) bool {
	j--
	if j >= 0 && toks[j].kind == tokIdent && strings.EqualFold(toks[j].text, "not") {
		j--
	}
	return j >= 0 && toks[j].kind == tokIdent && r.secret(toks[j].text)
}

// secretLiteral reports whether a literal follows a secret keyword with no
// comparison: "WITH PASSWORD 'x'", "IDENTIFIED BY 'x'".
func (r *redactor) secretLiteral(toks []sqlToken, k int) bool {
	if k == 0 || toks[k-1].kind != tokIdent || toks[k-1].quoted {
		return false
	}
	prev := toks[k-1].text
	if strings.EqualFold(prev, "by") {
		return k >= 2 && toks[k-2].kind == tokIdent && strings.EqualFold(toks[k-2].text, "identified")
	}
	return r.secret(prev)
}

func comparison(op string) bool {
	switch op {
	case "=", "==", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "!~*":
		return true
	}
	return false
}

func comparisonWord(w string) bool {
	for _, c := range [...]string{"in", "like", "ilike", "glob", "regexp", "rlike"} {
		if strings.EqualFold(w, c) {
			return true
		}
	}
	return false
}

// insertColumns maps each value token inside the VALUES rows of an INSERT
// with a column list to its column's name.
func insertColumns(toks []sqlToken) map[int]string {
	var out map[int]string
	for k := 0; k < len(toks); k++ {
		if toks[k].kind != tokIdent || toks[k].quoted || !strings.EqualFold(toks[k].text, "insert") {
			continue
		}
		// INSERT [INTO] table [(cols)] VALUES (...), (...)
		j := k + 1
		for j < len(toks) && toks[j].kind == tokIdent && !toks[j].quoted && isInsertModifier(toks[j].text) {
			j++
		}
		for j < len(toks) && (toks[j].kind == tokIdent || toks[j].kind == tokDot) {
			if toks[j].kind == tokIdent && !toks[j].quoted && strings.EqualFold(toks[j].text, "values") {
				break
			}
			j++
		}
		if j >= len(toks) || toks[j].kind != tokLParen {
			continue
		}
		var cols []string
		for j++; j < len(toks) && toks[j].kind != tokRParen; j++ {
			if toks[j].kind == tokIdent {
				cols = append(cols, toks[j].text) // the last identifier of a.b wins
				if j+1 < len(toks) && toks[j+1].kind == tokDot {
					cols = cols[:len(cols)-1]
				}
			}
		}
		j++
		if j >= len(toks) || toks[j].kind != tokIdent || !(strings.EqualFold(toks[j].text, "values") || strings.EqualFold(toks[j].text, "value")) {
			continue
		}
		// The rows: the n-th element of each, at depth 1, is column n's.
		depth, elem := 0, 0
		for j++; j < len(toks); j++ {
			switch toks[j].kind {
			case tokLParen:
				depth++
				if depth == 1 {
					elem = 0
				}
				continue
			case tokRParen:
				depth--
				continue
			case tokComma:
				if depth == 1 {
					elem++
				}
				continue
			}
			if depth == 0 {
				break
			}
			if (toks[j].kind == tokPlaceholder || toks[j].kind == tokString) && elem < len(cols) {
				if out == nil {
					out = map[int]string{}
				}
				out[j] = cols[elem]
			}
		}
		k = j
	}
	return out
}

func isInsertModifier(w string) bool {
	for _, m := range [...]string{"into", "or", "replace", "ignore", "low_priority", "delayed", "high_priority", "abort", "fail", "rollback"} {
		if strings.EqualFold(w, m) {
			return true
		}
	}
	return false
}

// A sqlToken is one token of a statement.
type sqlToken struct {
	kind        sqlTokenKind
	start, end  int    // its bytes in the statement
	open, close int    // the lengths of a literal's quotes, around its content
	text        string // an identifier (unquoted), an operator, or a placeholder's name
	quoted      bool   // an identifier in quotes
	index       int    // a placeholder's argument index, -1 when it has only a name
}

type sqlTokenKind uint8

const (
	tokOther sqlTokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokPlaceholder
	tokOp
	tokLParen
	tokRParen
	tokComma
	tokDot
)

// lexSQL splits a statement into tokens, leaving out spaces and comments.
// Placeholders get the argument index SQLite gives them: ?NNN, $n, :n and
// @pN their number, a bare ? or a new name one more than the largest so
// far.
func lexSQL(q string) []sqlToken {
	toks := make([]sqlToken, 0, 32)
	maxIndex := 0            // the largest placeholder number so far, 1-based
	var names map[string]int // the index of each :name and @name, lower-case
	dollar := false          // the statement uses $n: a ? is an operator
	add := func(t sqlToken) { toks = append(toks, t) }
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				i = len(q)
			} else {
				i += end + 4
			}
		case c == '\'':
			end := quoteEnd(q, i, '\'', true)
			add(sqlToken{kind: tokString, start: i, end: end, open: 1, close: closeLen(q, i, end, 1)})
			i = end
		case c == '"' || c == '`':
			end := quoteEnd(q, i, c, false)
			add(sqlToken{kind: tokIdent, start: i, end: end, text: q[i+1 : end-closeLen(q, i, end, 1)], quoted: true})
			i = end
		case c == '[' && i+1 < len(q) && (isIdentStart(q[i+1]) || q[i+1] == ' '):
			end := strings.IndexByte(q[i:], ']')
			if end < 0 {
				add(sqlToken{kind: tokOther, start: i, end: i + 1})
				i++
				continue
			}
			add(sqlToken{kind: tokIdent, start: i, end: i + end + 1, text: q[i+1 : i+end], quoted: true})
			i += end + 1
		case c == '$' && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			n, _ := strconv.Atoi(q[i+1 : j])
			maxIndex = max(maxIndex, n)
			dollar = true
			add(sqlToken{kind: tokPlaceholder, start: i, end: j, index: n - 1})
			i = j
		case c == '$' && (i+1 < len(q) && (q[i+1] == '$' || isIdentStart(q[i+1]))) && (i == 0 || !isIdentByte(q[i-1])):
			// A dollar-quoted body: $$...$$ or $tag$...$tag$.
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || isDigit(q[j])) {
				j++
			}
			if j >= len(q) || q[j] != '$' {
				add(sqlToken{kind: tokOther, start: i, end: i + 1})
				i++
				continue
			}
			tag := q[i : j+1]
			end := strings.Index(q[j+1:], tag)
			if end < 0 {
				add(sqlToken{kind: tokString, start: i, end: len(q), open: len(tag)})
				i = len(q)
				continue
			}
			stop := j + 1 + end + len(tag)
			add(sqlToken{kind: tokString, start: i, end: stop, open: len(tag), close: len(tag)})
			i = stop
		case c == '?':
			j := i + 1
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			t := sqlToken{kind: tokPlaceholder, start: i, end: j}
			if j > i+1 {
				n, _ := strconv.Atoi(q[i+1 : j])
				t.index = n - 1
				maxIndex = max(maxIndex, n)
			} else if j < len(q) && (q[j] == '|' || q[j] == '&' || q[j] == '?') {
				t = sqlToken{kind: tokOp, start: i, end: j + 1, text: q[i : j+1]}
				j++
			} else {
				maxIndex++
				t.index = maxIndex - 1
			}
			add(t)
			i = j
		case (c == ':' || c == '@') && i+1 < len(q) && (isIdentStart(q[i+1]) || isDigit(q[i+1])) && (i == 0 || q[i-1] != ':' && q[i-1] != '@' && !isIdentByte(q[i-1])):
			j := i + 1
			for j < len(q) && isIdentByte(q[j]) {
				j++
			}
			name := q[i+1 : j]
			t := sqlToken{kind: tokPlaceholder, start: i, end: j, text: name}
			switch n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(name, "p"), "P")); {
			case err == nil && n > 0 && (c == ':' && isDigit(name[0]) || c == '@' && !isDigit(name[0])):
				t.index = n - 1 // :1 (Oracle), @p1 (SQL Server)
				maxIndex = max(maxIndex, n)
			default:
				key := strings.ToLower(name)
				if n, ok := names[key]; ok {
					t.index = n
				} else {
					maxIndex++
					t.index = maxIndex - 1
					if names == nil {
						names = map[string]int{}
					}
					names[key] = t.index
				}
			}
			if isDigit(name[0]) {
				t.text = ""
			}
			add(t)
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(q) && isIdentByte(q[j]) {
				j++
			}
			add(sqlToken{kind: tokIdent, start: i, end: j, text: q[i:j]})
			i = j
		case isDigit(c) || c == '.' && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && (isDigit(q[j]) || q[j] == '.' || q[j] == 'e' || q[j] == 'E' || isLower(q[j]) || isUpper(q[j])) {
				j++
			}
			add(sqlToken{kind: tokNumber, start: i, end: j})
			i = j
		case c == '(':
			add(sqlToken{kind: tokLParen, start: i, end: i + 1})
			i++
		case c == ')':
			add(sqlToken{kind: tokRParen, start: i, end: i + 1})
			i++
		case c == ',':
			add(sqlToken{kind: tokComma, start: i, end: i + 1})
			i++
		case c == '.':
			add(sqlToken{kind: tokDot, start: i, end: i + 1})
			i++
		case strings.IndexByte("=<>!~+-*/%^|&:", c) >= 0:
			j := i + 1
			for j < len(q) && strings.IndexByte("=<>!~*|&:", q[j]) >= 0 {
				j++
			}
			add(sqlToken{kind: tokOp, start: i, end: j, text: q[i:j]})
			i = j
		default:
			add(sqlToken{kind: tokOther, start: i, end: i + 1})
			i++
		}
	}
	if dollar {
		// PostgreSQL numbers its placeholders; a ? is the jsonb operator.
		for k := range toks {
			if toks[k].kind == tokPlaceholder && q[toks[k].start] == '?' {
				toks[k].kind, toks[k].text = tokOp, "?"
			}
		}
	}
	return toks
}

// quoteEnd returns the index after the quote that closes the one at
// q[i], or len(q) when there is none. A doubled quote is part of the
// text; so is one after a backslash in a string (MySQL, PostgreSQL E”).
func quoteEnd(q string, i int, quote byte, backslash bool) int {
	for j := i + 1; j < len(q); j++ {
		switch {
		case backslash && q[j] == '\\':
			j++
		case q[j] == quote && j+1 < len(q) && q[j+1] == quote:
			j++
		case q[j] == quote:
			return j + 1
		}
	}
	return len(q)
}

// closeLen is the length of the closing quote of the literal q[start:end]:
// n, or 0 when the literal runs unterminated to the end.
func closeLen(q string, start, end, n int) int {
	if end-start >= 2*n && end <= len(q) && q[end-1] == q[start] {
		return n
	}
	return 0
}

func isIdentStart(c byte) bool { return isLower(c) || isUpper(c) || c == '_' || c >= 0x80 }
func isIdentByte(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '$' }
