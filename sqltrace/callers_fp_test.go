package sqltrace

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

// A stack capture, taken by probe at the end of a call path.
type capture struct {
	ref []uintptr    // stackCallers: runtime.Callers alone, as before frame pointers
	got [3][]uintptr // callers: the first call meets the stack, the others find it interned
	// The raw walk and runtime.Callers from the same frame.
	phys, logical []uintptr
	end           walkEnd
	sum           uint64 // the walk's, for a walk that ended
}

// probe captures its caller's stack every way, with f skipping the frame of
// its caller as the wrapper's record method is skipped.
//
//go:noinline
func probe(f *frameFilter, depth int, c *capture) {
	c.ref = f.stackCallers(3, depth) // runtime.Callers, stackCallers, probe
	var walk [fpFrames]uintptr
	for i := range c.got {
		c.got[i] = f.callers(depth, &walk)
	}
	var buf [fpFrames]uintptr
	for range fpFrames {
		n, end, stop, sum := fpWalk(buf[:])
		c.phys, c.end, c.sum = slices.Clone(buf[:n]), end, sum
		if end != walkUnknown || !classify(stop) {
			break
		}
	}
	c.logical = make([]uintptr, 1024)
	c.logical = c.logical[:runtime.Callers(2, c.logical)]
}

// The call paths. Each ends by calling p, which calls probe.

//go:noinline
func plainCall(p func()) { p() }

func inlinedOuter(p func()) { inlinedInner(p) } // both inlined into the path's closure
func inlinedInner(p func()) { p() }

type caller interface{ call(p func()) }

type valueRecv struct{ _ int }

//go:noinline
func (valueRecv) call(p func()) { p() }

//go:noinline
func (valueRecv) Call(p func()) { p() } // for reflect

type ptrRecv struct{ n int }

//go:noinline
func (r *ptrRecv) call(p func()) { p(); r.n++ }

type embeds struct{ valueRecv }

type box[T any] struct{ _ T }

//go:noinline
func (b box[T]) call(p func()) { p() }

//go:noinline
func generic[T any](v T, p func()) T { p(); return v }

//go:noinline
func recurse(n int, p func()) int {
	if n <= 1 {
		p()
		return 0
	}
	return recurse(n-1, p) + 1
}

//go:noinline
func deferred(p func()) { defer p() }

//go:noinline
func deferredInLoop(p func()) {
	for i := 0; i < 1; i++ {
		defer p() // in a loop: not open-coded, run by runtime.deferreturn
	}
}

//go:noinline
func panicking(p func()) {
	defer func() { _ = recover() }()
	defer p()
	panic("path")
}

var nilPtr *int

//go:noinline
func faulting(p func()) {
	defer func() { _ = recover() }()
	defer p()
	_ = *nilPtr
}

//go:noinline
func inGoroutine(p func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p()
	}()
	<-done
}

//go:noinline
func goStatement(p func(), done chan struct{}) {
	defer close(done)
	p()
}

//go:noinline
func exiting(p func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer p()
		runtime.Goexit()
	}()
	<-done
}

func seq(yield func(int) bool) { _ = yield(1) }

// A callPath runs p at the end of some way of calling.
type callPath struct {
	name string
	run  func(p func())
	fast bool // served by the frame-pointer walk (else by runtime.Callers)
}

