package sqltrace

import (
	"context"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Following goroutines.
//
// Go has no goroutine-local storage, and most apps do not pass a request's
// context to every query. The runtime does give each goroutine one pointer
// that it copies to every goroutine started from it: the profiler labels
// (runtime/pprof). Follow sets a label set of its own on the calling
// goroutine and remembers that pointer; a query with no recorder in its
// context looks up its goroutine's label pointer by identity. A goroutine
// started from a followed one, directly or transitively, carries the same
// pointer, so it is attributed too; one started at boot (a worker pool)
// carries none, and is not. The labels are ordinary pprof labels, so a CPU
// profile taken meanwhile shows them and the app's own pprof labels keep
// working.
//
// The runtime's getter and setter are reached by linkname, as
// cloudwego/localsession does; runtime/proflabel.go promises to keep both
// ("Do not remove or change the type signature", go.dev/issue/67401).

//go:linkname getProfLabel runtime/pprof.runtime_getProfLabel
func getProfLabel() unsafe.Pointer

//go:linkname setProfLabel runtime/pprof.runtime_setProfLabel
func setProfLabel(labels unsafe.Pointer)

// FollowLabel is the profiler label Follow sets; its value is the name
// given to Follow.
const FollowLabel = "debugtoolbar"

// followed is one Follow that has not been stopped.
type followed struct{ rec Recorder }

var follows struct {
	active atomic.Int32 // Follows and Watches not yet stopped: the only cost while zero
	byPtr  sync.Map     // label pointer -> *followed
	byName sync.Map     // the label's value -> *followed

	mu      sync.Mutex
	orphans atomic.Pointer[[]Recorder] // the active Watches' recorders
}

// Follow makes r the recorder of every operation that carries no recorder
// in its context and runs on the calling goroutine, or on a goroutine
// started from it (directly or transitively) before stop is called. Such
// events have NoContext set. name is the value of the profiler label that
// marks the goroutines (a request id, say).
//
// The returned context carries the label too, so the app's own
// pprof.Do(ctx, ...) keeps it. stop must be called on the goroutine that
// called Follow, once; it restores that goroutine's previous labels.
func Follow(ctx context.Context, name string, r Recorder, opts ...FollowOption) (context.Context, func()) {
	x := &following{f: followed{rec: r}, name: name, label: name, prev: getProfLabel()}
	for _, opt := range opts {
		opt(&x.o)
	}
	ctx = pprof.WithLabels(ctx, pprof.Labels(FollowLabel, name))
	pprof.SetGoroutineLabels(ctx)
	x.ptr = getProfLabel()
	follows.byPtr.Store(x.ptr, &x.f)
	follows.byName.Store(x.name, &x.f)
	follows.active.Add(1)
	return ctx, x.stop
}

// following is one call of Follow: what its stop needs, in one allocation
// (a Follow runs with every observed request).
type following struct {
	f     followed // its entry in follows
	ptr   unsafe.Pointer
	name  any    // the label's value, boxed once for the maps
	label string // and as it is
	prev  unsafe.Pointer
	o     followOptions
	once  atomic.Bool
}

func (x *following) stop() {
	if !x.once.CompareAndSwap(false, true) {
		return
	}
	setProfLabel(x.prev)
	if x.o.after == nil {
		unfollow(x.ptr, x.name, &x.f)
		return
	}
	// The goroutines the followed one left running keep the label:
	// hand them over, and forget them after a while. They move from the
	// active Follows to the lingering ones (found there first, so that a
	// lookup in between finds one of the two), and stay counted in
	// follows.active until forgotten. The entry keeps nothing of x, which
	// would keep the request's recorder and its record alive as long as
	// the lingering list holds it.
	lingering.add(lingerer{ptr: x.ptr, name: x.label, rec: x.o.after, until: time.Now().Add(x.o.linger)})
	follows.byPtr.CompareAndDelete(x.ptr, &x.f)
	follows.byName.CompareAndDelete(x.name, &x.f)
}

func unfollow(ptr unsafe.Pointer, name any, f *followed) {
	follows.byPtr.CompareAndDelete(ptr, f)
	follows.byName.CompareAndDelete(name, f)
	follows.active.Add(-1)
}

// lingering holds the stopped Follows whose goroutines are handed over
// (LeftBehind), oldest first: at most maxLingering, so that a server under
// load keeps a bounded number of them, each until its time is up. They are
// kept apart from the active Follows, in plain maps under a lock: a busy
// server has them all the time, and there they cost the collector two
// maps to mark, not a node of follows' maps each, and leave those maps
// small. Only an operation of a goroutine no active Follow covers looks
// them up.
var lingering = lingerers{byPtr: map[unsafe.Pointer]Recorder{}, byName: map[string]unsafe.Pointer{}}

const maxLingering = 256

type lingerer struct {
	ptr   unsafe.Pointer // the label set, unique to its Follow
	name  string
	rec   Recorder // what it hands its goroutines to
	until time.Time
}

type lingerers struct {
	mu     sync.RWMutex
	queue  []lingerer
	byPtr  map[unsafe.Pointer]Recorder // the queue's recorders, by label set
	byName map[string]unsafe.Pointer   // the newest label set of each label value
	timer  *time.Timer
	next   time.Time // when the timer fires
}

func (l *lingerers) add(x lingerer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) >= maxLingering {
		l.forget(l.queue[0])
		// Dropped from the front, not shifted: append copies the queue
		// into a new array once per maxLingering adds, not on each.
		l.queue[0] = lingerer{}
		l.queue = l.queue[1:]
	}
	l.queue = append(l.queue, x)
	l.byPtr[x.ptr] = x.rec
	l.byName[x.name] = x.ptr
	l.schedule(x.until)
}

