// Package dbhelper stands for a team's own thin database helper: with
// defaults its line is the caller of the queries it runs; named with
// sqltrace.WithSkipPackages, the line that called it is.
package dbhelper

import (
	"context"
	"database/sql"
)

// Count returns the number of rows of table.
func Count(ctx context.Context, db *sql.DB, table string) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n) //at:count
	return n, err
}
