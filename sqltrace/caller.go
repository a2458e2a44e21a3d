package sqltrace

import (
	"runtime"
	"strings"
	"sync"
)

// defaultSkip lists the packages whose frames are never the caller.
var defaultSkip = []string{
	"database/sql",
	"github.com/jmoiron/sqlx",
	"github.com/debugtoolbar/debugtoolbar/sqltrace",
}

// frameFilter decides which frames belong to the database layers. Deciding
// for a program counter costs a symbol lookup, so decisions are cached per
// PC: the set of PCs that run queries in a program is small and fixed.
type frameFilter struct {
	prefixes []string // each "path." and "path/"
	internal sync.Map // uintptr -> bool
}

var defaultFrames = newFrameFilter(nil)

func newFrameFilter(extra []string) *frameFilter {
	f := &frameFilter{}
	for _, p := range append(append([]string(nil), defaultSkip...), extra...) {
		p = strings.TrimSuffix(p, "/")
		f.prefixes = append(f.prefixes, p+".", p+"/")
	}
	return f
}

// isInternal reports whether a function (as runtime.Frame.Function names
// it) belongs to a skipped package. A nil filter uses the defaults.
func (f *frameFilter) isInternal(function string) bool {
	if f == nil {
		f = defaultFrames
	}
	// A package's external tests ("path/pkg_test.TestX") are app code,
	// unless that test package itself is named.
	pkg := function
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		if j := strings.IndexByte(pkg[i:], '.'); j >= 0 {
			pkg = pkg[:i+j]
		}
	}
	test := strings.HasSuffix(pkg, "_test")
	for _, p := range f.prefixes {
		if strings.HasPrefix(function, p) && (!test || p == pkg+".") {
			return true
		}
	}
	return false
}

// internalPC reports whether every function at pc, inlined ones included,
// belongs to a skipped package. A PC where app code inlined a sqlx helper is
// not internal: Event.Caller resolves the app frame from it.
func (f *frameFilter) internalPC(pc uintptr) bool {
	if v, ok := f.internal.Load(pc); ok {
		return v.(bool)
	}
	internal := true
	frames := runtime.CallersFrames([]uintptr{pc})
	for {
		fr, more := frames.Next()
		if !f.isInternal(fr.Function) {
			internal = false
			break
		}
		if !more {
			break
		}
	}
	f.internal.Store(pc, internal)
	return internal
}

// callers returns the program counters of the calling goroutine's stack,
// starting at the first frame outside the skipped packages, at most depth
// of them. It allocates once, for the result.
func (f *frameFilter) callers(depth int) []uintptr {
	// The walk costs per frame, so it stops after the database layers'
	// frames (seldom more than 20: database/sql, sqlx, sqltrace) and depth
	// more.
	var buf [64]uintptr
	n := runtime.Callers(3, buf[:min(len(buf), 24+depth)]) // past runtime.Callers, callers, and the wrapper's record method
	i := 0
	for i < n && f.internalPC(buf[i]) {
		i++
	}
	end := min(n, i+depth)
	if i == end {
		return nil
	}
	return append([]uintptr(nil), buf[i:end]...)
}

// CallerFilter captures call stacks from the first frame outside a set of
// packages, for recording other kinds of operation (cache calls, outgoing
// HTTP) the way events record their caller. Its decisions are cached per
// program counter; it is safe for concurrent use.
type CallerFilter struct{ f *frameFilter }

// NewCallerFilter returns a filter that skips database/sql, sqlx, sqltrace
// and the given packages (import paths; sub-packages included).
func NewCallerFilter(skipPackages ...string) *CallerFilter {
	return &CallerFilter{newFrameFilter(skipPackages)}
}

// Callers returns at most depth program counters of the calling goroutine's
// stack, from the first frame outside the skipped packages. Resolve them
// with runtime.CallersFrames.
func (c *CallerFilter) Callers(depth int) []uintptr { return c.f.callers(depth) }