var callPaths = []callPath{
	{"a plain call", func(p func()) { plainCall(p) }, true},
	{"inlined calls", func(p func()) { inlinedOuter(p) }, true},
	{"a method on a value", func(p func()) { valueRecv{}.call(p) }, true},
	{"a method on a pointer", func(p func()) { (&ptrRecv{}).call(p) }, true},
	{"a value's method through an interface (a wrapper)", func(p func()) {
		var c caller = valueRecv{}
		c.call(p)
	}, true},
	{"a pointer's method through an interface", func(p func()) {
		var c caller = &ptrRecv{}
		c.call(p)
	}, true},
	{"a promoted method through an interface", func(p func()) {
		var c caller = &embeds{}
		c.call(p)
	}, true},
	{"a method value", func(p func()) {
		m := (&ptrRecv{}).call
		m(p)
	}, true},
	{"a method expression", func(p func()) { valueRecv.call(valueRecv{}, p) }, true},
	{"closures", func(p func()) {
		n := 0
		outer := func() {
			inner := func() { p(); n++ }
			inner()
		}
		outer()
	}, true},
	{"a generic function", func(p func()) { generic(1, p); generic("s", p) }, true},
	{"a generic type's method through an interface", func(p func()) {
		var c caller = box[int]{}
		c.call(p)
	}, true},
	{"a goroutine", inGoroutine, true},
	{"a go statement with arguments (a wrapper)", func(p func()) {
		done := make(chan struct{})
		go goStatement(p, done)
		<-done
	}, true},
	{"a goroutine started by another", func(p func()) {
		done := make(chan struct{})
		go func() {
			go goStatement(p, done)
		}()
		<-done
	}, true},
	{"a deferred call", deferred, true},
	{"a deferred call run by runtime.deferreturn", deferredInLoop, true},
	{"a deferred call while panicking", panicking, true},
	{"a deferred call while the goroutine exits", exiting, true},
	{"a deferred call after a fault (a signal frame)", faulting, false},
	{"recursion, 40 frames", func(p func()) { recurse(40, p) }, true},
	{"recursion past the walk's bound", func(p func()) { recurse(fpFrames, p) }, false},
	{"deep recursion, 300 frames", func(p func()) { recurse(300, p) }, false},
	{"reflect.Value.Call", func(p func()) { reflect.ValueOf(plainCall).Call([]reflect.Value{reflect.ValueOf(p)}) }, true},
	{"reflect.Value.Call on a method", func(p func()) {
		reflect.ValueOf(valueRecv{}).MethodByName("Call").Call([]reflect.Value{reflect.ValueOf(p)})
	}, true},
	{"a method value from reflect", func(p func()) {
		reflect.ValueOf(valueRecv{}).MethodByName("Call").Interface().(func(func()))(p)
	}, true},
	{"reflect.MakeFunc", func(p func()) {
		var fn func(func())
		reflect.ValueOf(&fn).Elem().Set(reflect.MakeFunc(reflect.TypeOf(fn), func(args []reflect.Value) []reflect.Value {
			args[0].Interface().(func())()
			return nil
		}))
		fn(p)
	}, true},
	{"sync.Once", func(p func()) {
		var once sync.Once
		once.Do(p)
	}, true},
	{"a sort.Slice callback", func(p func()) {
		s := []int{2, 1}
		sort.Slice(s, func(i, j int) bool {
			if i != j {
				p()
				p = func() {}
			}
			return s[i] < s[j]
		})
	}, true},
	{"a range-over-func loop body", func(p func()) {
		for range seq {
			p()
		}
	}, true},
	{"time.AfterFunc", func(p func()) {
		done := make(chan struct{})
		time.AfterFunc(0, func() { p(); close(done) })
		<-done
	}, true},
	{"an http.Handler", func(p func()) {
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { p() }))
		defer srv.Close()
		res, err := http.Get(srv.URL)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
	}, true},
}

// framePointers reports whether this build walks stacks by frame pointers;
// WalksFramePointers tells the external tests.
var framePointers = framePointer() != nil

var WalksFramePointers = framePointers

func TestFramePointerWalkMatchesRuntimeCallers(t *testing.T) {
	for _, path := range callPaths {
		path.fast = path.fast && framePointers
		for _, depth := range []int{1, 4, DefaultStackDepth, 64} {
			t.Run(fmt.Sprintf("%s, depth %d", path.name, depth), func(t *testing.T) {
				f := &frameFilter{} // skips nothing: whole stacks are compared
				var c capture
				path.run(func() { probe(f, depth, &c) })

				want := framesOf(c.ref)
				if len(want) == 0 {
					t.Fatal("runtime.Callers found no frames")
				}
				for i, got := range c.got {
					if diff := diffFrames(framesOf(got), want); diff != "" {
						t.Fatalf("call %d: frames differ from runtime.Callers':\n%s", i+1, diff)
					}
				}
				interned := &c.got[1][0] == &c.got[2][0]
				if interned != path.fast {
					t.Errorf("served from the interned stacks: %v, want %v (walk ended %d, walk matches runtime.Callers: %v)",
						interned, path.fast, c.end, c.end == walkDone && sameFrames(c.phys, c.logical))
				}
				if path.fast {
					if &c.got[0][0] != &c.got[1][0] {
						t.Error("the first call's result is not the interned one")
					}
					if c.end != walkDone || !sameFrames(c.phys, c.logical) {
						t.Errorf("the raw walk (ended %d) does not match runtime.Callers:\n%s", c.end, diffFrames(framesOf(c.phys), framesOf(c.logical)))
					}
					if got, want := stackHash(c.sum, depth), hashStack(c.phys, depth); got != want {
						t.Errorf("the walk's hash %#x, want hashStack's of its PCs, %#x", got, want)
					}
				}
			})
		}
	}
}

