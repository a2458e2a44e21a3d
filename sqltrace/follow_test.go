package sqltrace_test

import (
	"context"
	"fmt"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestFollowAttributesQueriesWithoutAContextByGoroutine(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	req, orphans := &sqltrace.Captured{}, &sqltrace.Captured{}

	ready, release := make(chan struct{}), make(chan struct{})
	go func() { // a worker started before the request: not the request's
		<-ready
		if _, err := db.Exec("UPDATE worker"); err != nil {
			t.Error(err)
		}
		close(release)
	}()

	stopWatch := sqltrace.Watch(orphans)
	func() {
		_, stop := sqltrace.Follow(context.Background(), "req-1", req)
		defer stop()
		if _, err := db.Exec("UPDATE handler"); err != nil { // on the handler goroutine
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // started from it, and one level further
			defer wg.Done()
			done := make(chan struct{})
			go func() {
				defer close(done)
				rows, err := db.Query("SELECT grandchild")
				if err != nil {
					t.Error(err)
					return
				}
				rows.Close()
			}()
			<-done
		}()
		wg.Wait()
		close(ready)
		<-release
	}()

	if _, err := db.Exec("UPDATE after"); err != nil { // watched: an orphan
		t.Fatal(err)
	}
	stopWatch()
	if _, err := db.Exec("UPDATE unwatched"); err != nil { // nothing is active: nobody records it
		t.Fatal(err)
	}

	got := req.Events()
	if len(got) != 2 || got[0].SQL != "UPDATE handler" || got[1].SQL != "SELECT grandchild" {
		t.Fatalf("the request recorded %v, want the handler's exec and the grandchild's query", sqls(got))
	}
	for _, e := range got {
		if !e.NoContext {
			t.Errorf("%s: NoContext is false for a query attributed by goroutine", e.SQL)
		}
	}
	if o := orphans.Events(); len(o) != 2 || o[0].SQL != "UPDATE worker" || o[1].SQL != "UPDATE after" || !o[0].NoContext {
		t.Errorf("orphans recorded %v, want the worker's exec and the one after the request, marked NoContext", sqls(o))
	}
}

func TestFollowRestoresTheGoroutinesLabelsAndKeepsTheAppsOwn(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	rec := &sqltrace.Captured{}
	appCtx := pprof.WithLabels(context.Background(), pprof.Labels("app", "yes"))
	pprof.SetGoroutineLabels(appCtx)
	defer pprof.SetGoroutineLabels(context.Background())

	ctx, stop := sqltrace.Follow(appCtx, "req-2", rec)
	if v, _ := pprof.Label(ctx, "app"); v != "yes" {
		t.Errorf("the app's label is %q inside Follow, want yes", v)
	}
	if v, _ := pprof.Label(ctx, sqltrace.FollowLabel); v != "req-2" {
		t.Errorf("the follow label is %q, want req-2", v)
	}
	stop()
	stop() // a second stop does nothing
	if _, err := db.Exec("UPDATE after stop"); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Events()); n != 0 {
		t.Errorf("%d events recorded after stop, want 0", n)
	}
}

func TestGoroutinesLeftBehindAreHandedOverForAWhile(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	req, after := &sqltrace.Captured{}, &sqltrace.Captured{}
	run, ran := make(chan string), make(chan struct{})
	func() {
		_, stop := sqltrace.Follow(context.Background(), "req-6", req, sqltrace.LeftBehind(after, 50*time.Millisecond))
		defer stop()
		go func() { // outlives the request
			for q := range run {
				if _, err := db.Exec(q); err != nil {
					t.Error(err)
				}
				ran <- struct{}{}
			}
		}()
	}()
	run <- "UPDATE left behind"
	<-ran
	time.Sleep(200 * time.Millisecond) // the hand-over ends
	run <- "UPDATE forgotten"
	<-ran
	close(run)
	if n := len(req.Events()); n != 0 {
		t.Errorf("the stopped Follow recorded %d events", n)
	}
	if ev := after.Events(); len(ev) != 1 || ev[0].SQL != "UPDATE left behind" || !ev[0].NoContext {
		t.Errorf("left behind: %v, want only the exec run before the hand-over ended", sqls(ev))
	}
}

func TestOnlyTheNewestStoppedFollowsAreHandedOver(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	after := &sqltrace.Captured{}
	type worker struct{ run, ran chan struct{} }
	var workers []worker
	for i := range 300 { // more than are kept
		w := worker{make(chan struct{}), make(chan struct{})}
		workers = append(workers, w)
		func() {
			_, stop := sqltrace.Follow(context.Background(), fmt.Sprint("req-bounded-", i), &sqltrace.Captured{}, sqltrace.LeftBehind(after, time.Minute))
			defer stop()
			go func() {
				<-w.run
				if _, err := db.Exec(fmt.Sprint("UPDATE left behind ", i)); err != nil {
					t.Error(err)
				}
				close(w.ran)
			}()
		}()
	}
	for _, i := range []int{0, 299} {
		close(workers[i].run)
		<-workers[i].ran
	}
	for _, w := range workers[1:299] {
		close(w.run)
		<-w.ran
	}
	// The oldest were forgotten to keep the hand-overs bounded (256, some
	// maybe taken by other tests' still lingering); the newest were not.
	recorded := map[string]bool{}
	for _, e := range after.Events() {
		recorded[e.SQL] = true
	}
	if n := len(recorded); n > 256 || n < 240 || recorded["UPDATE left behind 0"] || !recorded["UPDATE left behind 299"] {
		t.Errorf("%d of 300 left-behind goroutines recorded (the first: %v, the last: %v), want at most the newest 256", n, recorded["UPDATE left behind 0"], recorded["UPDATE left behind 299"])
	}
}