// forget drops x from the maps (its name unless a later entry took it)
// and from follows.active; l.mu is held.
func (l *lingerers) forget(x lingerer) {
	delete(l.byPtr, x.ptr)
	if l.byName[x.name] == x.ptr {
		delete(l.byName, x.name)
	}
	follows.active.Add(-1)
}

// find returns the recorder of the lingering Follow of the label set p,
// or of the label value name when name is not "", or nil.
func (l *lingerers) find(p unsafe.Pointer, name string) Recorder {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if r := l.byPtr[p]; r != nil {
		return r
	}
	if q, ok := l.byName[name]; ok && name != "" {
		return l.byPtr[q]
	}
	return nil
}

// schedule makes the timer fire by t.
func (l *lingerers) schedule(t time.Time) {
	switch {
	case l.timer == nil:
		l.timer = time.AfterFunc(time.Until(t), l.expire)
	case t.Before(l.next):
		l.timer.Reset(time.Until(t))
	default:
		return
	}
	l.next = t
}

// expire forgets the Follows whose time is up, and waits for the next.
func (l *lingerers) expire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	kept := l.queue[:0]
	var next time.Time
	for _, x := range l.queue {
		if !x.until.After(now) {
			l.forget(x)
			continue
		}
		if next.IsZero() || x.until.Before(next) {
			next = x.until
		}
		kept = append(kept, x)
	}
	clear(l.queue[len(kept):])
	l.queue = kept
	if next.IsZero() {
		l.timer.Stop()
		l.timer, l.next = nil, time.Time{}
		return
	}
	l.next = next
	l.timer.Reset(time.Until(next))
}

// A FollowOption configures Follow.
type FollowOption func(*followOptions)

type followOptions struct {
	after  Recorder
	linger time.Duration
}

// LeftBehind hands the goroutines a Follow leaves running when it is
// stopped (started by the followed goroutine, still at work) to r for d:
// what they run without a recorder in its context is recorded there, with
// NoContext set, instead of nowhere. Meanwhile an operation without a
// recorder in its context anywhere in the process pays a label lookup (no
// allocation) rather than one atomic load.
func LeftBehind(r Recorder, d time.Duration) FollowOption {
	return func(o *followOptions) { o.after, o.linger = r, d }
}

