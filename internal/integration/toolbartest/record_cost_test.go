package toolbartest_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// pointQueries is a JSON handler that runs n point queries, as an API
// endpoint with an N+1 does.
func pointQueries(db *sql.DB, n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range n {
			var v string
			db.QueryRowContext(r.Context(), "SELECT v FROM t WHERE id = ?", i%50+1).Scan(&v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
}

// BenchmarkThousandQueryRequest compares a request that runs 1,000 queries
// bare and observed: the toolbar's cost of recording them, finishing the
// record (grouping, counting, alerts) and keeping it in the history.
func BenchmarkThousandQueryRequest(b *testing.B) {
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	benchBareAndObserved(b, pointQueries(db, 1000), "/api/feed")
}

// BenchmarkRetainedBytesPerQuery fills a history of 100 records of 1,000
// point queries each and reports what it holds per query, after a
// collection: what the history costs the heap (and the collector's
// marking) per recorded query.
func BenchmarkRetainedBytesPerQuery(b *testing.B) {
	const records, queries = 100, 1000
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	h := pointQueries(db, queries)
	for b.Loop() {
		b.StopTimer()
		before := heapAfterGC()
		tb, err := toolbar.New(toolbar.Config{HistorySize: records})
		if err != nil {
			b.Fatal(err)
		}
		mw := tb.Middleware(h)
		b.StartTimer()
		for range records {
			r := httptest.NewRequestWithContext(context.Background(), "GET", "/api/feed", nil)
			r.RemoteAddr = "127.0.0.1:52000"
			mw.ServeHTTP(httptest.NewRecorder(), r)
		}
		b.StopTimer()
		b.ReportMetric(float64(heapAfterGC()-before)/(records*queries), "B/query")
		runtime.KeepAlive(tb)
		b.StartTimer()
	}
}

func heapAfterGC() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
