//go:build !nodebugtoolbar

package budget_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

// exampleT stands for the test's *testing.T: it counts what Check reports.
type exampleT struct {
	testing.TB
	failures int
}

func (t *exampleT) Helper()                      {}
func (t *exampleT) Error(...any)                 { t.failures++ }
func (t *exampleT) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func Example() {
	// Any database opened with sqltrace; this one answers every query
	// with the rows 1, 2 and 3.
	db := sql.OpenDB(sqltrace.WrapConnector(&memdb.Connector{Shape: memdb.Full}))
	defer db.Close()

	// A page that lists the posts, then asks for each one's author: an N+1.
	// It has no toolbar middleware: Serve puts one around it.
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, _ := db.QueryContext(r.Context(), "SELECT id FROM posts")
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			var name string
			db.QueryRow("SELECT name FROM authors WHERE id = ?", id).Scan(&name) // with or without the context
		}
		fmt.Fprint(w, "<!doctype html><html><body>...</body></html>")
	})

	t := &exampleT{} // in a test, its *testing.T
	// Three similar queries make an N+1 here (the default is more).
	r := budget.Runner{Config: toolbar.Config{Thresholds: panels.Thresholds{NPlusOne: 3}}}
	rec := r.Serve(t, page, httptest.NewRequest("GET", "/posts", nil))
	fmt.Println(rec.Stats.Statements, "queries in", len(rec.Shapes), "shapes")
	for _, a := range rec.Alerts {
		fmt.Println("alert:", a.Kind)
	}

	ok := budget.Check(t, rec, budget.MaxQueries(5), budget.No(panels.AlertNPlusOne))
	fmt.Println("within budget:", ok, "- failures reported:", t.failures)
	// Output:
	// 4 queries in 2 shapes
	// alert: n_plus_one
	// alert: queries_without_context
	// within budget: false - failures reported: 1
}
