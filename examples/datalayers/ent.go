package datalayers

import (
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/callers/ent"
)

func openEnt(db *sql.DB) *ent.Client { // db from sqltrace.Open("pgx", dsn)
	return ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, db)))
}
