package datalayers

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

func openPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Tracer = pgxtrace.New()
	return pgxpool.NewWithConfig(ctx, cfg)
}