// Watch hands to r, until stop is called, every operation that runs
// without a recorder in its context on a goroutine no Follow covers: work
// that cannot be tied to a request with certainty (a worker pool started
// at boot, a goroutine that outlived its request). Each active Watch's
// recorder receives each such operation once. While a Watch is active,
// every such operation in the process is recorded: watch only while it can
// matter (while requests are observed).
func Watch(r Recorder) (stop func()) {
	follows.mu.Lock()
	next := []Recorder{r}
	if cur := follows.orphans.Load(); cur != nil {
		next = append(next, *cur...)
	}
	follows.orphans.Store(&next)
	follows.mu.Unlock()
	follows.active.Add(1)
	var once atomic.Bool
	return func() {
		if !once.CompareAndSwap(false, true) {
			return
		}
		follows.mu.Lock()
		defer follows.mu.Unlock()
		var cur []Recorder
		if p := follows.orphans.Load(); p != nil {
			cur = *p
		}
		follows.orphans.Store(without(cur, r))
		follows.active.Add(-1)
	}
}

// without returns a copy of rs without its first r, or nil when nothing
// is left (the usual case: one Watch at a time, stopped and started again
// with each request).
func without(rs []Recorder, r Recorder) *[]Recorder {
	if len(rs) == 1 && rs[0] == r {
		return nil
	}
	next := make([]Recorder, 0, len(rs))
	removed := false
	for _, o := range rs {
		if o == r && !removed {
			removed = true
			continue
		}
		next = append(next, o)
	}
	return &next
}

// goroutineRecorder returns the recorder of the Follow that covers the
// calling goroutine, else the active Watches' recorders, else nil. While no Follow is active it costs one atomic load.
func goroutineRecorder() Recorder {
	if follows.active.Load() == 0 {
		return nil
	}
	if r := followedRecorder(); r != nil {
		return r
	}
	return orphanRecorder()
}

// followedRecorder returns the recorder of the Follow that covers the
// calling goroutine, or nil.
func followedRecorder() Recorder {
	p := getProfLabel()
	if p == nil {
		return nil
	}
	if f, ok := follows.byPtr.Load(p); ok {
		return f.(*followed).rec
	}
	// The app set labels of its own (pprof.Do) with a context derived from
	// the followed one: the label set is new, but carries Follow's label.
	name, ok := followLabelOf(p)
	if ok {
		if f, ok := follows.byName.Load(name); ok {
			return f.(*followed).rec
		}
	}
	if r := lingering.find(p, name); r != nil {
		return r
	}
	return nil
}

// labelSet is the layout of the label set the runtime keeps per goroutine:
// runtime/pprof's labelMap, whose only field is internal/runtime/pprof/
// label.Set, which the runtime itself reads to print labels in tracebacks.
// labelsReadable checks the layout once with a label set of its own, so a
// runtime that changed it only loses this fallback.
type labelSet struct {
	list []struct{ key, value string }
}

var labelsReadable = sync.OnceValue(func() bool {
	done := make(chan bool)
	go func() { // a goroutine of its own, so no caller's labels change
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(FollowLabel+".probe", "ok")))
		p := getProfLabel()
		ls := (*labelSet)(p)
		done <- p != nil && len(ls.list) == 1 && ls.list[0].key == FollowLabel+".probe" && ls.list[0].value == "ok"
	}()
	return <-done
})

// followLabelOf returns the value of Follow's label in the label set p.
func followLabelOf(p unsafe.Pointer) (string, bool) {
	if !labelsReadable() {
		return "", false
	}
	for _, l := range (*labelSet)(p).list {
		if l.key == FollowLabel {
			return l.value, true
		}
	}
	return "", false
}

// orphanRecorder fans an operation out to the active Watches' recorders,
// or is nil when there are none.
func orphanRecorder() Recorder {
	sinks := follows.orphans.Load()
	if sinks == nil || len(*sinks) == 0 {
		return nil
	}
	if len(*sinks) == 1 {
		return (*sinks)[0]
	}
	return fanout(*sinks)
}

type fanout []Recorder

func (f fanout) Record(e Event) {
	for _, r := range f {
		r.Record(e)
	}
}

// lookup returns where an operation run with ctx is recorded: the
// context's recorder, else the goroutine's (see goroutineRecorder), and
// whether the recorder came from the goroutine rather than the context.
func lookup(ctx context.Context) (r Recorder, noCtx bool) {
	if r := RecorderFrom(ctx); r != nil {
		return r, false
	}
	r = goroutineRecorder()
	return r, r != nil
}