func TestCallersDefaultFilterMatchesRuntimeCallers(t *testing.T) {
	// With the default skips every frame of this package's is skipped, so
	// callers start at testing's runner: the window logic of stackCallers is
	// replayed, not just the walk.
	for _, n := range []int{1, layerFrames + DefaultStackDepth + 10, 150, maxLayers + 10} {
		f := newFrameFilter(nil)
		var c capture
		recurse(n, func() { probe(f, DefaultStackDepth, &c) })
		for i, got := range c.got {
			if diff := diffFrames(framesOf(got), framesOf(c.ref)); diff != "" {
				t.Errorf("%d frames deep, call %d: frames differ from runtime.Callers':\n%s", n, i+1, diff)
			}
		}
	}
}

func TestInternedStacksAreShared(t *testing.T) {
	if !framePointers {
		t.Skip("this build walks no frame pointers")
	}
	f := &frameFilter{}
	var caps [4]capture
	for i := range caps {
		probe(f, DefaultStackDepth, &caps[i]) // one line: one stack
	}
	first := caps[0].got[0]
	for i, c := range caps {
		for _, got := range c.got {
			if &got[0] != &first[0] {
				t.Fatalf("capture %d: a stack met before was not shared", i)
			}
		}
	}
	if cap(first) != len(first) {
		t.Errorf("an interned result has room to append into (len %d, cap %d)", len(first), cap(first))
	}
	var other capture
	probe(f, DefaultStackDepth, &other) // another line
	if &other.got[0][0] == &first[0] {
		t.Error("two stacks share one result")
	}
	if diff := diffFrames(framesOf(other.got[0]), framesOf(other.ref)); diff != "" {
		t.Errorf("frames differ from runtime.Callers':\n%s", diff)
	}
	var walk [fpFrames]uintptr
	if allocs := testing.AllocsPerRun(100, func() { f.callers(DefaultStackDepth, &walk) }); allocs != 0 {
		t.Errorf("callers from a known stack allocates %v times, want 0", allocs)
	}
}

