package callers_test

import (
	"context"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
)

type Shelf struct {
	bun.BaseModel `bun:"table:shelves"`
	ID            int64 `bun:",pk,autoincrement"`
	Name          string
	Volumes       []*Volume `bun:"rel:has-many,join:id=shelf_id"`
}

type Volume struct {
	ID      int64 `bun:",pk,autoincrement"`
	ShelfID int64
	Title   string
}

func TestBun(t *testing.T) {
	db := bun.NewDB(openSQLite(t), sqlitedialect.New())
	ctx, got := sqltrace.Capture(t.Context())

	_, err := db.NewCreateTable().Model((*Shelf)(nil)).Exec(ctx) //at:bun.create-table
	must(t, err)
	wantCallers(t, got, at("bun.create-table"))
	_, err = db.NewCreateTable().Model((*Volume)(nil)).Exec(ctx)
	must(t, err)
	got.Reset()

	s := &Shelf{Name: "sf"}
	_, err = db.NewInsert().Model(s).Exec(ctx) //at:bun.insert
	must(t, err)
	_, err = db.NewInsert().Model(&[]Volume{{ShelfID: s.ID, Title: "Dune"}, {ShelfID: s.ID, Title: "Solaris"}}).Exec(ctx) //at:bun.insert-many
	must(t, err)
	wantCallers(t, got, at("bun.insert"), at("bun.insert-many"))

	var shelves []Shelf
	must(t, db.NewSelect().Model(&shelves).Relation("Volumes").Scan(ctx)) //at:bun.relation
	if len(shelves) != 1 || len(shelves[0].Volumes) != 2 {
		t.Fatalf("relation read %v", shelves)
	}
	wantCallers(t, got, at("bun.relation"), at("bun.relation"))

	must(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { //at:bun.tx
		_, err := tx.NewUpdate().Model(s).Set("name = ?", "science fiction").WherePK().Exec(ctx) //at:bun.tx.update
		return err
	}))
	wantCallers(t, got, at("bun.tx"), at("bun.tx.update"), at("bun.tx"))

	var n int
	must(t, db.NewRaw("SELECT count(*) FROM volumes WHERE shelf_id = ?", s.ID).Scan(ctx, &n)) //at:bun.raw
	wantCallers(t, got, at("bun.raw"))
}
