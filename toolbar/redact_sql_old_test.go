package toolbar

// The reading of SQL for redaction as it was before it went through
// internal/sqllex: its own scanner of placeholders, literals, quoted names,
// dollar quotes and comments. Kept as the reference that
// redact_sql_property_test.go compares the reading of sqllex tokens with:
// whatever this one hid, that one hides too.

import (
	"strconv"
	"strings"
)

// oldReadSQL returns what the old reading learned of query, and the edits it
// made to its text.
func oldReadSQL(r *redactor, query string) (*sqlSecrets, []oldEdit) {
	toks := oldLexSQL(query)
	info := &sqlSecrets{text: query}
	inserted := oldInsertColumns(toks)
	var edits []oldEdit
	for k := range toks {
		t := &toks[k]
		switch t.kind {
		case oldTokPlaceholder:
			if oldSecretValue(r, toks, k, inserted) || t.text != "" && r.secret(t.text) {
				info.slots = append(info.slots, sqlSlot{index: t.index, alt: t.index, name: t.text})
			}
		case oldTokString:
			content := query[t.start+t.open : t.end-t.close]
			if oldSecretValue(r, toks, k, inserted) || oldSecretLiteral(r, toks, k) {
				edits = append(edits, oldEdit{t.start + t.open, t.end - t.close, Redacted})
			} else if hidden := redactText(content); hidden != content {
				edits = append(edits, oldEdit{t.start + t.open, t.end - t.close, hidden})
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
	return info, edits
}

type oldEdit struct {
	start, end int
	text       string
}

// oldSecretValue reports whether the value token toks[k] (a placeholder or a
// literal) stands for a secret column.
func oldSecretValue(r *redactor, toks []oldToken, k int, inserted map[int]string) bool {
	if col, ok := inserted[k]; ok {
		return r.secret(col)
	}
	// Back from the value to the comparison it is the right side of,
	// through the calls and lists it is inside: col = f(x, ?).
	for j := k - 1; j >= 0; j-- {
		t := &toks[j]
		switch {
		case t.kind == oldTokLParen || t.kind == oldTokComma || t.kind == oldTokPlaceholder || t.kind == oldTokString || t.kind == oldTokNumber:
			continue
		case t.kind == oldTokIdent && oldComparisonWord(t.text):
			return oldSecretColumnBefore(r, toks, j)
		case t.kind == oldTokIdent && j+1 < len(toks) && toks[j+1].kind == oldTokLParen:
			if r.secret(t.text) {
				return true // PASSWORD('x')
			}
			continue // a function called on the value
		case t.kind == oldTokOp && oldComparison(t.text):
			return oldSecretColumnBefore(r, toks, j)
		}
		break
	}
	// A value on the left: ? = col.
	if k+2 < len(toks) && toks[k+1].kind == oldTokOp && oldComparison(toks[k+1].text) && toks[k+2].kind == oldTokIdent {
		j := k + 2
		for j+2 < len(toks) && toks[j+1].kind == oldTokDot && toks[j+2].kind == oldTokIdent {
			j += 2
		}
		if j+1 < len(toks) && toks[j+1].kind == oldTokLParen {
			return false
		}
		return r.secret(toks[j].text)
	}
	return false
}

// oldSecretColumnBefore reports whether the column left of the comparison at
// toks[j] is secret ("u.password =", "token NOT IN").
func oldSecretColumnBefore(r *redactor, toks []oldToken, j int) bool {
	j--
	if j >= 0 && toks[j].kind == oldTokIdent && strings.EqualFold(toks[j].text, "not") {
		j--
	}
	return j >= 0 && toks[j].kind == oldTokIdent && r.secret(toks[j].text)
}

// oldSecretLiteral reports whether a literal follows a secret keyword with no
// comparison: "WITH PASSWORD 'x'", "IDENTIFIED BY 'x'".
func oldSecretLiteral(r *redactor, toks []oldToken, k int) bool {
	if k == 0 || toks[k-1].kind != oldTokIdent || toks[k-1].quoted {
		return false
	}
	prev := toks[k-1].text
	if strings.EqualFold(prev, "by") {
		return k >= 2 && toks[k-2].kind == oldTokIdent && strings.EqualFold(toks[k-2].text, "identified")
	}
	return r.secret(prev)
}

func oldComparison(op string) bool {
	switch op {
	case "=", "==", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "!~*":
		return true
	}
	return false
}

func oldComparisonWord(w string) bool {
	for _, c := range [...]string{"in", "like", "ilike", "glob", "regexp", "rlike"} {
		if strings.EqualFold(w, c) {
			return true
		}
	}
	return false
}

// oldInsertColumns maps each value token inside the VALUES rows of an INSERT
// with a column list to its column's name.
func oldInsertColumns(toks []oldToken) map[int]string {
	var out map[int]string
	for k := 0; k < len(toks); k++ {
		if toks[k].kind != oldTokIdent || toks[k].quoted || !strings.EqualFold(toks[k].text, "insert") {
			continue
		}
		// INSERT [INTO] table [(cols)] VALUES (...), (...)
		j := k + 1
		for j < len(toks) && toks[j].kind == oldTokIdent && !toks[j].quoted && oldIsInsertModifier(toks[j].text) {
			j++
		}
		for j < len(toks) && (toks[j].kind == oldTokIdent || toks[j].kind == oldTokDot) {
			if toks[j].kind == oldTokIdent && !toks[j].quoted && strings.EqualFold(toks[j].text, "values") {
				break
			}
			j++
		}
		if j >= len(toks) || toks[j].kind != oldTokLParen {
			continue
		}
		var cols []string
		for j++; j < len(toks) && toks[j].kind != oldTokRParen; j++ {
			if toks[j].kind == oldTokIdent {
				cols = append(cols, toks[j].text) // the last identifier of a.b wins
				if j+1 < len(toks) && toks[j+1].kind == oldTokDot {
					cols = cols[:len(cols)-1]
				}
			}
		}
		j++
		if j >= len(toks) || toks[j].kind != oldTokIdent || !(strings.EqualFold(toks[j].text, "values") || strings.EqualFold(toks[j].text, "value")) {
			continue
		}
		// The rows: the n-th element of each, at depth 1, is column n's.
		depth, elem := 0, 0
		for j++; j < len(toks); j++ {
			switch toks[j].kind {
			case oldTokLParen:
				depth++
				if depth == 1 {
					elem = 0
				}
				continue
			case oldTokRParen:
				depth--
				continue
			case oldTokComma:
				if depth == 1 {
					elem++
				}
				continue
			}
			if depth == 0 {
				break
			}
			if (toks[j].kind == oldTokPlaceholder || toks[j].kind == oldTokString) && elem < len(cols) {
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

func oldIsInsertModifier(w string) bool {
	for _, m := range [...]string{"into", "or", "replace", "ignore", "low_priority", "delayed", "high_priority", "abort", "fail", "rollback"} {
		if strings.EqualFold(w, m) {
			return true
		}
	}
	return false
}

// A oldToken is one token of a statement.
type oldToken struct {
	kind        oldTokKind
	start, end  int    // its bytes in the statement
	open, close int    // the lengths of a literal's quotes, around its content
	text        string // an identifier (unquoted), an operator, or a placeholder's name
	quoted      bool   // an identifier in quotes
	index       int    // a placeholder's argument index, -1 when it has only a name
}

type oldTokKind uint8

const (
	oldTokOther oldTokKind = iota
	oldTokIdent
	oldTokString
	oldTokNumber
	oldTokPlaceholder
	oldTokOp
	oldTokLParen
	oldTokRParen
	oldTokComma
	oldTokDot
)

// oldLexSQL splits a statement into tokens, leaving out spaces and comments.
// Placeholders get the argument index SQLite gives them: ?NNN, $n, :n and
// @pN their number, a bare ? or a new name one more than the largest so
// far.
func oldLexSQL(q string) []oldToken {
	toks := make([]oldToken, 0, 32)
	maxIndex := 0            // the largest placeholder number so far, 1-based
	var names map[string]int // the index of each :name and @name, lower-case
	dollar := false          // the statement uses $n: a ? is an operator
	add := func(t oldToken) { toks = append(toks, t) }
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
			end := oldQuoteEnd(q, i, '\'', true)
			add(oldToken{kind: oldTokString, start: i, end: end, open: 1, close: oldCloseLen(q, i, end, 1)})
			i = end
		case c == '"' || c == '`':
			end := oldQuoteEnd(q, i, c, false)
			add(oldToken{kind: oldTokIdent, start: i, end: end, text: q[i+1 : end-oldCloseLen(q, i, end, 1)], quoted: true})
			i = end
		case c == '[' && i+1 < len(q) && (oldIsIdentStart(q[i+1]) || q[i+1] == ' '):
			end := strings.IndexByte(q[i:], ']')
			if end < 0 {
				add(oldToken{kind: oldTokOther, start: i, end: i + 1})
				i++
				continue
			}
			add(oldToken{kind: oldTokIdent, start: i, end: i + end + 1, text: q[i+1 : i+end], quoted: true})
			i += end + 1
		case c == '$' && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			n, _ := strconv.Atoi(q[i+1 : j])
			maxIndex = max(maxIndex, n)
			dollar = true
			add(oldToken{kind: oldTokPlaceholder, start: i, end: j, index: n - 1})
			i = j
		case c == '$' && (i+1 < len(q) && (q[i+1] == '$' || oldIsIdentStart(q[i+1]))) && (i == 0 || !oldIsIdentByte(q[i-1])):
			// A dollar-quoted body: $$...$$ or $tag$...$tag$.
			j := i + 1
			for j < len(q) && (oldIsIdentStart(q[j]) || isDigit(q[j])) {
				j++
			}
			if j >= len(q) || q[j] != '$' {
				add(oldToken{kind: oldTokOther, start: i, end: i + 1})
				i++
				continue
			}
			tag := q[i : j+1]
			end := strings.Index(q[j+1:], tag)
			if end < 0 {
				add(oldToken{kind: oldTokString, start: i, end: len(q), open: len(tag)})
				i = len(q)
				continue
			}
			stop := j + 1 + end + len(tag)
			add(oldToken{kind: oldTokString, start: i, end: stop, open: len(tag), close: len(tag)})
			i = stop
		case c == '?':
			j := i + 1
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			t := oldToken{kind: oldTokPlaceholder, start: i, end: j}
			if j > i+1 {
				n, _ := strconv.Atoi(q[i+1 : j])
				t.index = n - 1
				maxIndex = max(maxIndex, n)
			} else if j < len(q) && (q[j] == '|' || q[j] == '&' || q[j] == '?') {
				t = oldToken{kind: oldTokOp, start: i, end: j + 1, text: q[i : j+1]}
				j++
			} else {
				maxIndex++
				t.index = maxIndex - 1
			}
			add(t)
			i = j
		case (c == ':' || c == '@') && i+1 < len(q) && (oldIsIdentStart(q[i+1]) || isDigit(q[i+1])) && (i == 0 || q[i-1] != ':' && q[i-1] != '@' && !oldIsIdentByte(q[i-1])):
			j := i + 1
			for j < len(q) && oldIsIdentByte(q[j]) {
				j++
			}
			name := q[i+1 : j]
			t := oldToken{kind: oldTokPlaceholder, start: i, end: j, text: name}
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
		case oldIsIdentStart(c):
			j := i + 1
			for j < len(q) && oldIsIdentByte(q[j]) {
				j++
			}
			add(oldToken{kind: oldTokIdent, start: i, end: j, text: q[i:j]})
			i = j
		case isDigit(c) || c == '.' && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && (isDigit(q[j]) || q[j] == '.' || q[j] == 'e' || q[j] == 'E' || isLower(q[j]) || isUpper(q[j])) {
				j++
			}
			add(oldToken{kind: oldTokNumber, start: i, end: j})
			i = j
		case c == '(':
			add(oldToken{kind: oldTokLParen, start: i, end: i + 1})
			i++
		case c == ')':
			add(oldToken{kind: oldTokRParen, start: i, end: i + 1})
			i++
		case c == ',':
			add(oldToken{kind: oldTokComma, start: i, end: i + 1})
			i++
		case c == '.':
			add(oldToken{kind: oldTokDot, start: i, end: i + 1})
			i++
		case strings.IndexByte("=<>!~+-*/%^|&:", c) >= 0:
			j := i + 1
			for j < len(q) && strings.IndexByte("=<>!~*|&:", q[j]) >= 0 {
				j++
			}
			add(oldToken{kind: oldTokOp, start: i, end: j, text: q[i:j]})
			i = j
		default:
			add(oldToken{kind: oldTokOther, start: i, end: i + 1})
			i++
		}
	}
	if dollar {
		// PostgreSQL numbers its placeholders; a ? is the jsonb operator.
		for k := range toks {
			if toks[k].kind == oldTokPlaceholder && q[toks[k].start] == '?' {
				toks[k].kind, toks[k].text = oldTokOp, "?"
			}
		}
	}
	return toks
}

// oldQuoteEnd returns the index after the quote that closes the one at
// q[i], or len(q) when there is none. A doubled quote is part of the
// text; so is one after a backslash in a string (MySQL, PostgreSQL E”).
func oldQuoteEnd(q string, i int, quote byte, backslash bool) int {
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

// oldCloseLen is the length of the closing quote of the literal q[start:end]:
// n, or 0 when the literal runs unterminated to the end.
func oldCloseLen(q string, start, end, n int) int {
	if end-start >= 2*n && end <= len(q) && q[end-1] == q[start] {
		return n
	}
	return 0
}

func oldIsIdentStart(c byte) bool { return isLower(c) || isUpper(c) || c == '_' || c >= 0x80 }
func oldIsIdentByte(c byte) bool  { return oldIsIdentStart(c) || isDigit(c) || c == '$' }
