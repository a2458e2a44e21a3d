// Package sqllex splits a SQL statement into tokens. It is the one lexer of
// sqltrace.Fingerprint, panels.FormatSQL and the toolbar's redaction of SQL,
// so that the shape of a statement, the statement shown to the user and what
// is hidden in it never disagree on where a string ends, what is a
// placeholder or which word is a keyword. (Redaction reads a statement a
// second time where another dialect would split it otherwise, see
// toolbar/redact_sql.go.)
//
// It reads bytes, not grammar, so it never fails: an unterminated string,
// quoted name or comment runs to the end of the statement. It reads each byte
// a bounded number of times, and never splits a UTF-8 sequence, which is
// always part of a name, a string, a quoted name or a comment. Between two
// tokens there is only ASCII whitespace.
//
//	lx := sqllex.New(sql)
//	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
//		fmt.Println(t.Kind, sql[t.Start:t.End])
//	}
//
// # Dialects
//
// A statement comes without its dialect, and where dialects disagree the
// lexer reads it one way:
//
//   - Strings are '..' with a doubled quote and a backslash escaping the next
//     byte, as in MySQL (standard PostgreSQL strings take a backslash as
//     itself), with the prefixes E'..', N'..', X'..' and B'..'; and
//     PostgreSQL's $$..$$ and $tag$..$tag$.
//   - Quoted names are "..", `..` and [..], each with its closing byte doubled
//     to escape it. A "[" right after an operand (a name that is not a
//     reserved word, a quoted name, ")" or the "]" of a subscript) opens a
//     subscript ("a[1]", "ARRAY[1]"); anywhere else, as in "[dbo].[Users]"
//     or "FROM[Users]", it starts a quoted name.
//   - Comments are -- to the end of the line and /* to the first */: they do
//     not nest. PostgreSQL nests them and MySQL does not; a nested comment
//     read flat leaves its tail as tokens, while a flat one read nested would
//     swallow the statement after it. "#" is PostgreSQL's operator, not a
//     MySQL comment.
//   - Numbers are integers, decimals (.5, 7.), exponents and 0x hex. Digits
//     glued to letters are a name ("3d_models", "0x1g"), as MySQL allows,
//     while a fraction or exponent ends the number, as in PostgreSQL: "1.5x"
//     is 1.5 and x. A sign is not part of its number (see [SignsNumber]).
//   - Placeholders are ?, ?1, $1, $name, :name, :1 and @p1; a MySQL user
//     variable (@var) reads as one, while @@version is a name. Inside a
//     subscript ":" is a slice ("a[1:n]"). "?|" and "?&" are PostgreSQL's
//     jsonb operators, but "?||" is a placeholder and "||", and the jsonb
//     operator "?" reads as a placeholder.
//   - A run of the bytes + - * / < > = ~ ! @ # % ^ & | is one operator, as in
//     PostgreSQL, ended by the start of a comment or of an @name; a last "+"
//     or "-" before a number is a token of its own ("=-1" is "=", "-", "1").
//     "::" is a cast, ":=" and ":" are operators.
//   - Keywords are one table ([Keyword]), matched without case; a word
//     right after a qualifying "." is a name, never a keyword ("t.order",
//     "t.true"). Only ASCII letters have a case, and only ASCII whitespace
//     separates tokens.
package sqllex
