package toolbar

import (
	"sync"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Store keeps the history of recorded requests. The default keeps the
// newest Config.HistorySize records in memory; a shared store (Redis) lets
// several app instances show one history.
type Store interface {
	// Add keeps a finished record, evicting the oldest when full.
	Add(*panels.Record)
	// Get returns the record with the id, if it is still kept.
	Get(id string) (*panels.Record, bool)
	// List returns the kept records, newest first.
	List() []*panels.Record
}

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

func (s *memoryStore) Add(r *panels.Record) {
	if len(s.ring) == 0 { // the toolbar of a binary built with -tags nodebugtoolbar keeps nothing
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.ring[s.next]; old != nil {
		delete(s.byID, old.ID)
	}
	s.ring[s.next] = r
	s.byID[r.ID] = r
	s.next = (s.next + 1) % len(s.ring)
}

func (s *memoryStore) Get(id string) (*panels.Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byID[id]
	return r, ok
}

func (s *memoryStore) List() []*panels.Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*panels.Record, 0, len(s.byID))
	for i := 1; i <= len(s.ring); i++ {
		if r := s.ring[(s.next-i+len(s.ring))%len(s.ring)]; r != nil {
			out = append(out, r)
		}
	}
	return out
}
