package render

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestCachePanel(t *testing.T) {
	rec := recordtest.Realistic()
	rec.CacheDropped = 2
	doc := renderHTML(t, cachePanel{}.Content(rec))
	t.Run("the totals count hits over reads only", func(t *testing.T) {
		for id, want := range map[string]string{
			"cache-ops": "4", "cache-hits": "1", "cache-misses": "2", "cache-ratio": "33%", "cache-time": "5.80 ms", "cache-errors": "1",
		} {
			if got := text(byTag(one(t, doc, id), "dd")[0]); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
	})
	ops := byTestID(doc, "cache-op")
	if len(ops) != 4 {
		t.Fatalf("%d operations shown, want 4", len(ops))
	}
	for _, c := range []struct {
		name              string
		i                 int
		op, key, result   string
		err, caller, back string
	}{
		{"a miss", 0, "get", "posts:page:2", "miss", "", "unknown", "redis"},
		{"a write has no hit or miss", 1, "set", "posts:page:2", "", "", "unknown", "redis"},
		{"a hit", 2, "get", "user:42", "hit", "", "unknown", "memory"},
		{"a failed read", 3, "get", "flags", "miss", "i/o timeout", "unknown", "redis"},
	} {
		t.Run(c.name, func(t *testing.T) {
			row := ops[c.i]
			if got := text(one(t, row, "cache-op-name")); got != c.op {
				t.Errorf("op = %q, want %q", got, c.op)
			}
			if got := text(one(t, row, "cache-key")); got != c.key {
				t.Errorf("key = %q, want %q", got, c.key)
			}
			result := ""
			if r := byTestID(row, "cache-result"); len(r) == 1 {
				result = text(r[0])
			}
			if result != c.result {
				t.Errorf("result = %q, want %q", result, c.result)
			}
			errText := ""
			if e := byTestID(row, "cache-error"); len(e) == 1 {
				errText = text(e[0])
			}
			if errText != c.err || hasClass(row, "dt-row-error") != (c.err != "") {
				t.Errorf("error = %q (class %q), want %q", errText, attr(row, "class"), c.err)
			}
			if got := squash(one(t, row, "caller")); got != c.caller {
				t.Errorf("caller = %q, want %q", got, c.caller)
			}
			if !strings.Contains(squash(row), c.back) {
				t.Errorf("backend %q not shown in %q", c.back, squash(row))
			}
		})
	}
	t.Run("dropped calls are counted", func(t *testing.T) {
		if got := squash(one(t, doc, "cache-dropped")); !strings.HasPrefix(got, "2 more calls were not kept") {
			t.Errorf("dropped = %q", got)
		}
	})
}

func TestCachePanelWithoutCalls(t *testing.T) {
	doc := renderHTML(t, cachePanel{}.Content(&panels.Record{}))
	if got := text(byTag(one(t, doc, "cache-ratio"), "dd")[0]); got != "—" {
		t.Errorf("ratio without reads = %q", got)
	}
	if got := text(one(t, doc, "none")); got != "No cache calls." {
		t.Errorf("empty state = %q", got)
	}
}
