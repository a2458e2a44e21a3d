package sqltrace

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// Captured collects the events recorded through the context returned by
// [Capture]. It is safe for concurrent use.
type Captured struct {
	mu sync.Mutex
	// The events, in chunks that are never copied to grow: each chunk is
	// full but the last, and twice the size of the one before, up to
	// maxCaptureChunk. A slice grown by append would copy every event
	// already kept each time it doubles.
	chunks [][]Event
}

// maxCaptureChunk is the most events a chunk of a Captured holds (22 KB).
const maxCaptureChunk = 128

// Capture returns a context that records every database operation run with
// it (or a context derived from it) into the returned Captured. Use it in
// tests to assert how many queries a code path runs, the way Django's
// assertNumQueries does:
//
//	ctx, got := sqltrace.Capture(t.Context())
//	store.ListPosts(ctx)
//	if got.Count() != 1 {
//		t.Errorf("ListPosts ran %d queries, want 1:\n%s", got.Count(), got)
//	}
//
// Operations run by a database opened without sqltrace are not seen. A
// Capture taken where operations are already recorded (inside a request
// the toolbar observes, whether through ctx or the goroutine; see
// [Follow]) records into both.
func Capture(ctx context.Context) (context.Context, *Captured) {
	c := &Captured{}
	parent := RecorderFrom(ctx)
	if parent == nil && follows.active.Load() != 0 {
		parent = followedRecorder()
	}
	if parent == nil {
		return WithRecorder(ctx, c), c
	}
	return WithRecorder(ctx, tee{c, parent}), c
}

// tee records into a Capture and into the recorder that was there before
// it. Rows tracking goes to the one that tracks.
type tee struct {
	capture *Captured
	parent  Recorder
}

func (t tee) Record(e Event) {
	t.capture.Record(e)
	t.parent.Record(e)
}

func (t tee) tracker() RowsTracker {
	rt, _ := t.parent.(RowsTracker)
	return rt
}

// Record implements [Recorder].
func (c *Captured) Record(e Event) {
	c.mu.Lock()
	n := len(c.chunks)
	if n == 0 || len(c.chunks[n-1]) == cap(c.chunks[n-1]) {
		size := 4
		if n > 0 {
			size = min(2*cap(c.chunks[n-1]), maxCaptureChunk)
		}
		c.chunks = append(c.chunks, make([]Event, 0, size))
		n++
	}
	c.chunks[n-1] = append(c.chunks[n-1], e)
	c.mu.Unlock()
}

// Events returns a copy of the events recorded so far, in the order they
// finished.
func (c *Captured) Events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ch := range c.chunks {
		n += len(ch)
	}
	if n == 0 {
		return nil
	}
	out := make([]Event, 0, n)
	for _, ch := range c.chunks {
		out = append(out, ch...)
	}
	return out
}

// Count returns the number of queries and execs recorded so far; prepares,
// begins, commits and rollbacks are not counted.
func (c *Captured) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ch := range c.chunks {
		for i := range ch {
			if k := ch[i].Kind; k == KindQuery || k == KindExec {
				n++
			}
		}
	}
	return n
}

// Reset forgets the events recorded so far.
func (c *Captured) Reset() {
	c.mu.Lock()
	c.chunks = nil
	c.mu.Unlock()
}

// String lists the recorded queries and execs, one per line with its
// caller, for test failure messages.
func (c *Captured) String() string {
	var b strings.Builder
	for _, e := range c.Events() {
		if e.Kind != KindQuery && e.Kind != KindExec {
			continue
		}
		fmt.Fprintf(&b, "%s: %s", e.Kind, e.SQL)
		if f := e.Caller(); f.File != "" {
			fmt.Fprintf(&b, "  (%s:%d)", filepath.Base(f.File), f.Line)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
