package sqltrace

import (
	"runtime"
	"slices"
	"strings"
	"sync"
)

// defaultSkip lists the packages whose frames are never the caller: the
// standard library's and sqlx's database layers, ORMs, query builders,
// their drivers and dialects, and the driver wrappers that are stacked on
// either side of sqltrace. Each entry covers its sub-packages, and major
// versions (".../v5"), since those are sub-paths too. Code generated into
// the app's own module (sqlc, ent, sqlboiler, gorm/gen) is known by its
// header instead; see generated.go.
var defaultSkip = []string{
	"database/sql",
	"github.com/debugtoolbar/debugtoolbar/sqltrace", // and its sub-packages (pgxtrace)

	// Query helpers and builders.
	"github.com/jmoiron/sqlx",
	"github.com/Masterminds/squirrel",
	"github.com/doug-martin/goqu",
	"github.com/georgysavva/scany",
	"github.com/go-jet/jet",
	"github.com/gocraft/dbr",
	"github.com/stephenafamo/scan",

	// ORMs, with their drivers, dialects, plugins and runtimes.
	"gorm.io", // gorm.io/gorm, gorm.io/driver/*, gorm.io/plugin/*, gorm.io/gen
	"github.com/glebarez/sqlite",
	"github.com/libtnb/sqlite",
	"entgo.io",
	"ariga.io/atlas", // ent's migrations
	"github.com/uptrace/bun",
	"github.com/volatiletech/sqlboiler",
	"github.com/stephenafamo/bob",
	"xorm.io",
	"github.com/go-xorm/xorm",
	"github.com/go-gorp/gorp",
	"gopkg.in/gorp.v1",
	"gopkg.in/gorp.v2",
	"github.com/upper/db",
	"github.com/go-pg/pg",

	// Drivers whose own API runs the query (a native pgx tracer sees pgx's
	// frames above it).
	"github.com/jackc/pgx",
	"github.com/jackc/pgconn",
	"github.com/jackc/puddle",

	// Driver wrappers and tracing.
	"github.com/XSAM/otelsql",
	"go.opentelemetry.io",
	"github.com/uptrace/opentelemetry-go-extra",
	"github.com/ngrok/sqlmw",
	"github.com/qustavo/sqlhooks",
	"github.com/luna-duclos/instrumentedsql",
	"github.com/simukti/sqldb-logger",
	"github.com/DataDog/dd-trace-go",
	"gopkg.in/DataDog/dd-trace-go.v1",

	// templ's runtime: a component that queries is generated code, run by
	// templ for the handler that rendered it.
	"github.com/a-h/templ",
}

// frameFilter decides which frames belong to the database layers. Deciding
// for a program counter costs a symbol lookup, and for a frame in a file
// not seen before a read of the file's head, so decisions are cached per
// PC: the set of PCs that run queries in a program is small and fixed.
type frameFilter struct {
	prefixes []string // each "path." (as symbol names spell it) and "path/"
	internal sync.Map // uintptr -> bool
	funcs    sync.Map // function name -> bool, for Event.Caller's frames
	stacks   stackTable
}

var defaultFrames = newFrameFilter(nil)

func newFrameFilter(extra []string) *frameFilter {
	f := &frameFilter{}
	for _, p := range append(append([]string(nil), defaultSkip...), extra...) {
		p = strings.TrimSuffix(p, "/")
		f.prefixes = append(f.prefixes, symbolPath(p)+".", p+"/")
	}
	return f
}

// symbolPath returns an import path as it begins the names of its
// package's functions: the linker escapes the dots of the last element
// ("gopkg.in/gorp.v1" names "gopkg.in/gorp%2ev1.(*DbMap).Exec").
func symbolPath(importPath string) string {
	i := strings.LastIndexByte(importPath, '/') + 1
	return importPath[:i] + strings.ReplaceAll(importPath[i:], ".", "%2e")
}

// isInternal reports whether a function (as runtime.Frame.Function names
// it) belongs to a skipped package. A nil filter uses the defaults. The
// answer is cached: Event.Caller asks again for every event shown.
func (f *frameFilter) isInternal(function string) bool {
	if f == nil {
		f = defaultFrames
	}
	if v, ok := f.funcs.Load(function); ok {
		return v.(bool)
	}
	skip := f.skips(function)
	f.funcs.Store(function, skip)
	return skip
}

