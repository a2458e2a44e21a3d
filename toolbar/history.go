package toolbar

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/filestore"
)

// history is the toolbar's kept records: the newest in memory, where the
// page that was just served finds its record at once, and, when a Store is
// configured, in it too. One goroutine writes to the store, so a slow
// disk or network never holds a response; Close waits for it.
type history struct {
	mem   *memoryStore
	store Store // nil: memory only
	log   *slog.Logger

	mu      sync.Mutex // guards queue's creation and closing
	closed  bool
	queue   chan *panels.Record
	pending sync.WaitGroup
	warn    sync.Once // the queue was full
	// clearedAt hides the records that started before it from the list
	// (Clear on the history page); their pages stay. It is the later of
	// the clears of this process and the mark last read from a store that
	// keeps one (ListClearer).
	clearedAt atomic.Int64 // Unix ns, 0 for never
}

// historyQueue is how many records may wait for a slow store before new
// ones are kept in memory only.
const historyQueue = 64

func newHistory(size int, store Store, log *slog.Logger) *history {
	return &history{mem: newMemoryStore(size), store: store, log: log}
}

func (h *history) add(rec *panels.Record) {
	if h == nil {
		return
	}
	h.mem.Add(context.Background(), rec)
	if h.store == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if h.queue == nil {
		h.queue = make(chan *panels.Record, historyQueue)
		go h.write()
	}
	h.pending.Add(1)
	select {
	case h.queue <- rec:
	default:
		h.pending.Done()
		h.warn.Do(func() {
			h.log.Warn("debugtoolbar: the history store is too slow; records are kept in memory only until it catches up")
		})
	}
}

// update keeps again a record already added, changed since (a plan was
// taken): the memory holds the record itself, a store its encoding,
// which is written again (the same id replaces the old one).
func (h *history) update(rec *panels.Record) {
	if h == nil || h.store == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.queue == nil {
		return
	}
	h.pending.Add(1)
	select {
	case h.queue <- rec:
	default:
		h.pending.Done()
	}
}

func (h *history) write() {
	for rec := range h.queue {
		if err := h.store.Add(context.Background(), rec); err != nil {
			h.log.Warn("debugtoolbar: could not keep a record in the history store", "id", rec.ID, "error", err)
		}
		h.pending.Done()
	}
}

// close waits until the records added so far are in the store, and stops
// writing to it.
func (h *history) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed && h.queue != nil {
		close(h.queue)
	}
	h.closed = true
	h.pending.Wait()
}

func (h *history) get(ctx context.Context, id string) (*panels.Record, error) {
	if rec, err := h.mem.Get(ctx, id); err == nil || h.store == nil {
		return rec, err
	}
	return h.store.Get(ctx, id)
}

// clearList hides the records that started before at from the list, and
// keeps the mark in the store when it can.
func (h *history) clearList(ctx context.Context, at time.Time) error {
	h.raiseCleared(at.UnixNano())
	if lc, ok := h.store.(ListClearer); ok {
		return lc.SetClearedAt(ctx, at)
	}
	return nil
}

// raiseCleared moves the mark to ns unless it is later already.
func (h *history) raiseCleared(ns int64) {
	for {
		old := h.clearedAt.Load()
		if ns <= old || h.clearedAt.CompareAndSwap(old, ns) {
			return
		}
	}
}

// cleared returns the mark, read again from a store that keeps one, so
// that a clear in another process, or before a restart, counts.
func (h *history) cleared(ctx context.Context) int64 {
	if lc, ok := h.store.(ListClearer); ok {
		t, err := lc.ClearedAt(ctx)
		switch {
		case err != nil:
			h.log.Debug("debugtoolbar: reading when the history's list was cleared", "error", err)
		case !t.IsZero():
			h.raiseCleared(t.UnixNano())
		}
	}
	return h.clearedAt.Load()
}

// list returns the newest summaries (the store's, with those still on
// their way to it), those the list was cleared of left out.
func (h *history) list(ctx context.Context, limit int) ([]panels.Summary, error) {
	list, err := h.listAll(ctx, limit)
	if c := h.cleared(ctx); c != 0 {
		list = slices.DeleteFunc(list, func(s panels.Summary) bool { return s.Start.UnixNano() < c })
	}
	return list, err
}

func (h *history) listAll(ctx context.Context, limit int) ([]panels.Summary, error) {
	mem, _ := h.mem.List(ctx, limit)
	if h.store == nil {
		return mem, nil
	}
	stored, err := h.store.List(ctx, limit)
	if err != nil {
		return mem, err
	}
	seen := make(map[string]bool, len(stored))
	for _, s := range stored {
		seen[s.ID] = true
	}
	for _, s := range mem {
		if !seen[s.ID] {
			stored = append(stored, s)
		}
	}
	slices.SortStableFunc(stored, func(a, b panels.Summary) int { return cmp.Compare(b.Start.UnixNano(), a.Start.UnixNano()) })
	return stored[:min(limit, len(stored))], nil
}

// fileStore is the Store of Config.HistoryDir.
type fileStore struct{ fs *filestore.Store }

func (s fileStore) Add(ctx context.Context, rec *panels.Record) error { return s.fs.Add(ctx, rec) }

func (s fileStore) Get(ctx context.Context, id string) (*panels.Record, error) {
	rec, err := s.fs.Get(ctx, id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%w)", ErrNotFound, err)
	}
	return rec, err
}

func (s fileStore) List(ctx context.Context, limit int) ([]panels.Summary, error) {
	return s.fs.List(ctx, limit)
}

func (s fileStore) SetClearedAt(ctx context.Context, t time.Time) error {
	return s.fs.SetClearedAt(ctx, t)
}

func (s fileStore) ClearedAt(ctx context.Context) (time.Time, error) { return s.fs.ClearedAt(ctx) }
