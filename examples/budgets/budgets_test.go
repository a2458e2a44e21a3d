package budgets_test

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/examples/budgets"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

func openStore(t *testing.T) *budgets.Store {
	t.Helper()
	store, err := budgets.Open(filepath.Join(t.TempDir(), "blog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Seed(3); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestPostsPageKeepsToItsBudget(t *testing.T) {
	store := openStore(t)
	rec := budget.Serve(t, budgets.Routes(store), httptest.NewRequest("GET", "/posts", nil))
	budget.Check(t, rec, budget.MaxQueries(1), budget.No(panels.AlertNPlusOne, panels.AlertDuplicate))
}

func TestPostsPageRunsAsManyQueriesWhateverThePosts(t *testing.T) {
	store := openStore(t)
	budget.ConstantQueries(t, budgets.Routes(store), httptest.NewRequest("GET", "/posts", nil), func(n int) {
		if err := store.Seed(n); err != nil {
			t.Fatal(err)
		}
	})
}
