package toolbartest_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// feedStore is a storage layer shaped like the ones real apps have (an RSS
// reader's): methods that take no context and call database/sql without
// one.
type feedStore struct{ db *sql.DB }

func (s *feedStore) Titles() ([]string, error) {
	rows, err := s.db.Query("SELECT title FROM posts ORDER BY id") // mark:titles
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *feedStore) MarkRead(id int) error {
	_, err := s.db.Exec("UPDATE posts SET title = title WHERE id = ?", id) // mark:markread
	return err
}

func (s *feedStore) Touch(id int) error {
	_, err := s.db.Exec("UPDATE posts SET title = title || '' WHERE id = ?", id) // mark:worker
	return err
}

// readerApp is the test app: http.ServeMux, a store without contexts, a
// handler that starts a goroutine, a worker pool started at boot, and a
// handler that never closes its rows.
type readerApp struct {
	store            *feedStore
	jobs             chan job
	leaked           []*sql.Rows
	mu               sync.Mutex
	release, flushed chan struct{}
}

type job struct {
	id   int
	done chan error
}

func newReaderApp(t *testing.T, db *sql.DB) *readerApp {
	a := &readerApp{store: &feedStore{db}, jobs: make(chan job), release: make(chan struct{}), flushed: make(chan struct{})}
	for range 2 { // the pool starts before any request
		go func() {
			for j := range a.jobs {
				j.done <- a.store.Touch(j.id)
			}
		}()
	}
	t.Cleanup(func() {
		close(a.jobs)
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, r := range a.leaked {
			r.Close()
		}
	})
	return a
}

func (a *readerApp) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds", func(w http.ResponseWriter, r *http.Request) {
		titles, err := a.store.Titles()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		json.NewEncoder(w).Encode(titles)
	})
	mux.HandleFunc("POST /read/{id}", func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		var err error
		wg.Go(func() { err = a.store.MarkRead(1) }) // a goroutine the handler starts
		wg.Wait()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /touch/{id}", func(w http.ResponseWriter, r *http.Request) {
		j := job{id: 2, done: make(chan error, 1)}
		a.jobs <- j // the work is done by a pool started at boot
		if err := <-j.done; err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /flush/{id}", func(w http.ResponseWriter, r *http.Request) {
		go func() { // outlives the request, as miniflux's go store.FlushHistory() does
			<-a.release
			a.store.Touch(3)
			close(a.flushed)
		}()
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /leak", func(w http.ResponseWriter, r *http.Request) {
		rows, err := a.store.db.QueryContext(r.Context(), "SELECT id FROM posts") // mark:leak
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		a.mu.Lock()
		a.leaked = append(a.leaked, rows) // never closed by the handler
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// markLine is the line of nocontext_test.go that carries "// mark:name".
func markLine(t *testing.T, name string) int {
	t.Helper()
	return markLineIn(t, "nocontext_test.go", name)
}

// markLineIn is the line of file that carries "// mark:name".
func markLineIn(t *testing.T, file, name string) int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// mark:"+name) {
			return i + 1
		}
	}
	t.Fatalf("no line marked %s", name)
	return 0
}

// serveRecord serves a request from a loopback client and returns its
// record, as the JSON API sends it.
func serveRecord(t *testing.T, h http.Handler, method, path string) apiRecord {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(method, path, nil)
	r.RemoteAddr = "127.0.0.1:1"
	h.ServeHTTP(w, r)
	if w.Code >= 400 {
		t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
	}
	id := w.Header().Get("X-Debug-Token")
	if id == "" {
		t.Fatalf("%s %s was not observed", method, path)
	}
	return apiRecordOf(t, h, id)
}

func hasAlert(rec apiRecord, kind, fragment string) bool {
	for _, a := range rec.Alerts {
		if a.Kind == kind && strings.Contains(a.Message+" "+a.Fix, fragment) {
			return true
		}
	}
	return false
}

