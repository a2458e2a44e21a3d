// Command offapp calls every function of the toolbar's API, for the test
// that checks what a binary built with -tags nodebugtoolbar links
// (TestNodebugtoolbarLinksNoToolbar). It serves only when given an
// address.
package main

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

func main() {
	tb, err := toolbar.New(toolbar.Config{Panels: toolbar.DefaultPanels()})
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: toolbar.Transport(nil)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		toolbar.SetRoute(ctx, "/")
		toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "get", Key: "home", Duration: time.Millisecond})
		end := toolbar.StartSpan(ctx, "render")
		list, _ := tb.History(ctx)
		_, err := tb.Record(ctx, r.URL.Query().Get("id"))
		fmt.Fprintf(w, "<html><body>observed: %v, %d kept, not found: %v</body></html>", toolbar.Observed(ctx), len(list), errors.Is(err, toolbar.ErrNotFound))
		end(nil)
	})
	h := tb.Middleware(mux)
	if len(os.Args) > 1 {
		_ = client
		err := http.ListenAndServe(os.Args[1], h)
		tb.Close()
		log.Fatal(err)
	}
}
