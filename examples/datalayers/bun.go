package datalayers

import (
	"database/sql"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

func openBun(db *sql.DB) *bun.DB { // db from sqltrace.Open("pgx", dsn)
	return bun.NewDB(db, pgdialect.New())
}