func TestQueriesWithoutTheRequestsContextLandOnTheirRequest(t *testing.T) {
	db := openDB(t)
	a := newReaderApp(t, db)
	tb := newToolbar(t, toolbar.Config{})
	h := tb.Middleware(a.routes())
	file := "nocontext_test.go"

	t.Run("db.Query without a context in the handler", func(t *testing.T) {
		rec := serveRecord(t, h, "GET", "/feeds")
		if len(rec.Queries) != 1 {
			t.Fatalf("%d queries recorded, want 1: %+v", len(rec.Queries), rec.Queries)
		}
		q := rec.Queries[0]
		if !q.NoContext || filepath.Base(q.Caller.File) != file || q.Caller.Line != markLine(t, "titles") {
			t.Errorf("query %+v: want no_context and the caller %s:%d", q, file, markLine(t, "titles"))
		}
		if !hasAlert(rec, "queries_without_context", "r.Context()") {
			t.Errorf("no queries_without_context alert with the fix: %+v", rec.Alerts)
		}
	})

	t.Run("db.Exec without a context in a goroutine the handler starts", func(t *testing.T) {
		rec := serveRecord(t, h, "POST", "/read/1")
		if len(rec.Queries) != 1 || !rec.Queries[0].NoContext || rec.Queries[0].Caller.Line != markLine(t, "markread") {
			t.Errorf("queries %+v: want the goroutine's exec at line %d, no_context", rec.Queries, markLine(t, "markread"))
		}
	})

	t.Run("a worker pool started at boot is outside any request", func(t *testing.T) {
		rec := serveRecord(t, h, "POST", "/touch/2")
		if len(rec.Queries) != 0 {
			t.Errorf("the pool's query landed on the request: %+v", rec.Queries)
		}
		if rec.UnattributedCount != 1 || !hasAlert(rec, "unattributed_queries", fmt.Sprintf("%s:%d", file, markLine(t, "worker"))) {
			t.Errorf("unattributed %d, alerts %+v: want 1 and an alert naming %s:%d", rec.UnattributedCount, rec.Alerts, file, markLine(t, "worker"))
		}
		out := apiRecordOf(t, h, toolbar.OutsideID)
		if !out.Outside || len(out.Queries) == 0 {
			t.Fatalf("the outside entry: %+v", out)
		}
		last := out.Queries[len(out.Queries)-1]
		if !strings.HasPrefix(last.SQL, "UPDATE posts SET title = title ||") || last.Caller.Line != markLine(t, "worker") {
			t.Errorf("the outside entry's last query is %+v, want the worker's at line %d", last, markLine(t, "worker"))
		}
		w := serveLocal(h, "/__debug__/api/v1/requests")
		listed := false
		for _, s := range decodeList(t, w.Body.Bytes()) {
			listed = listed || s.ID == toolbar.OutsideID && s.Outside
		}
		if !listed {
			t.Errorf("the history does not list the outside entry: %s", w.Body)
		}
	})

	t.Run("a goroutine that outlives its request is kept outside any request", func(t *testing.T) {
		before := len(apiRecordOf(t, h, toolbar.OutsideID).Queries)
		serveRecord(t, h, "POST", "/flush/1")
		close(a.release) // the request has ended, and no other is in flight
		<-a.flushed
		out := apiRecordOf(t, h, toolbar.OutsideID)
		if len(out.Queries) != before+1 {
			t.Fatalf("the outside entry has %d queries, want %d: the left-behind goroutine's exec is missing", len(out.Queries), before+1)
		}
		if last := out.Queries[before]; last.Caller.Line != markLine(t, "worker") {
			t.Errorf("the left-behind exec is %+v, want the store's line %d", last, markLine(t, "worker"))
		}
	})

	t.Run("rows never closed are in the record", func(t *testing.T) {
		rec := serveRecord(t, h, "GET", "/leak")
		if len(rec.Queries) != 1 || !rec.Queries[0].Unclosed || rec.Queries[0].Caller.Line != markLine(t, "leak") {
			t.Errorf("queries %+v: want the unclosed query at line %d", rec.Queries, markLine(t, "leak"))
		}
		var leaked int
		for _, a := range rec.Alerts {
			if a.Kind != "leaked_rows" {
				continue
			}
			leaked++
			if len(a.Sites) != 1 || filepath.Base(a.Sites[0].File) != file || a.Sites[0].Line != markLine(t, "leak") || !strings.Contains(a.Fix, "rows.Close()") {
				t.Errorf("leaked_rows alert %+v: want the site %s:%d and the fix rows.Close()", a, file, markLine(t, "leak"))
			}
		}
		if leaked != 1 {
			t.Errorf("%d leaked_rows alerts, want 1: %+v", leaked, rec.Alerts)
		}
	})

	t.Run("a Capture inside the request records into both", func(t *testing.T) {
		var captured int
		h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, got := sqltrace.Capture(r.Context())
			var title string
			if err := db.QueryRowContext(ctx, "SELECT title FROM posts WHERE id = 3").Scan(&title); err != nil {
				t.Error(err)
			}
			captured = got.Count()
		}))
		rec := serveRecord(t, h, "GET", "/capture")
		if captured != 1 || len(rec.Queries) != 1 {
			t.Errorf("the Capture has %d, the record %d queries; want 1 and 1", captured, len(rec.Queries))
		}
	})
}
