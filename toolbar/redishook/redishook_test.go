package redishook_test

import (
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
	defer rdb.Close()
	rdb.AddHook(redishook.New())
	prefix := fmt.Sprintf("redishook-test-%d:", os.Getpid())
	t.Cleanup(func() { rdb.Del(t.Context(), prefix+"a", prefix+"b") })

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

	rec, ok := tb.Store().Get(w.Header().Get("X-Debug-Token"))
	if !ok {
		t.Fatal("request not recorded")
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
		if e.Op != w.op || e.Read != w.read || e.Hit != w.hit || (e.Err != nil) != w.err || e.Duration <= 0 || e.Backend != "redis" {
			t.Errorf("command %d = %+v, want %+v", i, e, w)
		}
	}
	if rec.Cache[0].Key != prefix+"a" || rec.Cache[3].Key != prefix+"a "+prefix+"b" {
		t.Errorf("keys = %q, %q", rec.Cache[0].Key, rec.Cache[3].Key)
	}
	if f := rec.Cache[0].Caller(); filepath.Base(f.File) != "redishook_test.go" || f.Line != getLine+1 {
		t.Errorf("caller = %s:%d, want redishook_test.go:%d", f.File, f.Line, getLine+1)
	}
}
