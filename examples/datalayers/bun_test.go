package datalayers

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

type Book struct {
	ID    int64 `bun:",pk,autoincrement"`
	Title string
}

func TestBun(t *testing.T) {
	db := openBun(openPostgres(t))
	ctx, got := sqltrace.Capture(t.Context())

	_, err := db.NewCreateTable().Model((*Book)(nil)).Exec(ctx)
	must(t, err)
	must(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&[]Book{{Title: "Dune"}, {Title: "Solaris"}}).Exec(ctx)
		return err
	}))
	var books []Book
	must(t, db.NewSelect().Model(&books).Where("title = ?", "Dune").Scan(ctx))
	if len(books) != 1 {
		t.Fatalf("read %v", books)
	}
	events := recorded(t, got, 3)
	statement(t, events, sqltrace.KindBegin)
	statement(t, events, sqltrace.KindCommit)
	// bun writes the values into the statement.
	if e := events[len(events)-1]; !strings.Contains(e.SQL, "'Dune'") || len(e.Args) != 0 {
		t.Errorf("the SELECT is recorded as %q with the arguments %#v, want the value in the SQL", e.SQL, e.Args)
	}
}
