package toolbar

import "testing"

// benchStatements are the statements an app runs most: an ORM's INSERT and
// UPDATE with a secret column among others.
var benchStatements = []struct{ name, query string }{
	{"insert", `INSERT INTO "users" ("created_at","updated_at","name","email","password_hash","role") VALUES ($1,$2,$3,$4,$5,$6) RETURNING "id"`},
	{"update", "UPDATE `users` SET `name` = ?, `email` = ?, `password` = ?, `updated_at` = ? WHERE `id` = ? AND `deleted_at` IS NULL"},
}

// BenchmarkReadSQL reads a statement the cache has not seen (the cost of its
// first run), beside the scanner redaction had before (redact_sql_old_test.go),
// and redacts the arguments of one it has (the cost of every later run).
func BenchmarkReadSQL(b *testing.B) {
	r := newRedactor(nil)
	args := []any{"a", "b", "c", "d", "e", int64(7)}
	for _, s := range benchStatements {
		b.Run(s.name+"/first", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.readSQL(s.query)
			}
		})
		b.Run(s.name+"/first-old-scanner", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				oldReadSQL(r, s.query)
			}
		})
		b.Run(s.name+"/cached", func(b *testing.B) {
			b.ReportAllocs()
			r.sqlArgs(s.query, args)
			for b.Loop() {
				r.sqlArgs(s.query, args)
			}
		})
	}
}
