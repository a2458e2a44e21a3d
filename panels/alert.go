package panels

import (
	"path/filepath"
	"strconv"
	"strings"
)

// Alert is something wrong with a request that the analysis found: what,
// where the fix belongs, and how to make it.
type Alert struct {
	Kind     AlertKind `json:"kind"`
	Severity Severity  `json:"severity"`
	// Message says what is wrong, in one line.
	Message string `json:"message"`
	// Sites are the lines of app code where the fix belongs, the most
	// relevant first: for an N+1, the loop that runs the query; for a
	// duplicate, every line that ran it.
	Sites []Frame `json:"sites"`
	// Queries are the indexes into Record.Queries the alert is about.
	Queries []int32 `json:"queries"`
	// Spans are the indexes into Record.Spans the alert is about (the
	// outgoing calls of a serial_http_calls, the call a transaction was
	// held open across).
	Spans []int32 `json:"spans,omitempty"`
	// Fix says how to fix it, in Go and SQL terms.
	Fix string `json:"fix"`
	// Accepted reports a finding the developer marked as known (by its
	// kind and first site, see [Alert.Key]): it is still listed, but it
	// does not raise the record's level.
	Accepted bool `json:"accepted,omitempty"`
}

// Key names a finding across requests: its kind and its first site, as
// "n_plus_one store/pets.go:45" (the file's last two path elements, so
// that it is the same on every machine). An alert without a site is its
// kind alone.
func (a *Alert) Key() string {
	if len(a.Sites) == 0 {
		return string(a.Kind)
	}
	var buf [128]byte
	return string(a.Sites[0].appendShort(append(append(buf[:0], a.Kind...), ' ')))
}

// short is a frame as "dir/file.go:45".
func (f Frame) short() string {
	var buf [96]byte
	return string(f.appendShort(buf[:0]))
}

// appendShort appends f.short().
func (f Frame) appendShort(b []byte) []byte {
	file := filepath.ToSlash(f.File)
	if i := strings.LastIndexByte(file, '/'); i > 0 {
		if j := strings.LastIndexByte(file[:i], '/'); j >= 0 {
			file = file[j+1:]
		}
	}
	return strconv.AppendInt(append(append(b, file...), ':'), int64(f.Line), 10)
}

// AlertKind names a class of problem.
type AlertKind string

// The kinds of alert the analysis raises.
const (
	AlertNPlusOne        AlertKind = "n_plus_one"
	AlertRowByRow        AlertKind = "row_by_row_writes"
	AlertDuplicate       AlertKind = "duplicate_query"
	AlertReadModifyWrite AlertKind = "read_modify_write"
	AlertUncached        AlertKind = "uncached_query"
	AlertSlowQuery       AlertKind = "slow_query"
	AlertQueryErrors     AlertKind = "query_error"
	AlertTooManyQueries  AlertKind = "too_many_queries"
	AlertQueriesCapped   AlertKind = "queries_dropped"
	AlertLargeResult     AlertKind = "large_result"
	AlertWideRows        AlertKind = "wide_rows"
	AlertOffset          AlertKind = "offset_pagination"
	AlertNoContext       AlertKind = "queries_without_context"
	AlertUnattributed    AlertKind = "unattributed_queries"
	AlertUnclosedRows    AlertKind = "leaked_rows"
	AlertOutside         AlertKind = "outside_any_request"
	// The runtime detectors (detect_pool.go, detect_tx.go, detect_http.go).
	AlertPoolWait        AlertKind = "pool_wait"
	AlertOpenTransaction AlertKind = "open_transaction"
	AlertTxAcrossHTTP    AlertKind = "transaction_across_http"
	AlertSerialHTTP      AlertKind = "serial_http_calls"
	// AlertMissingIndex is found in a query's plan (see Record.SetPlan):
	// a full scan of a table of more than a few rows, to filter or sort
	// on columns an index would serve.
	AlertMissingIndex AlertKind = "missing_index"
)
