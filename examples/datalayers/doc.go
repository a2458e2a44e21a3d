// Package datalayers is the README's set-up of each data layer the
// toolbar records: database/sql, pgx through database/sql, pgxpool with
// pgxtrace, sqlx, GORM, ent, bun, and sqlc in its database/sql and pgx/v5
// modes. Each function is its section's code block, word for word
// (readme_test.go fails when the two drift apart), and its test runs it and
// checks with sqltrace.Capture that the queries made through it are
// recorded, each with the test's own line as its caller. The tests on
// PostgreSQL run when DEBUGTOOLBAR_POSTGRES_DSN is set.
package datalayers
