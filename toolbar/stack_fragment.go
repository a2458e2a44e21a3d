package toolbar

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// stackFragment is one call stack of a record, which the SQL panel
// fetches when a query's stack is opened: the fragment of a request with
// a thousand queries carries the first few stacks only.
func (tb *Toolbar) stackFragment(w http.ResponseWriter, r *http.Request) {
	rec, ok := tb.record(w, r)
	if !ok {
		return
	}
	i, err := strconv.Atoi(chi.URLParam(r, "stack"))
	if err != nil || i < 0 || i >= len(rec.Stacks) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "no such stack"})
		return
	}
	writeHTML(w, tb.withRenderOptions(r), http.StatusOK, render.StackFragment(rec, int32(i)))
}

// withRenderOptions gives the panels rendered for r what they need from
// the toolbar: its prefix and the editor their links open.
func (tb *Toolbar) withRenderOptions(r *http.Request) *http.Request {
	return r.WithContext(render.WithOptions(r.Context(), render.Options{Prefix: tb.cfg.Prefix, Editor: tb.editor}))
}
