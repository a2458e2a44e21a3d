package toolbar

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Store keeps the history of recorded requests. The default keeps the
// newest Config.HistorySize records in memory; Config.HistoryDir keeps
// them in files, across restarts; a shared store (the Redis store of
// github.com/debugtoolbar/debugtoolbar/toolbar/redisstore) lets several
// processes show one history.
//
// The toolbar calls a store from many goroutines at once. It adds a
// record once, when its request has finished; a record is not changed
// after that (but for the count of late events, which only a store that
// keeps the record itself, as the memory store does, sees grow). A store
// that keeps records elsewhere keeps their JSON encoding
// (panels.Record's MarshalJSON), which decodes back into the same record.
//
// "Clear the list" on the history page hides the records that started
// before it from the list (their pages stay). A store that implements
// ListClearer keeps that mark, so that it outlives the process and every
// process on the store sees it; with any other store the mark is the
// process's own, forgotten when it stops. HistoryDir's store and the
// Redis store implement it.
type Store interface {
	// Add keeps a finished record, evicting the oldest when full.
	Add(ctx context.Context, rec *panels.Record) error
	// Get returns the record with the id, or an error wrapping
	// ErrNotFound when it is not kept (any more).
	Get(ctx context.Context, id string) (*panels.Record, error)
	// List returns the summaries of at most limit of the newest kept
	// records, newest first.
	List(ctx context.Context, limit int) ([]panels.Summary, error)
}

// ListClearer is a Store that keeps when the history's list was last
// cleared. The toolbar reads the mark when it starts and at every list
// (it leaves out the records that started before it; the store's List
// still returns them), and sets it when the list is cleared. When a
// Store does not implement ListClearer, or its methods fail, the toolbar
// keeps the mark in memory; of a mark read and one set in this process,
// the later counts.
type ListClearer interface {
	// SetClearedAt keeps t as when the list was cleared, replacing the
	// mark kept before.
	SetClearedAt(ctx context.Context, t time.Time) error
	// ClearedAt returns the mark SetClearedAt kept, or the zero time
	// when the list was never cleared (or its mark has expired).
	ClearedAt(ctx context.Context) (time.Time, error)
}

// ErrNotFound is the error a Store's Get wraps when it keeps no record
// with the id.
var ErrNotFound = errors.New("no request with this id in the history")

// memoryStore is a ring of the newest records.
type memoryStore struct {
	mu   sync.RWMutex
	ring []*panels.Record
	next int // where the next record goes
	byID map[string]*panels.Record
}

func newMemoryStore(size int) *memoryStore {
	return &memoryStore{ring: make([]*panels.Record, size), byID: make(map[string]*panels.Record, size)}
}

func (s *memoryStore) Add(_ context.Context, r *panels.Record) error {
	if len(s.ring) == 0 { // the toolbar of a binary built with -tags nodebugtoolbar keeps nothing
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.ring[s.next]; old != nil {
		delete(s.byID, old.ID)
	}
	s.ring[s.next] = r
	s.byID[r.ID] = r
	s.next = (s.next + 1) % len(s.ring)
	return nil
}

func (s *memoryStore) Get(_ context.Context, id string) (*panels.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r, ok := s.byID[id]; ok {
		return r, nil
	}
	return nil, ErrNotFound
}

func (s *memoryStore) List(_ context.Context, limit int) ([]panels.Summary, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]panels.Summary, 0, min(limit, len(s.byID)))
	for i := 1; i <= len(s.ring) && len(out) < limit; i++ {
		if r := s.ring[(s.next-i+len(s.ring))%len(s.ring)]; r != nil {
			out = append(out, r.Summary())
		}
	}
	return out, nil
}
