// Package sqlcdb is code in the form sqlc v1.31.1 generates for PostgreSQL
// with sql_package database/sql, from query.sql and schema.sql, written by
// hand (with sqlc's headers, so sqltrace takes it for generated code) so
// the examples run sqlc's code without sqlc.
package sqlcdb

import _ "embed"

// Schema creates the table the queries read.
//
//go:embed schema.sql
var Schema string
