package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
)

// importSize is how many rows the import pages insert.
const importSize = 200

// importFile is the "CSV" the import pages load: 200 comments, the same
// every time.
func importFile() []ImportedComment {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]ImportedComment, importSize)
	for i := range out {
		out[i] = ImportedComment{
			PostID:     int64(1 + rng.IntN(seedPosts)),
			AuthorName: firstNames[rng.IntN(len(firstNames))],
			Body:       fmt.Sprintf("Imported comment %d: %s", i+1, sentences(rng, 1)),
		}
	}
	return out
}

// importView is what the import pages show.
type importView struct {
	Imported int64
	Sample   []ImportedComment
}

// bulkInsertBad imports the comments one INSERT at a time, each in its own
// implicit transaction. The scratch table is emptied first so every load
// imports the same rows.
func (a *app) bulkInsertBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.store.ClearImports(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	var n int64
	for _, c := range a.imports {
		if err := a.store.ImportComment(ctx, c); err != nil {
			a.fail(w, r, err)
			return
		}
		n++
	}
	a.page(w, r, pairBulkInsert, false, importPage(importView{Imported: n, Sample: a.imports[:5]}))
}

// bulkInsertFix imports them with one multi-row INSERT in a transaction.
func (a *app) bulkInsertFix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.store.ClearImports(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.store.ImportComments(ctx, a.imports)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairBulkInsert, true, importPage(importView{Imported: n, Sample: a.imports[:5]}))
}
