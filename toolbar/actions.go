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
// keep working until the store evicts them). It is this process's list:
// another process sharing the store keeps its own.
func (tb *Toolbar) clearHistory(w http.ResponseWriter, r *http.Request) {
	tb.history.clearList(time.Now())
	writeJSON(w, http.StatusOK, struct {
		Cleared bool `json:"cleared"`
	}{true})
}
