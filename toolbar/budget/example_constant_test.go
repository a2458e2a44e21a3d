//go:build !nodebugtoolbar

package budget_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

// printT stands for the test's *testing.T: it prints the first line of
// what ConstantQueries reports.
type printT struct{ testing.TB }

func (printT) Helper() {}
func (printT) Errorf(format string, args ...any) {
	msg, _, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
	fmt.Println(msg)
}
func (printT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func ExampleConstantQueries() {
	// Any database opened with sqltrace.
	db := sql.OpenDB(sqltrace.WrapConnector(&memdb.Connector{Shape: memdb.Full}))
	defer db.Close()

	// The posts the page lists, which the test seeds; the page asks for
	// each one's author.
	var posts []int
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, id := range posts {
			var name string
			db.QueryRowContext(r.Context(), "SELECT name FROM authors WHERE id = ?", id).Scan(&name)
		}
	})

	t := printT{} // in a test, its *testing.T
	budget.ConstantQueries(t, page, httptest.NewRequest("GET", "/posts", nil), func(n int) {
		posts = posts[:0]
		for i := range n {
			posts = append(posts, i+1)
		}
	})
	// Output:
	// budget: GET /posts: the queries grow with the data (2 queries at n=2, 5 queries at n=5, 10 queries at n=10); 1 shape grew:
}
