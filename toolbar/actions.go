package toolbar

import (
	"net/http"
	"time"
)

// acceptFinding accepts a finding, or stops accepting it (accepted=0),
// by its key: from the next request on, its alerts are listed muted and
// do not colour the toolbar. Records already kept keep what they had.
func (tb *Toolbar) acceptFinding(w http.ResponseWriter, r *http.Request) {
	key, on := r.PostFormValue("key"), r.PostFormValue("accepted") != "0"
	if err := tb.accept.set(key, on); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Key      string `json:"key"`
		Accepted bool   `json:"accepted"`
	}{key, on})
}

// clearHistory empties the history's list: the requests kept so far are
// no longer listed, though their pages stay where they are (links to them
// keep working until the store evicts them). A store that keeps the mark
// (ListClearer) clears the list of every process on it, and after a
// restart; with another, it is this process's list, until it stops.
func (tb *Toolbar) clearHistory(w http.ResponseWriter, r *http.Request) {
	if err := tb.history.clearList(r.Context(), time.Now()); err != nil {
		tb.log.Warn("debugtoolbar: could not keep in the history store that the list was cleared; it is cleared in this process only", "error", err)
	}
	writeJSON(w, http.StatusOK, struct {
		Cleared bool `json:"cleared"`
	}{true})
}
