package redishook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/redishook"
)

func TestCommandsAreRecordedIntoTheRequest(t *testing.T) {
	url := os.Getenv("DEBUGTOOLBAR_REDIS_URL")
	if url == "" {
		t.Skip("DEBUGTOOLBAR_REDIS_URL is not set; set it (e.g. redis://127.0.0.1:6379/0) to run the Redis tests")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	rdb.AddHook(redishook.New())
	prefix := fmt.Sprintf("redishook-test-%d:", os.Getpid())
	// Not t.Context(): it is cancelled before the cleanups run. The keys
	// are deleted first too, in case a run (-count=2) left them.
	del := func() { rdb.Del(context.Background(), prefix+"a", prefix+"b") }
	del()
	t.Cleanup(del)

	var getLine int
	tb, err := toolbar.New(toolbar.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		_, _, getLine, _ = runtime.Caller(0)
		rdb.Get(ctx, prefix+"a") // a miss, at getLine+1
		rdb.Set(ctx, prefix+"a", "1", 0)
		rdb.Get(ctx, prefix+"a") // a hit
		rdb.MGet(ctx, prefix+"a", prefix+"b")
		pipe := rdb.Pipeline()
		pipe.Incr(ctx, prefix+"b")
		pipe.Get(ctx, prefix+"a")
		pipe.Exec(ctx)
		rdb.Do(ctx, "NOSUCHCOMMAND")
	}))
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	h.ServeHTTP(w, r)

	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("request not recorded: %v", err)
	}
	want := []struct {
		op        string
		read, hit bool
		err       bool
	}{
		{"get", true, false, false},
		{"set", false, false, false},
		{"get", true, true, false},
		{"mget", true, false, false},
		{"pipeline", false, false, false},
		{"nosuchcommand", false, false, true},
	}
	if len(rec.Cache) != len(want) {
		t.Fatalf("recorded %d commands, want %d: %+v", len(rec.Cache), len(want), rec.Cache)
	}
	for i, w := range want {
		e := rec.Cache[i]
		if e.Op != w.op || e.Read != w.read || e.Hit != w.hit || (e.Err != "") != w.err || e.Duration <= 0 || e.Backend != "redis" {
			t.Errorf("command %d = %+v, want %+v", i, e, w)
		}
		if e.Start < 0 || e.Start+e.Duration > rec.Duration || i > 0 && e.Start < rec.Cache[i-1].Start {
			t.Errorf("command %d ran from %v for %v, in a request of %v: want it within the request, after the one before", i, e.Start, e.Duration, rec.Duration)
		}
	}
	if st := rec.Stats; st.CacheCalls != 6 || st.CacheReads != 3 || st.CacheHits != 1 || st.CacheErrors != 1 {
		t.Errorf("stats: %d calls, %d reads, %d hits, %d errors; want 6, 3, 1, 1", st.CacheCalls, st.CacheReads, st.CacheHits, st.CacheErrors)
	}
	if rec.Cache[0].Key != prefix+"a" || rec.Cache[3].Key != prefix+"a "+prefix+"b" {
		t.Errorf("keys = %q, %q", rec.Cache[0].Key, rec.Cache[3].Key)
	}
	if f := rec.Caller(rec.Cache[0].Stack); filepath.Base(f.File) != "redishook_test.go" || f.Line != getLine+1 {
		t.Errorf("caller = %s:%d, want redishook_test.go:%d", f.File, f.Line, getLine+1)
	}
}
