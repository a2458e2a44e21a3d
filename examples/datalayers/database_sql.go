package datalayers

import (
	"database/sql"

	_ "modernc.org/sqlite" // registers the driver "sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func openDB(dsn string) (*sql.DB, error) {
	return sqltrace.Open("sqlite", dsn) // the name you gave sql.Open: "postgres" (lib/pq), "mysql", ...
}