func TestCallersFromManyGoroutines(t *testing.T) {
	// Goroutines meeting the same stacks at once learn and intern them
	// together (run with -race).
	f := &frameFilter{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				var c capture
				recurse(1+(g+i)%5, func() { probe(f, DefaultStackDepth, &c) })
				for k, got := range c.got {
					if diff := diffFrames(framesOf(got), framesOf(c.ref)); diff != "" {
						t.Errorf("goroutine %d, call %d: frames differ from runtime.Callers':\n%s", g, k+1, diff)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

//go:noinline
func padded(n int, p func()) {
	var pad [96]byte
	if n == 0 {
		p()
		return
	}
	padded(n-1, p)
	_ = pad[n%len(pad)]
}

func TestCallersWhileTheStackGrows(t *testing.T) {
	// Fresh goroutines, small stacks, the walk at every depth: some of its
	// calls (sync/atomic's, in race builds) grow the stack, which moves.
	f := &frameFilter{}
	for n := range 120 {
		var c capture
		done := make(chan struct{})
		go func() {
			defer close(done)
			padded(n, func() { probe(f, 64, &c) })
		}()
		<-done
		for i, got := range c.got {
			if diff := diffFrames(framesOf(got), framesOf(c.ref)); diff != "" {
				t.Fatalf("%d frames deep, call %d: frames differ from runtime.Callers':\n%s", n, i+1, diff)
			}
		}
	}
}

func TestStackTableIsBounded(t *testing.T) {
	var tab stackTable
	key := []uintptr{1, 2, 3}
	for i := range maxStacks + 10 {
		e := &stackEntry{depth: i, key: key, pcs: key[:1:1]}
		e.hash = hashStack(e.key, e.depth)
		got := tab.add(e)
		if i < maxStacks && got != e {
			t.Fatalf("entry %d not added", i)
		}
		if i >= maxStacks && got != nil {
			t.Fatalf("entry %d added past the bound", i)
		}
	}
	if !tab.full.Load() {
		t.Error("a full table does not say so")
	}
	for _, depth := range []int{0, maxStacks / 2, maxStacks - 1} {
		if e := tab.lookup(hashStack(key, depth), key, depth); e == nil || e.depth != depth {
			t.Errorf("depth %d: lookup = %v", depth, e)
		}
	}
	if e := tab.lookup(hashStack(key, maxStacks), key, maxStacks); e != nil {
		t.Errorf("an entry past the bound was found: %v", e)
	}
}

func TestKeepsChain(t *testing.T) {
	for name, want := range map[string]bool{
		"main.main":                     true,
		"net/http.(*conn).serve":        true,
		"runtime.gopanic":               true,
		"runtime.deferreturn":           true,
		"runtime.call32":                true,
		"runtime.call1073741824":        true,
		"runtime.cgocallbackg1":         false,
		"runtime.cgocallback":           false,
		"runtime.sigpanic":              false,
		"runtime.systemstack":           false,
		"runtime.mcall":                 false,
		"runtime.callers":               false,
		"runtime.call":                  false,
		"runtime.reflectcall":           true,
		"runtime.runFinalizers":         true,
		"runtime/cgo.crosscall2":        false,
		"crosscall2":                    false,
		"runtime/pprof.(*Profile).Add":  true,
		"runtime/trace.(*Task).End":     true,
		"github.com/x/runtime.F":        true,
		"gopkg.in/runtime%2ev1.F":       true,
		"runtime.panicmem":              false,
		"runtime.(*timer).unlockAndRun": false,
	} {
		if got := keepsChain(name); got != want {
			t.Errorf("keepsChain(%q) = %v, want %v", name, got, want)
		}
	}
}

// framesOf resolves pcs.
func framesOf(pcs []uintptr) []runtime.Frame {
	var out []runtime.Frame
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.PC != 0 {
			out = append(out, f)
		}
		if !more {
			return out
		}
	}
}

// diffFrames lists two frame lists side by side where they differ, or
// returns "".
func diffFrames(got, want []runtime.Frame) string {
	if slices.EqualFunc(got, want, sameFrame) {
		return ""
	}
	var s string
	for i := range max(len(got), len(want)) {
		var g, w runtime.Frame
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		mark := " "
		if !sameFrame(g, w) {
			mark = "!"
		}
		s += fmt.Sprintf("%s %s:%d %s | want %s:%d %s\n", mark, g.File, g.Line, g.Function, w.File, w.Line, w.Function)
	}
	return s
}

// learnAs plays callers with a walk changed by mutate, to see what learn
// makes of a walk that does not match the stack.
//
//go:noinline
func learnAs(f *frameFilter, depth int, mutate func([]uintptr) []uintptr) (pcs []uintptr, e *stackEntry) {
	var buf [fpFrames]uintptr
	for range fpFrames {
		n, end, stop, _ := fpWalk(buf[:])
		if end == walkUnknown && classify(stop) {
			continue
		}
		if end != walkDone {
			panic("walk refused")
		}
		key := mutate(slices.Clone(buf[:n]))
		h := hashStack(key, depth)
		return f.learn(h, key, depth), f.stacks.lookup(h, key, depth)
	}
	panic("walk did not end")
}

func TestAWalkThatDoesNotMatchIsNeverTrusted(t *testing.T) {
	if !framePointers {
		t.Skip("this build walks no frame pointers")
	}
	mutations := map[string]func([]uintptr) []uintptr{
		"a frame missed":      func(k []uintptr) []uintptr { return slices.Delete(k, 1, 2) },
		"a frame twice":       func(k []uintptr) []uintptr { return slices.Insert(k, 1, k[1]) },
		"two frames swapped":  func(k []uintptr) []uintptr { k[1], k[2] = k[2], k[1]; return k },
		"the top cut off":     func(k []uintptr) []uintptr { return k[:len(k)-1] },
		"a return address +1": func(k []uintptr) []uintptr { k[1]++; return k },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			f := &frameFilter{}
			var pcs [2][]uintptr
			var e *stackEntry
			plainCall(func() {
				for i := range pcs {
					pcs[i], e = learnAs(f, 64, mutate)
				}
			})
			if e == nil || !e.slow {
				t.Fatalf("entry = %+v, want one marked slow", e)
			}
			if &pcs[0][0] == &pcs[1][0] {
				t.Error("a stack whose walk did not match is served interned")
			}
			for i := range pcs {
				if len(pcs[i]) == 0 {
					t.Fatalf("call %d: no frames", i)
				}
			}
		})
	}
	t.Run("unchanged", func(t *testing.T) {
		f := &frameFilter{}
		var e *stackEntry
		plainCall(func() { _, e = learnAs(f, 64, func(k []uintptr) []uintptr { return k }) })
		if e == nil || e.slow {
			t.Fatalf("entry = %+v, want one not slow", e)
		}
	})
}

// CallersProbe returns a recorder for the external tests that captures,
// for every event it is handed, the stack it is recorded from every way
// probe does (with the event's filter, and with one that skips nothing) and
// fails t where the frame-pointer walk's frames differ from
// runtime.Callers', or where a stack is not served interned. For an event
// recorded from the stack that ran it (all but queries, recorded when
// their rows close), the event's own PCs must give runtime.Callers' frames
// too. It keeps the events, for events to return.
//
//go:noinline
func CallersProbe(t testing.TB) (rec Recorder, events func() []Event) {
	var mu sync.Mutex
	var all []Event
	return RecorderFunc(func(e Event) {
			t.Helper()
			probeEvent(t, e)
			mu.Lock()
			all = append(all, e)
			mu.Unlock()
		}), func() []Event {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(all)
		}
}

//go:noinline
func probeEvent(t testing.TB, e Event) {
	t.Helper()
	f := e.frames
	if f == nil {
		f = defaultFrames
	}
	var c, whole capture
	probe(f, DefaultStackDepth, &c)
	probe(&frameFilter{}, 64, &whole)
	for _, c := range []*capture{&c, &whole} {
		for i, got := range c.got {
			if diff := diffFrames(framesOf(got), framesOf(c.ref)); diff != "" {
				t.Errorf("%s %q, call %d: frames differ from runtime.Callers':\n%s", e.Kind, e.SQL, i+1, diff)
			}
		}
		if len(c.got[1]) == 0 || framePointers && &c.got[1][0] != &c.got[2][0] {
			t.Errorf("%s %q: the stack is not served interned", e.Kind, e.SQL)
		}
	}
	if framePointers && !sameFrames(whole.phys, whole.logical) {
		t.Errorf("%s %q: the raw walk does not match runtime.Callers:\n%s", e.Kind, e.SQL, diffFrames(framesOf(whole.phys), framesOf(whole.logical)))
	}
	if e.Kind != KindQuery {
		if diff := diffFrames(framesOf(e.pcs), framesOf(c.ref)); diff != "" {
			t.Errorf("%s %q: the event's frames differ from runtime.Callers':\n%s", e.Kind, e.SQL, diff)
		}
	}
}

var sinkPCs []uintptr

// BenchmarkCallers compares capturing a caller's stack by runtime.Callers
// alone (as before frame pointers) with callers, from the same frame of the
// same stack: frames deep (plus testing's few), the result DefaultStackDepth
// PCs from the frame above.
func BenchmarkCallers(b *testing.B) {
	walks := []struct {
		name string
		get  func(f *frameFilter) []uintptr
	}{
		{"runtime.Callers", func(f *frameFilter) []uintptr { return f.stackCallers(3, DefaultStackDepth) }},
		{"frame-pointers", func(f *frameFilter) []uintptr {
			var walk [fpFrames]uintptr
			return f.callers(DefaultStackDepth, &walk)
		}},
	}
	for _, frames := range []int{8, 23, 48} {
		for _, w := range walks {
			b.Run(fmt.Sprintf("frames=%d/walk=%s", frames, w.name), func(b *testing.B) {
				f := &frameFilter{}
				b.ReportAllocs()
				recurse(frames, func() {
					for b.Loop() {
						sinkPCs = w.get(f)
					}
				})
			})
		}
	}
}
