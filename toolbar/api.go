package toolbar

import (
	"encoding/json"
	"net/http"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// The JSON API, under Prefix + "api/v1/":
//
//	GET requests              the history, newest first: {"version": 1, "requests": [summary, ...]}
//	GET requests/{id}         one record, in panels.Record's JSON encoding
//	GET requests/{id}/toolbar what the toolbar's script shows of it
//
// A request's id is its X-Debug-Token header. Secrets are redacted as in
// every other view.

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// apiList is the history: the summary of each kept record.
type apiList struct {
	Version  int              `json:"version"`
	Requests []panels.Summary `json:"requests"`
	// Error says the history store failed; Requests are then those kept
	// in memory.
	Error string `json:"error,omitempty"`
}

func (tb *Toolbar) apiList(w http.ResponseWriter, r *http.Request) {
	list, err := tb.summaries(r.Context())
	out := apiList{Version: panels.RecordVersion, Requests: list}
	if out.Requests == nil {
		out.Requests = []panels.Summary{}
	}
	if err != nil {
		out.Error = err.Error()
	}
	writeJSON(w, http.StatusOK, out)
}

func (tb *Toolbar) apiRequest(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeJSON(w, http.StatusOK, rec)
	}
}

func (tb *Toolbar) apiToolbar(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeJSON(w, http.StatusOK, tb.toolbarData(rec, nil, nil))
	}
}
