package toolbar

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
)

// SQL arguments reach the driver without names as often as with them:
// GORM, sqlx's NamedExec (rebound to ? or $n before the driver sees it) and
// hand-written statements pass the password of "INSERT INTO users (name,
// password) VALUES (?, ?)" as the second positional argument. So the
// statement is read, in the tokens of internal/sqllex, to learn which column
// each placeholder stands for:
//
//   - in an INSERT with a column list, the n-th value of each VALUES row
//     is the n-th column's (a value that is an expression, crypt(?, ...),
//     included);
//   - elsewhere, the column compared with it: "col = ?", "SET col = ?",
//     "col IN (?, ?)", "col LIKE ?", "? = col", "col = lower(?)";
//   - a named placeholder (:password, @password, $password) is also judged
//     by its own name.
//
// The same reading hides a literal where a placeholder would be: "SET
// password = 'hunter2'", "PASSWORD 'x'", "IDENTIFIED BY 'x'", and a
// password inside any literal ("dblink('host=db password=x')").
//
// # Where the readings of SQL disagree
//
// Placeholders are numbered as SQLite numbers them: ?NNN, $n, :n and @pN
// by their number, a bare ? or a new name one more than the largest so far.
// sqllex reads some bytes as placeholders that the scanner redaction had
// before did not ($name, :name glued to a name or an operator, every ? of
// "??" and "?||", a ? in a statement that uses $n), and a few the other way
// (@1, ":n" inside a subscript). Where the two disagree, the placeholders
// after it have two numberings, and a secret one hides its argument under
// both (sqlSlot.alt): a doubt hides more, never less.
//
// Where sqllex takes bytes into one token that the scanner before read as
// SQL, so that a literal in them would go unseen, they are read again: a
// [name] that the scanner ended at its first "]" or did not take for a name
// ("ARRAY ['x']", an unterminated "["), when values could be in it, a token
// that runs out of such a [name], a dollar quote glued to a number or
// placeholder ("1.5$$...$$"), and a name that starts with digits glued to
// more than letters ("0$1"). A $name, :name or @name the scanner before did
// not count stays a name to the comparisons ("$password 'x'"). A statement
// that would need more reading again than its own length is hidden whole.
//
// sqllex reads strings and comments as MySQL does (a backslash escapes,
// comments do not nest). A statement where PostgreSQL would read them
// otherwise (a '..' string that holds a backslash, a comment that holds a
// "/*") is read a second time its way, and what either reading hides is
// hidden: "SET a = 'x\', password = 'y'" is one string to MySQL and two to
// PostgreSQL.

// sqlSecrets is what the toolbar learned of one statement text: the
// placeholders that stand for secrets, and the text with secret literals
// hidden.
type sqlSecrets struct {
	slots []sqlSlot
	text  string
	all   bool // the statement could not be read: every argument is hidden
}

