package toolbar

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// pageCSP is the toolbar's own pages' Content-Security-Policy: nothing
// but its own scripts, styles and requests.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// writeHTML renders c into a buffer first, so a failure is a clean 500.
func writeHTML(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var b bytes.Buffer
	if err := c.Render(r.Context(), &b); err != nil {
		http.Error(w, "debugtoolbar: render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (tb *Toolbar) pageData() render.PageData {
	return render.PageData{Prefix: tb.cfg.Prefix, Styles: tb.assets.pageStyles, Scripts: tb.assets.pageScripts, Token: tb.csrf.token}
}

func (tb *Toolbar) historyPage(w http.ResponseWriter, r *http.Request) {
	list, err := tb.summaries(r.Context())
	if err != nil {
		tb.log.Warn("debugtoolbar: listing the history store", "error", err)
	}
	writeHTML(w, r, http.StatusOK, render.HistoryPage(tb.pageData(), list, render.ParseHistoryFilter(r.URL.Query())))
}

func (tb *Toolbar) requestPage(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeHTML(w, tb.withRenderOptions(r), http.StatusOK, render.RequestPage(tb.pageData(), rec, tb.panels))
	}
}

// panelFragment is one panel's HTML, which the toolbar fetches when the
// panel is opened.
func (tb *Toolbar) panelFragment(w http.ResponseWriter, r *http.Request) {
	rec, ok := tb.record(w, r)
	if !ok {
		return
	}
	p, ok := render.ByID(tb.panels, chi.URLParam(r, "panel"))
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{Error: "no such panel"})
		return
	}
	writeHTML(w, tb.withRenderOptions(r), http.StatusOK, p.Content(rec))
}
