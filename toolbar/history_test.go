package toolbar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// fakeStore is a Store that keeps the JSON of what it is given, as a
// store that keeps records elsewhere does.
type fakeStore struct {
	mu   sync.Mutex
	ids  []string // oldest first
	byID map[string][]byte
}

func newFakeStore() *fakeStore { return &fakeStore{byID: map[string][]byte{}} }

func (s *fakeStore) Add(_ context.Context, rec *panels.Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, rec.ID)
	s.byID[rec.ID] = b
	return nil
}

func (s *fakeStore) Get(_ context.Context, id string) (*panels.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("fake store: %s: %w", id, ErrNotFound)
	}
	var rec panels.Record
	return &rec, json.Unmarshal(b, &rec)
}

func (s *fakeStore) List(ctx context.Context, limit int) ([]panels.Summary, error) {
	s.mu.Lock()
	ids := slices.Clone(s.ids)
	s.mu.Unlock()
	var out []panels.Summary
	for i := len(ids) - 1; i >= 0 && len(out) < limit; i-- {
		rec, err := s.Get(ctx, ids[i])
		if err != nil {
			return nil, err
		}
		out = append(out, rec.Summary())
	}
	return out, nil
}

func TestAConfiguredStoreKeepsWhatMemoryNoLongerHolds(t *testing.T) {
	st := newFakeStore()
	tb, err := New(Config{HistorySize: 2, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
			RecordCache(r.Context(), CacheEvent{Op: "get", Key: fmt.Sprint("k", i)})
		}, httptest.NewRequest("GET", fmt.Sprint("/page/", i), nil))
		ids = append(ids, w.Header().Get("X-Debug-Token"))
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	n := len(st.ids)
	st.mu.Unlock()
	if n != 3 {
		t.Fatalf("after Close the store holds %d records, want 3", n)
	}

	// Memory keeps the newest 2: the first comes from the store.
	rec, err := tb.Record(context.Background(), ids[0])
	if err != nil || rec.ID != ids[0] || rec.Request.Path != "/page/0" || len(rec.Cache) != 1 || rec.Cache[0].Key != "k0" {
		t.Fatalf("Record(%s) = %+v, %v; want the first request, from the store", ids[0], rec, err)
	}
	if body := fetch(t, tb, "/__debug__/requests/"+ids[0]+"/panels/cache"); !strings.Contains(body, "k0") {
		t.Errorf("the Cache panel of the stored record does not show its key:\n%s", body)
	}
	if _, err := tb.Record(context.Background(), "no-such-id"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Record of an unknown id: %v, want ErrNotFound", err)
	}
	list, err := tb.History(context.Background())
	if err != nil || len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
		t.Errorf("History = %+v (%v); want the newest 2, newest first", list, err)
	}
}

// clearerStore is a fakeStore that keeps the mark of a clear, or fails to.
type clearerStore struct {
	*fakeStore
	mu  sync.Mutex
	at  time.Time
	err error
}

func (s *clearerStore) SetClearedAt(_ context.Context, t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.at = t
	return nil
}

func (s *clearerStore) ClearedAt(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at, s.err
}

func TestTheMarkOfAClearIsKeptInAStoreThatCan(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	t.Run("kept in the store, and read from it at every list", func(t *testing.T) {
		st := &clearerStore{fakeStore: newFakeStore()}
		tb, err := New(Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		observe(t, tb, page, httptest.NewRequest("GET", "/old", nil))
		if w := postAction(tb, "/__debug__/history/clear", nil, true); w.Code != http.StatusOK {
			t.Fatalf("clear: %d %s", w.Code, w.Body)
		}
		if st.at.IsZero() {
			t.Errorf("the store keeps no mark")
		}
		// Another process clears later still.
		time.Sleep(time.Millisecond)
		observe(t, tb, page, httptest.NewRequest("GET", "/between", nil))
		time.Sleep(time.Millisecond)
		st.SetClearedAt(t.Context(), time.Now())
		observe(t, tb, page, httptest.NewRequest("GET", "/new", nil))
		if list, _ := tb.History(t.Context()); len(list) != 1 || list[0].Path != "/new" {
			t.Errorf("history = %+v, want only /new: the store's later clear counts", list)
		}
		// A mark the store lost does not bring the records back.
		st.SetClearedAt(t.Context(), time.Time{})
		if list, _ := tb.History(t.Context()); len(list) != 1 {
			t.Errorf("history = %+v after the store lost its mark, want only /new", list)
		}
	})
	t.Run("a store that fails clears this process's list all the same", func(t *testing.T) {
		st := &clearerStore{fakeStore: newFakeStore(), err: errors.New("store down")}
		var logs strings.Builder
		tb, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		observe(t, tb, page, httptest.NewRequest("GET", "/old", nil))
		if w := postAction(tb, "/__debug__/history/clear", nil, true); w.Code != http.StatusOK {
			t.Fatalf("clear: %d %s", w.Code, w.Body)
		}
		time.Sleep(time.Millisecond)
		observe(t, tb, page, httptest.NewRequest("GET", "/new", nil))
		if list, _ := tb.History(t.Context()); len(list) != 1 || list[0].Path != "/new" {
			t.Errorf("history = %+v, want only /new", list)
		}
		if !strings.Contains(logs.String(), "store down") {
			t.Errorf("no warning of the failed store:\n%s", logs.String())
		}
	})
}