// sqlSlot is a placeholder: the argument it binds, by position (-1 when
// unknown) and by name for :name, @name and $name. alt is its position under
// the other numbering (see above), equal to index when both agree.
type sqlSlot struct {
	index, alt int
	name       string
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
	hide := func(i int) {
		if i < 0 || i >= len(args) {
			return
		}
		if na, ok := args[i].(sql.NamedArg); ok {
			set(i, sql.Named(na.Name, Redacted))
		} else {
			set(i, Redacted)
		}
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
	if info.all {
		for i := range args {
			hide(i)
		}
		return args
	}
	for _, s := range info.slots {
		if s.name != "" {
			if j := namedArg(args, s.name); j >= 0 {
				hide(j)
				continue
			}
		}
		hide(s.index)
		hide(s.alt)
	}
	return args
}

// namedArg returns the index of the sql.NamedArg called name in args, or -1.
func namedArg(args []any, name string) int {
	for j, a := range args {
		if na, ok := a.(sql.NamedArg); ok && strings.EqualFold(na.Name, name) {
			return j
		}
	}
	return -1
}

// sqlText returns query with its secret literals hidden.
func (r *redactor) sqlText(query string) string { return r.sqlInfo(query).text }

// sqlInfo reads query, or finds it read before.
func (r *redactor) sqlInfo(query string) *sqlSecrets {
	if len(query) > sqlCacheMaxText {
		return r.readSQL(query)
	}
	r.sqlMu.Lock()
	info, ok := r.lastInfo, r.lastInfo != nil && r.lastSQL == query
	if !ok {
		if info, ok = r.sqlCache[query]; ok {
			r.lastSQL, r.lastInfo = query, info
		}
	}
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
	r.lastSQL, r.lastInfo = query, info
	r.sqlMu.Unlock()
	return info
}

func (r *redactor) readSQL(query string) *sqlSecrets {
	var buf [8]sqlEdit
	info := &sqlSecrets{text: query}
	slots, edits, ok := r.scanSQL(query, buf[:0])
	if !ok {
		info.text, info.all = Redacted, true
		return info
	}
	info.slots = slots
	if len(edits) > 0 {
		var b strings.Builder
		b.Grow(len(query) + len(edits)*len(Redacted))
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

// sqlEdit replaces query[start:end] with text.
type sqlEdit struct {
	start, end int
	text       string
}

// scanSQL returns the secret placeholders of query and the edits that hide
// its secret literals, appended to edits; false when query could not be read
// within its bound. A statement with a string that holds a backslash or a
// comment that holds a "/*" is read a second time as PostgreSQL reads it (see
// sqlReading), and what either reading hides is hidden.
func (r *redactor) scanSQL(query string, edits []sqlEdit) ([]sqlSlot, []sqlEdit, bool) {
	slots, edits, doubt, ok := r.scanReading(query, edits, mysqlReading)
	if !ok || !doubt {
		return slots, edits, ok
	}
	more, moreEdits, _, ok := r.scanReading(query, nil, postgresReading)
	if !ok {
		return nil, edits, false
	}
	return append(slots, more...), mergeEdits(edits, moreEdits), true
}

// sqlReading is how a statement's strings and comments are read where
// dialects disagree.
type sqlReading bool

const (
	// mysqlReading is sqllex's: a backslash escapes the next byte of a
	// string, and comments do not nest.
	mysqlReading sqlReading = false
	// postgresReading takes a backslash in a '..' string as itself
	// (standard_conforming_strings) and nests /* comments.
	postgresReading sqlReading = true
)

// scanReading is scanSQL in one reading. doubt reports whether the other
// reading could read query otherwise.
func (r *redactor) scanReading(query string, edits []sqlEdit, reading sqlReading) (slots []sqlSlot, _ []sqlEdit, doubt, ok bool) {
	var buf [64]sqlTok
	toks, doubt, ok := lexSecrets(query, buf[:0], reading)
	if !ok {
		return nil, edits, false, false
	}
	numberSQL(query, toks)
	insertColumns(query, toks)
	for k := range toks {
		t := &toks[k]
		switch t.Kind {
		case sqllex.Placeholder:
			if r.secretValue(query, toks, k) || t.name != "" && r.secret(t.name) {
				slots = append(slots, t.slot())
			}
		case sqllex.String:
			start, end := stringContent(query, t.Token)
			content := query[start:end]
			if r.secretValue(query, toks, k) || r.secretLiteral(query, toks, k) {
				edits = append(edits, sqlEdit{start, end, Redacted})
			} else if hidden := redactText(content); hidden != content {
				edits = append(edits, sqlEdit{start, end, hidden})
			}
		}
	}
	return slots, edits, doubt, true
}

// mergeEdits returns the edits of two readings, each in order, in order;
// where they overlap and differ, the bytes of both are hidden.
func mergeEdits(a, b []sqlEdit) []sqlEdit {
	all := append(a, b...)
	slices.SortStableFunc(all, func(x, y sqlEdit) int { return x.start - y.start })
	out := all[:0]
	for _, e := range all {
		if n := len(out); n > 0 && e.start < out[n-1].end {
			last := &out[n-1]
			if e != *last {
				last.end, last.text = max(last.end, e.end), Redacted
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

// A sqlTok is a token of a statement as redaction reads it: a sqllex token
// (comments left out) and what was learned of it.
type sqlTok struct {
	sqllex.Token
	col int // for a value of an INSERT's VALUES rows, 1 + the token index of its column

	// For a placeholder: its name (:name, @name, $name, @p1), whether each
	// numbering counts it (the old scanner's, sqllex's), its argument index
	// in each (-1 when not counted).
	name           string
	inOld, inNew   bool
	oldIdx, newIdx int
	oldWord        bool // a placeholder whose name the old scanner read as a word: $name, x:name, =:name
}

func (t *sqlTok) slot() sqlSlot {
	s := sqlSlot{index: t.newIdx, alt: t.oldIdx, name: t.name}
	if !t.inNew {
		s.index = t.oldIdx
	}
	if !t.inOld {
		s.alt = s.index
	}
	return s
}

// lexSecrets appends the tokens of q to toks, without comments, reading
// again what sqllex takes whole and the old scanner did not (see above), in
// reading. doubt reports whether the other reading would read a string or
// comment otherwise. It returns false when that would read more than q's
// length again.
func lexSecrets(q string, toks []sqlTok, reading sqlReading) (_ []sqlTok, doubt, ok bool) {
	budget := len(q) + 256
	base := 0
	lx := sqllex.New(q)
	var prev sqllex.Token // the last token, comments included
	oldQuoted := 0        // the end of the last [name] as the old scanner read it
	consumed := -1        // a "?" the old scanner took into "??"
	for {
		t, more := lx.Next()
		if !more {
			return toks, doubt, true
		}
		t.Start += base
		t.End += base
		read := t.End // how far sqllex read
		again := -1   // where to read again from
		switch t.Kind {
		case sqllex.Comment:
			if q[t.Start] == '/' && strings.Contains(q[t.Start+2:t.End], "/*") {
				doubt = true
				if reading == postgresReading {
					t.End = nestedCommentEnd(q, t.Start)
					again = t.End
				}
			}
			if again < 0 {
				prev = t
				continue
			}
		case sqllex.QuotedName, sqllex.SubscriptOpen:
			if q[t.Start] != '[' {
				break
			}
			end := oldBracketEnd(q, t.Start)
			oldQuoted = max(oldQuoted, end)
			if t.Kind == sqllex.QuotedName && end != t.End && strings.ContainsAny(q[max(end, t.Start+1):t.End], "'$?:@") {
				again = t.Start + 1
				if end > 0 {
					again = end
				} else {
					t.Kind = sqllex.Other
				}
			}
		case sqllex.String:
			switch c := q[t.Start] | 0x20; {
			case c == '$':
				if t.Start > 0 && isIdentByte(q[t.Start-1]) {
					again, t.Kind = t.Start+1, sqllex.Other
				}
			case c != 'e' && strings.IndexByte(q[t.Start:t.End], '\\') >= 0:
				doubt = true
				if reading == postgresReading {
					t.End = standardStringEnd(q, strings.IndexByte(q[t.Start:t.End], '\'')+t.Start)
					again = t.End
				}
			}
		case sqllex.Word:
			// A name that starts with a digit was a number to the old
			// scanner, to the first byte that is not a letter, digit or
			// ".": "0$1" was 0 and $1.
			if isDigit(q[t.Start]) {
				end := t.Start
				for end < t.End && (isLower(q[end]) || isUpper(q[end]) || isDigit(q[end]) || q[end] == '.') {
					end++
				}
				if end < t.End {
					t.Kind, again = sqllex.Number, end
				}
			}
		case sqllex.Operator:
			// The old scanner read @1 and, in a subscript, :n as
			// placeholders; sqllex reads an operator and a name or number.
			s := t.End - 1
			if c := q[s]; (c == '@' || c == ':') && t.End < len(q) && (isIdentStart(q[t.End]) || isDigit(q[t.End])) && oldPlaceholderStart(q, s, t.Start < s || gluedOp(q, prev, s)) {
				if s > t.Start {
					toks = append(toks, sqlTok{Token: sqllex.Token{Start: t.Start, End: s, Kind: sqllex.Operator}})
				}
				t = sqllex.Token{Start: s, End: s + 1, Kind: sqllex.Placeholder}
				for t.End < len(q) && isIdentByte(q[t.End]) {
					t.End++
				}
				again = t.End
			}
		}
		if again < 0 && t.Start < oldQuoted && t.End > oldQuoted {
			// A token that runs out of a [name] as the old scanner read it
			// (a "[" sqllex takes for a subscript: a[x"]...) ends with it.
			t.End, again = oldQuoted, oldQuoted
		}
		if again >= 0 {
			budget -= max(read-again, 0)
			if budget < 0 {
				return toks, doubt, false
			}
			t.End, base = again, again
			lx = sqllex.New(q[base:])
		}
		if t.Kind == sqllex.Comment {
			prev = t
			continue
		}
		tk := sqlTok{Token: t, oldIdx: -1, newIdx: -1}
		if t.Kind == sqllex.Placeholder {
			tk.inNew = again < 0 // not one read again as the old scanner read it
			tk.inOld = !tk.inNew || t.Start >= oldQuoted && oldCounts(q, t, prev, &consumed)
			c := q[t.Start]
			tk.oldWord = !tk.inOld && (c == '$' || c == ':' || c == '@') && isIdentStart(q[t.Start+1])
		}
		toks = append(toks, tk)
		prev = t
	}
}

// standardStringEnd returns the end of the string whose quote is at i as
// PostgreSQL reads it: a doubled quote escapes one, a backslash is itself.
func standardStringEnd(q string, i int) int {
	for j := i + 1; j < len(q); j++ {
		if q[j] == '\'' {
			if j+1 < len(q) && q[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

// nestedCommentEnd returns the end of the comment whose "/*" is at i as
// PostgreSQL reads it, where comments nest.
func nestedCommentEnd(q string, i int) int {
	depth := 0
	for j := i; j+1 < len(q); j++ {
		switch {
		case q[j] == '/' && q[j+1] == '*':
			depth++
			j++
		case q[j] == '*' && q[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(q)
}

// oldBracketEnd returns the end of the [name] at i as the old scanner read
// it, to its first "]", or 0 where it read a lone "[".
func oldBracketEnd(q string, i int) int {
	if i+1 < len(q) && (isIdentStart(q[i+1]) || q[i+1] == ' ') {
		if k := strings.IndexByte(q[i:], ']'); k >= 0 {
			return i + k + 1
		}
	}
	return 0
}

// oldPlaceholderStart reports whether the old scanner started a :name or
// @name at q[i]: not glued to a name, ":" or "@", and a ":" not glued to an
// operator (afterOp), whose run took it in.
func oldPlaceholderStart(q string, i int, afterOp bool) bool {
	if i == 0 {
		return true
	}
	c := q[i-1]
	if isIdentByte(c) || c == ':' || c == '@' {
		return false
	}
	return !(q[i] == ':' && afterOp && strings.IndexByte("=<>!~+-*/%^|&", c) >= 0)
}

// gluedOp reports whether prev is an operator that ends at i and that the old
// scanner read as a run of operator bytes (not its ?| or ?&).
func gluedOp(q string, prev sqllex.Token, i int) bool {
	return prev.Kind == sqllex.Operator && prev.End == i && q[prev.Start] != '?'
}

// oldCounts reports whether the old scanner counted the sqllex placeholder
// t, after prev: not a $name, not the ? of "??", "?|" or "?&".
func oldCounts(q string, t, prev sqllex.Token, consumed *int) bool {
	switch q[t.Start] {
	case '?':
		if t.Start == *consumed {
			return false
		}
		if t.End == t.Start+1 && t.End < len(q) {
			switch q[t.End] {
			case '?':
				*consumed = t.End
				return false
			case '|', '&':
				return false
			}
		}
		return true
	case '$':
		return isDigit(q[t.Start+1])
	}
	return oldPlaceholderStart(q, t.Start, gluedOp(q, prev, t.Start))
}

// numberSQL gives each placeholder its argument index in both numberings,
// as SQLite numbers them: ?NNN, $n, :n and @pN their number, a bare ? or a
// new name one more than the largest so far.
func numberSQL(q string, toks []sqlTok) {
	var maxOld, maxNew int
	var names map[string][2]int // the index of each name in each numbering, lower-case
	for k := range toks {
		t := &toks[k]
		if t.Kind != sqllex.Placeholder {
			continue
		}
		c, body := q[t.Start], q[t.Start+1:t.End]
		n, explicit, key := 0, false, ""
		switch {
		case c == '?' && body == "":
		case c == '?' || c == '$' && isDigit(body[0]):
			n, _ = strconv.Atoi(body)
			explicit = true
		case c == '$':
			key, t.name = strings.ToLower(body), body
		default: // : and @
			m, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(body, "p"), "P"))
			if err == nil && m > 0 && (c == ':' && isDigit(body[0]) || c == '@' && !isDigit(body[0])) {
				n, explicit = m, true // :1 (Oracle), @p1 (SQL Server)
			} else {
				key = strings.ToLower(body)
			}
			if !isDigit(body[0]) {
				t.name = body
			}
		}
		number := func(maxIdx *int, which int) int {
			switch {
			case explicit:
				*maxIdx = max(*maxIdx, n)
				return n - 1
			case key != "":
				if ix, ok := names[key]; ok && ix[which] >= 0 {
					return ix[which]
				}
				*maxIdx++
				if names == nil {
					names = map[string][2]int{}
				}
				ix, ok := names[key]
				if !ok {
					ix = [2]int{-1, -1}
				}
				ix[which] = *maxIdx - 1
				names[key] = ix
				return *maxIdx - 1
			}
			*maxIdx++
			return *maxIdx - 1
		}
		if t.inOld {
			t.oldIdx = number(&maxOld, 0)
		}
		if t.inNew {
			t.newIdx = number(&maxNew, 1)
		}
	}
}

// stringContent returns the bounds of the content of the string literal t,
// inside its quotes and prefix (E'..', $tag$..$tag$); an unterminated one
// runs to its end.
func stringContent(q string, t sqllex.Token) (start, end int) {
	if q[t.Start] == '$' {
		tag := q[t.Start : strings.IndexByte(q[t.Start+1:t.End], '$')+t.Start+2]
		if t.End-t.Start >= 2*len(tag) && strings.HasSuffix(q[t.Start:t.End], tag) {
			return t.Start + len(tag), t.End - len(tag)
		}
		return t.Start + len(tag), t.End
	}
	start = strings.IndexByte(q[t.Start:t.End], '\'') + t.Start + 1
	if t.End-start >= 1 && q[t.End-1] == '\'' {
		return start, t.End - 1
	}
	return start, t.End
}

// isIdent reports whether t is a name, quoted or not, or was one to the old
// scanner.
func (t *sqlTok) isIdent() bool {
	return t.Kind == sqllex.Word || t.Kind == sqllex.QuotedName || t.oldWord
}

// ident returns the name t spells, without its quotes.
func ident(q string, t *sqlTok) string {
	if t.oldWord {
		return t.name
	}
	s := q[t.Start:t.End]
	if t.Kind == sqllex.QuotedName {
		closing := s[0]
		if closing == '[' {
			closing = ']'
		}
		s = s[1:]
		if len(s) > 0 && s[len(s)-1] == closing {
			s = s[:len(s)-1]
		}
	}
	return s
}

// wordIs reports whether t is the unquoted word w, in any case.
func wordIs(q string, t *sqlTok, kw sqllex.Keyword, w string) bool {
	if t.Kind != sqllex.Word {
		return false
	}
	if kw != 0 {
		return t.Keyword == kw
	}
	return strings.EqualFold(q[t.Start:t.End], w)
}

// secretValue reports whether the value token toks[k] (a placeholder or a
// literal) stands for a secret column.
func (r *redactor) secretValue(q string, toks []sqlTok, k int) bool {
	if c := toks[k].col; c > 0 {
		return r.secret(ident(q, &toks[c-1]))
	}
	// Back from the value to the comparison it is the right side of,
	// through the calls and lists it is inside: col = f(x, ?).
walk:
	for j := k - 1; j >= 0; j-- {
		t := &toks[j]
		switch {
		case t.oldWord && j+1 < len(toks) && toks[j+1].Kind == sqllex.Open:
			if r.secret(t.name) {
				return true // $password('x'), read as password('x') before
			}
			continue
		case t.Kind == sqllex.Open || t.Kind == sqllex.Comma || t.Kind == sqllex.Placeholder || t.Kind == sqllex.String || t.Kind == sqllex.Number:
			continue
		case t.Kind == sqllex.Word && isDigit(q[t.Start]):
			continue // 1F, 3d: a number to the old scanner
		case t.Kind == sqllex.Word && comparisonWord(q, t):
			if r.secretColumnBefore(q, toks, j) {
				return true
			}
			break walk // but the value may be the left side of another: x = ? = password
		case t.isIdent() && j+1 < len(toks) && toks[j+1].Kind == sqllex.Open:
			if r.secret(ident(q, t)) {
				return true // PASSWORD('x')
			}
			continue // a function called on the value
		case t.Kind == sqllex.Operator && comparison(q[t.Start:t.End]):
			if r.secretColumnBefore(q, toks, j) {
				return true
			}
		}
		break
	}
	// A value on the left: ? = col.
	if k+2 < len(toks) && toks[k+1].Kind == sqllex.Operator && comparison(q[toks[k+1].Start:toks[k+1].End]) && toks[k+2].isIdent() {
		j := k + 2
		for j+2 < len(toks) && isDot(q, &toks[j+1]) && toks[j+2].isIdent() {
			j += 2
		}
		if j+1 < len(toks) && toks[j+1].Kind == sqllex.Open {
			return false
		}
		return r.secret(ident(q, &toks[j]))
	}
	return false
}

// isDot reports whether t is a ".", qualifying or not.
func isDot(q string, t *sqlTok) bool {
	return t.Kind == sqllex.Dot || t.Kind == sqllex.Other && q[t.Start] == '.'
}

// secretColumnBefore reports whether the column left of the comparison at
// toks[j] is secret ("u.password =", "token NOT IN").
func (r *redactor) secretColumnBefore(q string, toks []sqlTok, j int) bool {
	j--
	if j >= 0 && toks[j].Keyword == sqllex.Not {
		j--
	}
	return j >= 0 && toks[j].isIdent() && r.secret(ident(q, &toks[j]))
}

// secretLiteral reports whether a literal follows a secret keyword with no
// comparison: "WITH PASSWORD 'x'", "IDENTIFIED BY 'x'".
func (r *redactor) secretLiteral(q string, toks []sqlTok, k int) bool {
	if k == 0 || toks[k-1].Kind != sqllex.Word && !toks[k-1].oldWord {
		return false
	}
	if wordIs(q, &toks[k-1], sqllex.By, "") {
		return k >= 2 && wordIs(q, &toks[k-2], 0, "identified")
	}
	return r.secret(ident(q, &toks[k-1]))
}

func comparison(op string) bool {
	switch op {
	case "=", "==", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "!~*":
		return true
	}
	return false
}

func comparisonWord(q string, t *sqlTok) bool {
	switch t.Keyword {
	case sqllex.In, sqllex.Like, sqllex.Ilike, sqllex.Glob, sqllex.Regexp:
		return true
	case 0:
		return strings.EqualFold(q[t.Start:t.End], "rlike")
	}
	return false
}

// insertColumns sets the col of each value token inside the VALUES rows of
// an INSERT with a column list.
func insertColumns(q string, toks []sqlTok) {
	var buf [16]int
	for k := 0; k < len(toks); k++ {
		if toks[k].Keyword != sqllex.Insert {
			continue
		}
		// INSERT [INTO] table [(cols)] VALUES (...), (...)
		j := k + 1
		for j < len(toks) && isInsertModifier(q, &toks[j]) {
			j++
		}
		for j < len(toks) && (toks[j].isIdent() || isDot(q, &toks[j])) && toks[j].Keyword != sqllex.Values {
			j++
		}
		if j >= len(toks) || toks[j].Kind != sqllex.Open {
			continue
		}
		cols := buf[:0]
		for j++; j < len(toks) && toks[j].Kind != sqllex.Close; j++ {
			if toks[j].isIdent() && !(j+1 < len(toks) && isDot(q, &toks[j+1])) {
				cols = append(cols, j) // the last name of a.b
			}
		}
		j++
		if j >= len(toks) || !wordIs(q, &toks[j], sqllex.Values, "") && !wordIs(q, &toks[j], 0, "value") {
			continue
		}
		// The rows: the n-th element of each, at depth 1, is column n's.
		depth, elem := 0, 0
	rows:
		for j++; j < len(toks); j++ {
			switch toks[j].Kind {
			case sqllex.Open:
				depth++
				if depth == 1 {
					elem = 0
				}
				continue
			case sqllex.Close:
				depth--
				continue
			case sqllex.Comma:
				if depth == 1 {
					elem++
				}
				continue
			}
			if depth == 0 {
				break rows
			}
			if (toks[j].Kind == sqllex.Placeholder || toks[j].Kind == sqllex.String) && elem < len(cols) {
				toks[j].col = cols[elem] + 1
			}
		}
		k = j
	}
}

func isInsertModifier(q string, t *sqlTok) bool {
	switch t.Keyword {
	case sqllex.Into, sqllex.Or, sqllex.Replace, sqllex.Ignore, sqllex.Rollback:
		return true
	case 0:
		if t.Kind == sqllex.Word {
			w := q[t.Start:t.End]
			for _, m := range [...]string{"low_priority", "delayed", "high_priority", "abort", "fail"} {
				if strings.EqualFold(w, m) {
					return true
				}
			}
		}
	}
	return false
}

func isIdentStart(c byte) bool { return isLower(c) || isUpper(c) || c == '_' || c >= 0x80 }
func isIdentByte(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '$' }
