// Package sqlcdb is code in the form sqlc v1.31.1 generates for SQLite from
// query.sql and schema.sql, written by hand (with sqlc's headers) so the
// callers tests run generated code without sqlc, plus this hand-written
// file, which stands for the code an app adds beside its generated queries.
package sqlcdb

import (
	"context"
	_ "embed"
)

// Schema creates the tables the queries read.
//
//go:embed schema.sql
var Schema string

// AuthorNames lists the authors' names: hand-written code calling generated
// code, so its own line is the caller of the query.
func (q *Queries) AuthorNames(ctx context.Context) ([]string, error) {
	authors, err := q.ListAuthors(ctx) //at:names
	if err != nil {
		return nil, err
	}
	names := make([]string, len(authors))
	for i, a := range authors {
		names[i] = a.Name
	}
	return names, nil
}