// skips reports whether function belongs to a skipped package.
func (f *frameFilter) skips(function string) bool {
	// A package's external tests ("path/pkg_test.TestX") are app code,
	// unless that test package itself is named.
	pkg := function
	i := strings.LastIndexByte(pkg, '/') + 1
	if j := strings.IndexByte(pkg[i:], '.'); j >= 0 {
		pkg = pkg[:i+j]
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
// belongs to a skipped package or to a generated file. runtime.Callers
// gives an inlined call a PC of its own: where app code inlined a sqlx
// helper or a sqlc-generated method, the helper's PC is internal and the
// next one, the app's, is not. (Should one PC stand for several frames, a
// PC with an app frame among them is not internal, and Event.Caller
// resolves the app frame from it.)
func (f *frameFilter) internalPC(pc uintptr) bool {
	if v, ok := f.internal.Load(pc); ok {
		return v.(bool)
	}
	internal := true
	frames := runtime.CallersFrames([]uintptr{pc})
	for {
		fr, more := frames.Next()
		if !f.isInternal(fr.Function) && !generatedFile(fr.File) {
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

// Bounds on the walk up the stack.
const (
	layerFrames = 24  // the database layers' frames read with the first walk
	maxLayers   = 256 // the frames read at most, before giving up
)

// callers returns the program counters of the calling goroutine's stack,
// starting at the first frame outside the skipped packages and generated
// files, at most depth of them: what runtime.Callers gives for those frames
// (see stackCallers), skipping the frame of callers' caller (the wrapper's
// record method).
//
// The result may be shared with other calls from the same stack, and must
// not be modified: stacks are interned (see intern.go). A stack is known by
// a frame-pointer walk (callers_fp.go), a few ns a frame; runtime.Callers
// walks it only when it is first met, on platforms without frame pointers,
// for stacks deeper than fpFrames, for stacks the walk cannot be trusted
// with (cgo callbacks, signal frames, or any whose walk differed from
// runtime.Callers when it was first met), and once the table is full.
// Recording from a known stack allocates nothing.
//
//go:noinline
func (f *frameFilter) callers(depth int, buf *[fpFrames]uintptr) []uintptr {
	// Each round classifies one more return address met for the first time.
	for range fpFrames {
		n, end, stop, sum := fpWalk(buf[:])
		if end == walkUnknown && classify(stop) {
			continue
		}
		if end != walkDone {
			break
		}
		key := buf[:n]
		h := stackHash(sum, depth)
		if e := f.stacks.lookup(h, key, depth); e != nil {
			if e.slow {
				break
			}
			return e.pcs
		}
		return f.learn(h, key, depth)
	}
	return f.stackCallers(4, depth) // runtime.Callers, stackCallers, callers, the record method
}

// learn interns the stack whose frame-pointer walk gave key and returns its
// result. callers calls it, so its frames are the same but for learn's own.
//
//go:noinline
func (f *frameFilter) learn(h uint64, key []uintptr, depth int) []uintptr {
	pcs := f.stackCallers(5, depth) // runtime.Callers, stackCallers, learn, callers, the record method
	if f.stacks.full.Load() {
		return pcs
	}
	// The stack from callers' caller, as the walk's key starts.
	logical := make([]uintptr, 2*len(key)+32)
	for {
		n := runtime.Callers(3, logical) // runtime.Callers, learn, callers
		if n < len(logical) {
			logical = logical[:n]
			break
		}
		logical = make([]uintptr, 2*len(logical))
	}
	k := make([]uintptr, len(key)) // a copy, so callers' buffer stays on its stack
	copy(k, key)
	e := &stackEntry{hash: h, depth: depth, key: k, slow: !sameFrames(k, logical)}
	if !e.slow {
		e.pcs = slices.Clip(pcs)
	}
	if e = f.stacks.add(e); e == nil || e.slow {
		return pcs
	}
	return e.pcs
}

// stackCallers is callers by runtime.Callers alone, skip frames up: at most
// depth PCs from the first frame outside the skipped packages and
// generated files. It allocates once, for the result.
//
//go:noinline
func (f *frameFilter) stackCallers(skip, depth int) []uintptr {
	// The walk costs per frame, so it stops after the database layers'
	// frames (seldom more than 24: database/sql, sqlx, sqltrace, a query
	// builder) and depth more. An ORM's stack can be deeper (GORM's
	// callbacks, preloads and savepoints): then it walks on.
	var buf [64]uintptr
	window := min(len(buf), layerFrames+depth)
	for {
		n := runtime.Callers(skip, buf[:window])
		i := 0
		for i < n && f.internalPC(buf[i]) {
			i++
		}
		if i == n && n == window && skip+n+window <= maxLayers {
			skip += n
			continue
		}
		end := min(n, i+depth)
		if i == end {
			return nil
		}
		return append([]uintptr(nil), buf[i:end]...)
	}
}
