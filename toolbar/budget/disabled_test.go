//go:build nodebugtoolbar

package budget_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

func TestCompiledOutServeSkipsTheTest(t *testing.T) {
	var skipped bool
	t.Run("a test that serves", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		budget.Serve(t, http.NotFoundHandler(), httptest.NewRequest("GET", "/", nil))
	})
	if !skipped {
		t.Error("Serve did not skip the test")
	}
}
