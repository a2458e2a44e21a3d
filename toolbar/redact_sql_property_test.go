package toolbar

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// hidesWhatTheOldReadingHid fails t when the reading of query through
// sqllex shows an argument or a literal that the old scanner
// (redact_sql_old_test.go) hid.
func hidesWhatTheOldReadingHid(t *testing.T, r *redactor, query string) {
	t.Helper()
	old, oldEdits := oldReadSQL(r, query)
	slots, edits, ok := r.scanSQL(query, nil)
	if !ok {
		return // hidden whole
	}
	for _, e := range oldEdits {
		if !slices.ContainsFunc(edits, func(n sqlEdit) bool {
			return n.start <= e.start && e.end <= n.end && (n.text == Redacted || n == sqlEdit(e))
		}) {
			t.Errorf("%q: the old reading hid %q as %q, the new one shows it (edits %v)", query, query[e.start:e.end], e.text, edits)
		}
	}
	args := make([]any, 12)
	for i := range args {
		args[i] = fmt.Sprint("v", i)
	}
	hidden := func(info *sqlSecrets) (out []int) {
		for i, a := range r.sqlArgsOf(info, args) {
			if a == Redacted {
				out = append(out, i)
			}
		}
		return out
	}
	newHidden := hidden(&sqlSecrets{slots: slots})
	for _, i := range hidden(old) {
		if !slices.Contains(newHidden, i) {
			t.Errorf("%q: the old reading hid argument %d, the new one hides %v (slots %v)", query, i, newHidden, slots)
		}
	}
}

// sqlFragments are the pieces generated statements are made of: the shapes
// redaction reads, and the bytes where the old scanner and sqllex disagree.
var sqlFragments = []string{
	"INSERT INTO users", "INSERT OR REPLACE INTO", "users", "(", ")", ",", "VALUES", "VALUE", "SET", "UPDATE users",
	"SELECT", "*", "FROM", "WHERE", "AND", "OR", "IDENTIFIED BY", "WITH PASSWORD", "CREATE USER bob@localhost",
	"password", "name", "api_token", "u.password", "u", ".", `"password"`, "`password`", "[password]", "[dbo]", "email",
	"NOT", "IN", "LIKE", "rlike", "=", "<>", "!=", "<=>", "==", "~*",
	"?", "?2", "?1", "$1", "$2", ":password", ":name", ":1", "@p1", "@p2", "@name", "@1", "$name", "$password",
	"'lit'", "'it''s'", `'a\'b'`, "E'lit'", "N'lit'", "X'1F'", "$$lit$$", "$t$lit$t$", "$t$", "'host=db password=pw'",
	"1", "1.5", "0x1F", ".5", "crypt(", "lower(", "PASSWORD(", "ARRAY", "[", "]", "a[1:n]",
	"?|", "?&", "??", "?||", "@>", "<@", "#>", "::text", "::", ":", "||", "-", "+", "%",
	"--c\n", "/* c */", "/*", "*/", ";", "'", `"`, "$",
}

// "\v" is left out: the old scanner read it as a byte of its own, which
// ends a comparison as often as it hides one.
var sqlSeparators = []string{" ", " ", " ", "", "\n", "\t"}

// generateSQL makes a statement of n fragments. A number is never glued to
// a name after it: "1.5abc" is a number and a name to sqllex, a number to the
// old scanner, and no statement is written so. Nor are names that start with
// a digit generated: in a column list the old scanner skipped them, and bound
// the values after to the wrong columns.
func generateSQL(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		f := sqlFragments[rng.IntN(len(sqlFragments))]
		if s := b.String(); s != "" && isDigit(s[len(s)-1]) && (isIdentByte(f[0]) || f[0] == '.') {
			b.WriteByte(' ')
		}
		b.WriteString(f)
		b.WriteString(sqlSeparators[rng.IntN(len(sqlSeparators))])
	}
	return b.String()
}

func TestSQLRedactionHidesWhatTheOldScannerHid(t *testing.T) {
	r := newRedactor(nil)
	for _, q := range sqlRedactionSeeds {
		hidesWhatTheOldReadingHid(t, r, q)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		hidesWhatTheOldReadingHid(t, r, generateSQL(rng, 2+rng.IntN(14)))
		if t.Failed() {
			return
		}
	}
}

// FuzzSQLRedaction checks, on any bytes, that the reading of sqllex tokens
// hides what the old scanner hid. Its corpus is in
// testdata/fuzz/FuzzSQLRedaction.
func FuzzSQLRedaction(f *testing.F) {
	for _, q := range sqlRedactionSeeds {
		f.Add(q)
	}
	r := newRedactor(nil)
	f.Fuzz(func(t *testing.T, query string) {
		hidesWhatTheOldReadingHid(t, r, query)
	})
}

// sqlRedactionSeeds are the statements of the redaction tests and those
// where the two readings disagree.
var sqlRedactionSeeds = []string{
	"INSERT INTO users (name, password) VALUES (?, ?)",
	`INSERT INTO "users" ("name","password") VALUES ($1,$2) RETURNING "id"`,
	"INSERT INTO users (name, password_hash) VALUES (?, crypt(?, gen_salt('bf')))",
	"INSERT INTO users (name, api_token) VALUES (?, ?), (?, ?)",
	"INSERT INTO users SET name = ?, password = ?",
	"UPDATE `users` SET `name` = ?, `password` = ? WHERE `id` = ?",
	"SELECT * FROM users u WHERE u.api_token = ? AND u.name = ?",
	`SELECT * FROM users WHERE "api_token" = $2 AND name = $1`,
	"SELECT * FROM sessions WHERE token IN (?, ?)",
	"SELECT * FROM users WHERE ? = password",
	"SELECT * FROM users WHERE name = :name AND password = :password",
	"SELECT * FROM users WHERE password = ?2 AND name = ?1",
	"SELECT * FROM users WHERE name = @p1 AND password = @p2",
	"-- password = ?\nSELECT * FROM users WHERE name = ? /* token = ? */",
	"SELECT $$password = ?$$, name FROM users WHERE name = ?",
	"UPDATE users SET password = 'hunter2' WHERE id = 1",
	"ALTER USER bob WITH PASSWORD 'hunter2'",
	"CREATE USER bob IDENTIFIED BY 'hunter2'",
	"SELECT * FROM dblink('host=db password=hunter2', 'SELECT 1')",
	// Where the readings disagree.
	"SELECT * FROM t WHERE data ?| ARRAY['a'] AND password = ?",
	"SELECT * FROM t WHERE data ?? 'k' AND password = ?",
	"SELECT * FROM t WHERE a = ?||'x' AND password = ?",
	"SELECT * FROM t WHERE data ? 'k' AND id = $1 AND password = :pw",
	"SELECT * FROM t WHERE password=:password AND name = ?",
	"SELECT * FROM t WHERE a = $x AND password = ?",
	"SELECT * FROM t WHERE a = @1 AND password = ?",
	"SELECT a[1 :n], password FROM t WHERE password = ?",
	"SELECT * FROM t WHERE password = E'hunter2'",
	"UPDATE t SET password = N'hunter2'",
	"SELECT * FROM t WHERE token = ANY (ARRAY ['host=db password=pw'])",
	"INSERT INTO t (a, password) VALUES (?, ARRAY ['hunter2'])",
	"SELECT [x FROM users WHERE password = 'hunter2'",
	"SELECT 1.5$$ AND password = 'hunter2' $$",
	"SELECT * FROM t WHERE\vpassword =\v'hunter2'",
	"SELECT 'a\\' AND password = ?, ?",
	"SELECT * FROM t /* a /* b */ WHERE password = ? */",
}