func TestTheAppsOwnPprofDoKeepsTheGoroutineFollowed(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	rec := &sqltrace.Captured{}
	ctx, stop := sqltrace.Follow(context.Background(), "req-5", rec)
	defer stop()
	pprof.Do(ctx, pprof.Labels("handler", "feeds"), func(context.Context) {
		if _, err := db.Exec("UPDATE inside pprof.Do"); err != nil {
			t.Fatal(err)
		}
	})
	if ev := rec.Events(); len(ev) != 1 || !ev[0].NoContext {
		t.Errorf("recorded %v, want the exec run inside the app's pprof.Do", sqls(ev))
	}
}

func TestContextRecorderWinsOverTheGoroutine(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	followed, explicit := &sqltrace.Captured{}, &sqltrace.Captured{}
	_, stop := sqltrace.Follow(context.Background(), "req-3", followed)
	defer stop()
	if _, err := db.ExecContext(sqltrace.WithRecorder(context.Background(), explicit), "UPDATE x"); err != nil {
		t.Fatal(err)
	}
	if len(followed.Events()) != 0 || len(explicit.Events()) != 1 || explicit.Events()[0].NoContext {
		t.Errorf("followed %v, explicit %v: the context's recorder must win, without NoContext", sqls(followed.Events()), sqls(explicit.Events()))
	}
}

func TestACaptureInsideARecordedRequestRecordsIntoBoth(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	for _, c := range []struct {
		name string
		ctx  func(req sqltrace.Recorder) (context.Context, func())
	}{
		{"through the context", func(req sqltrace.Recorder) (context.Context, func()) {
			return sqltrace.WithRecorder(context.Background(), req), func() {}
		}},
		{"through the goroutine", func(req sqltrace.Recorder) (context.Context, func()) {
			_, stop := sqltrace.Follow(context.Background(), "req-4", req)
			return context.Background(), stop
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := &sqltrace.Captured{}
			ctx, stop := c.ctx(req)
			defer stop()
			ctx, got := sqltrace.Capture(ctx)
			if _, err := db.ExecContext(ctx, "UPDATE both"); err != nil {
				t.Fatal(err)
			}
			if got.Count() != 1 || req.Count() != 1 {
				t.Errorf("capture has %d, request %d; want the exec in both", got.Count(), req.Count())
			}
		})
	}
}

// tracker is a recorder that tracks open rows the way the toolbar does.
type tracker struct {
	sqltrace.Captured
	mu       sync.Mutex
	open     map[int]sqltrace.Event
	next     int
	reported map[int]bool
}

func (tr *tracker) RowsOpened(e sqltrace.Event) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.next++
	tr.open[tr.next] = e
	return tr.next
}

func (tr *tracker) RowsClosed(token int) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	delete(tr.open, token)
	return !tr.reported[token]
}

// flush records the rows still open as unclosed.
func (tr *tracker) flush() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for tok, e := range tr.open {
		e.Unclosed = true
		tr.Captured.Record(e)
		tr.reported[tok] = true
	}
}

func TestRowsTrackerSeesRowsThatAreNeverClosed(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	tr := &tracker{open: map[int]sqltrace.Event{}, reported: map[int]bool{}}
	ctx, got := sqltrace.Capture(sqltrace.WithRecorder(context.Background(), tr))

	closed, err := db.QueryContext(ctx, "SELECT closed")
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	leaked, err := db.QueryContext(ctx, "SELECT leaked")
	if err != nil {
		t.Fatal(err)
	}
	tr.flush() // the request ends with the rows open

	ev := tr.Events()
	if len(ev) != 2 || ev[0].SQL != "SELECT closed" || ev[0].Unclosed || ev[1].SQL != "SELECT leaked" || !ev[1].Unclosed {
		t.Fatalf("tracker recorded %v, want the closed query, then the leaked one marked Unclosed", sqls(ev))
	}
	if f := ev[1].Caller(); f.Line == 0 {
		t.Error("the unclosed query has no caller")
	}
	leaked.Close() // closed at last: not recorded twice, but the Capture gets it
	if n := len(tr.Events()); n != 2 {
		t.Errorf("the tracker has %d events after the late close, want 2", n)
	}
	if n := got.Count(); n != 2 {
		t.Errorf("the capture has %d queries, want 2", n)
	}
}

func sqls(events []sqltrace.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.SQL
	}
	return out
}
