package datalayers

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestEnt(t *testing.T) {
	client := openEnt(openPostgres(t))
	ctx, got := sqltrace.Capture(t.Context())

	must(t, client.Schema.Create(ctx))
	got.Reset() // the statements of a migration vary with ent's version
	u, err := client.User.Create().SetName("Ursula").Save(ctx)
	must(t, err)
	_, err = client.Post.Create().SetTitle("Earthsea").SetAuthor(u).Save(ctx)
	must(t, err)
	users, err := client.User.Query().WithPosts().All(ctx)
	must(t, err)
	if len(users) != 1 || len(users[0].Edges.Posts) != 1 {
		t.Fatalf("eager loading read %v", users)
	}
	recorded(t, got, 4) // two INSERTs, the users and their posts

	tx, err := client.Tx(ctx)
	must(t, err)
	_, err = tx.User.UpdateOne(u).SetName("Ursula K. Le Guin").Save(ctx)
	must(t, err)
	must(t, tx.Commit())
	events := recorded(t, got, 2) // UpdateOne updates, then reads the row back
	statement(t, events, sqltrace.KindBegin)
	statement(t, events, sqltrace.KindCommit)
}
