package toolbar

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAToolbarInsideAnotherObservedRequestStepsAside(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Observed(r.Context()) {
			t.Error("the handler's request is not observed")
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><html><body><p>hi</p></body></html>")
	})
	outer, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]http.Handler{
		"the same toolbar twice": outer.Middleware(outer.Middleware(page)),
		"another toolbar inside": outer.Middleware(inner.Middleware(page)),
	} {
		t.Run(name, func(t *testing.T) {
			before, _ := outer.History(t.Context())
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "127.0.0.1:1234"
			h.ServeHTTP(w, r)
			if n := strings.Count(w.Body.String(), `id="debugtoolbar-data"`); n != 1 {
				t.Errorf("the toolbar is in the page %d times", n)
			}
			after, _ := outer.History(t.Context())
			if len(after) != len(before)+1 || after[0].ID != w.Header().Get("X-Debug-Token") {
				t.Errorf("the outer toolbar kept %d records, the response names %q", len(after)-len(before), w.Header().Get("X-Debug-Token"))
			}
			if list, _ := inner.History(t.Context()); len(list) != 0 {
				t.Errorf("the inner toolbar kept %d records", len(list))
			}
		})
	}
}
