package datalayers

import (
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func openPgx(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn) // with nothing to configure: sqltrace.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["application_name"] = "blog"
	return sqltrace.OpenDB(stdlib.GetConnector(*cfg)), nil
}
