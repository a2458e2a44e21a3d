package datalayers

import (
	"database/sql"

	"github.com/jmoiron/sqlx"
)

func openSQLX(db *sql.DB) *sqlx.DB { // db from sqltrace.Open("pgx", dsn)
	return sqlx.NewDb(db, "pgx") // the driver's own name: sqlx picks $1 placeholders from it
}
