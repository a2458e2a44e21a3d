package toolbar

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
)

// The statements below are where the reading through internal/sqllex and
// the scanner redaction had before disagree, or where dialects do; in each,
// the doubt hides more.

func TestSQLArgumentsWhereReadingsDisagree(t *testing.T) {
	r := newRedactor(nil)
	for _, c := range []struct {
		name   string
		query  string
		args   []any
		hidden []int
	}{
		{"a ? in a statement with $n is a placeholder too (SQLite numbers it after $1)",
			"SELECT * FROM t WHERE id = $1 AND password = ?", []any{int64(7), "pw"}, []int{1}},
		{"?| and ?& are jsonb operators in both readings",
			"SELECT * FROM t WHERE tags ?| array['a'] AND flags ?& array['b'] AND password = ?", []any{"pw"}, []int{0}},
		{"?? is an operator or two placeholders: the argument is hidden under both numberings",
			"SELECT * FROM t WHERE data ?? 'k' AND password = ?", []any{"pw", "b", "c"}, []int{0, 2}},
		{"?|| is a placeholder and || to sqllex, ?| and | before: both numberings",
			"SELECT * FROM t WHERE a = ?||'x' AND password = ?", []any{"a", "pw"}, []int{0, 1}},
		{"a $name (SQLite) is judged by its name",
			"SELECT * FROM t WHERE x = $password", []any{"pw"}, []int{0}},
		{"a :name glued to = is a placeholder",
			"SELECT * FROM t WHERE password=:password AND name = ?", []any{"pw", "bob"}, []int{0}},
		{"@1 (SQLite) stays a placeholder, though sqllex reads @ and 1",
			"SELECT * FROM t WHERE password = @1", []any{"pw"}, []int{0}},
		{"a nested comment read flat leaves its tail as SQL",
			"SELECT * FROM t /* a /* b */ WHERE password = ? */", []any{"pw"}, []int{0}},
		{"a backslash ends no string to MySQL, but does to PostgreSQL: both are read",
			`SELECT 'a\' AND password = ? AND name = ?`, []any{"pw", "x"}, []int{0}},
		{"a comment nested in PostgreSQL hides what the flat reading takes for a string",
			"/* a /* b */ it's */ SELECT * FROM t WHERE password = ?", []any{"pw"}, []int{0}},
		{"digits glued to $n were a number and a placeholder",
			"SELECT * FROM t WHERE password = (0$1)", []any{"pw"}, []int{0}},
		{"a named argument is found by name whatever the numbering",
			"SELECT * FROM t WHERE data ?? 'k' AND password = :pw", []any{sql.Named("x", "a"), sql.Named("pw", "pw")}, []int{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hidden []int
			for i, a := range r.sqlArgs(c.query, c.args) {
				if na, ok := a.(sql.NamedArg); ok {
					a = na.Value
				}
				if a == Redacted {
					hidden = append(hidden, i)
				}
			}
			if !slices.Equal(hidden, c.hidden) {
				t.Errorf("redacted %v, want %v", hidden, c.hidden)
			}
		})
	}
}

func TestSQLTextWhereReadingsDisagree(t *testing.T) {
	r := newRedactor(nil)
	const x = Redacted
	for _, c := range []struct{ name, in, want string }{
		{"a prefixed string is one literal (the E was a name before, which hid nothing)",
			"UPDATE t SET password = E'hunter2', token = N'abc'",
			"UPDATE t SET password = E'" + x + "', token = N'" + x + "'"},
		{"\\v is whitespace",
			"UPDATE t SET password =\v'hunter2'",
			"UPDATE t SET password =\v'" + x + "'"},
		{"an array after a space is read as SQL, not as a [name]",
			"INSERT INTO t (a, password) VALUES (?, ARRAY ['hunter2'])",
			"INSERT INTO t (a, password) VALUES (?, ARRAY ['" + x + "'])"},
		{"a DSN in an array after a space is hidden",
			"SELECT * FROM t WHERE dsn = ANY (ARRAY ['host=db password=pw'])",
			"SELECT * FROM t WHERE dsn = ANY (ARRAY ['host=db password=" + x + "'])"},
		{"an unterminated [ is read as SQL",
			"SELECT [x FROM users WHERE password = 'hunter2'",
			"SELECT [x FROM users WHERE password = '" + x + "'"},
		{"a [name] stays one",
			"UPDATE [dbo].[users] SET [password] = 'hunter2'",
			"UPDATE [dbo].[users] SET [password] = '" + x + "'"},
		{"a dollar quote glued to a number was not one",
			"SELECT 1.5$$ FROM t WHERE password = 'hunter2' -- $$",
			"SELECT 1.5$$ FROM t WHERE password = '" + x + "' -- $$"},
		{"a $name before a literal was a name",
			"SELECT $password 'hunter2'",
			"SELECT $password '" + x + "'"},
		{"a literal after a backslash string, as PostgreSQL reads it",
			`UPDATE t SET a = 'x\', password = 'hunter2'`,
			`UPDATE t SET a = 'x\', password = '` + x + `'`},
		{"a literal after a nested comment, as PostgreSQL reads it",
			"/* a /* b */ it's */ UPDATE t SET password = 'hunter2'",
			"/* a /* b */ it's */ UPDATE t SET password = '" + x + "'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := r.sqlText(c.in); got != c.want {
				t.Errorf("sqlText(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestAStatementTooCostlyToReadIsHiddenWhole(t *testing.T) {
	r := newRedactor(nil)
	q := "SELECT " + strings.Repeat("[", 2000) + "'x' WHERE a = ?"
	info := r.sqlInfo(q)
	if info.text != Redacted || !info.all {
		t.Fatalf("sqlInfo(%.40q...) = %.60q, all %v", q, info.text, info.all)
	}
	if got := r.sqlArgsOf(info, []any{"a", 1}); got[0] != Redacted || got[1] != Redacted {
		t.Errorf("arguments %v, want all hidden", got)
	}
}
