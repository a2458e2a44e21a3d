package toolbar

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// router serves the toolbar's own URLs under the prefix. Only allowed
// clients reach it.
func (tb *Toolbar) router() http.Handler {
	r := chi.NewRouter()
	r.Use(tb.contained)
	r.Route(tb.cfg.Prefix[:len(tb.cfg.Prefix)-1], func(r chi.Router) {
		r.Get("/", tb.historyPage)
		r.Get("/requests/{id}", tb.requestPage)
		r.Get("/requests/{id}/panels/{panel}", tb.panelFragment)
		// Every method reaches it, for protect to refuse all but POST.
		r.Handle("/requests/{id}/queries/{n}/explain", tb.csrf.protect(http.HandlerFunc(tb.explainQuery)))
		r.Handle("/accepted", tb.csrf.protect(http.HandlerFunc(tb.acceptFinding)))
		r.Handle("/history/clear", tb.csrf.protect(http.HandlerFunc(tb.clearHistory)))
		r.Get("/requests/{id}/stacks/{stack}", tb.stackFragment)
		r.Get("/api/v1/requests", tb.apiList)
		r.Get("/api/v1/requests/{id}", tb.apiRequest)
		r.Get("/api/v1/requests/{id}/toolbar", tb.apiToolbar)
		r.Get("/static/{name}", serveAsset)
		r.Head("/static/{name}", serveAsset) // ServeContent answers HEAD itself
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "not found"})
	})
	return r
}

// contained turns a panic in the toolbar's own pages (a custom panel's
// bug, say) into a logged 500, instead of the cut connection net/http
// makes of it.
func (tb *Toolbar) contained(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			tb.log.Error("debugtoolbar: internal error serving the toolbar's own page", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			http.Error(w, "debugtoolbar: internal error; see the server's log", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name, content, ok := assets.Open(chi.URLParam(r, "name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(content))
}

// record finds the record the URL names, or answers 404.
func (tb *Toolbar) record(w http.ResponseWriter, r *http.Request) (*panels.Record, bool) {
	id := chi.URLParam(r, "id")
	rec, err := tb.Record(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{Error: ErrNotFound.Error()})
		return nil, false
	case err != nil:
		tb.log.Warn("debugtoolbar: reading the history store", "id", id, "error", err)
		writeJSON(w, http.StatusBadGateway, apiError{Error: "the history store failed: " + err.Error()})
		return nil, false
	}
	return rec, true
}

// summaries is the newest of the history, after the entry for work
// outside any request when there is some.
func (tb *Toolbar) summaries(ctx context.Context) ([]panels.Summary, error) {
	list, err := tb.history.list(ctx, tb.cfg.HistorySize)
	if out, ok := tb.outside.record(tb.cfg.Thresholds); ok {
		list = append([]panels.Summary{out.Summary()}, list...)
	}
	return list, err
}
