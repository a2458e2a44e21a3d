package datalayers

import (
	"database/sql"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/examples/datalayers/internal/sqlcdb"
	"github.com/debugtoolbar/debugtoolbar/examples/datalayers/internal/sqlcpgx"
)

func newQueries(db *sql.DB) *sqlcdb.Queries { // db from sqltrace.Open("pgx", dsn)
	return sqlcdb.New(db)
}

func newPgxQueries(pool *pgxpool.Pool) *sqlcpgx.Queries { // pool from openPool, with pgxtrace's tracer
	return sqlcpgx.New(pool)
}
