package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Store is the interface every store implements.
type Store = toolbar.Store

// Suite is a store implementation under test.
type Suite struct {
	// Open makes a new, empty history kept to maxRecords records and
	// returns a function that opens a store value on it: each call a new
	// value, as another process would open, all of them sharing that
	// history. The history is removed when the test ends.
	Open func(t *testing.T, maxRecords int) func() Store
	// NotFound is the error Get wraps for a record it does not keep.
	NotFound error
}

// t1 is when the suite's records start.
var t1 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// ID returns the i-th of the suite's record ids, a uuid.
func ID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// Run runs the behaviour every store shares.
func (s Suite) Run(t *testing.T) {
	t.Run("a record reads back byte for byte", func(t *testing.T) {
		for _, n := range []int{0, 20, 1000} {
			t.Run(fmt.Sprintf("%d queries", n), func(t *testing.T) {
				st := s.Open(t, 10)()
				rec := Record(ID(1), t1, n)
				if n == 0 { // no queries at all: nil lists must stay null
					rec = &panels.Record{ID: ID(1), Start: t1}
					rec.Finish(panels.Thresholds{})
				}
				if err := st.Add(t.Context(), rec); err != nil {
					t.Fatal(err)
				}
				got, err := st.Get(t.Context(), rec.ID)
				if err != nil {
					t.Fatal(err)
				}
				MustEqual(t, got, rec)
				sums, err := st.List(t.Context(), 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(sums) != 1 {
					t.Fatalf("List returned %d summaries, want 1", len(sums))
				}
				mustEqualSummary(t, sums[0], rec.Summary())
			})
		}
	})

	t.Run("List is newest first by start time and stops at its limit", func(t *testing.T) {
		st := s.Open(t, 10)()
		// Added out of order, as requests that overlap finish.
		for _, i := range []int{3, 1, 5, 2, 4} {
			if err := st.Add(t.Context(), Record(ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			limit int
			want  []int
		}{{10, []int{5, 4, 3, 2, 1}}, {5, []int{5, 4, 3, 2, 1}}, {3, []int{5, 4, 3}}, {1, []int{5}}, {0, nil}, {-1, nil}} {
			sums, err := st.List(t.Context(), c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(sums); fmt.Sprint(got) != fmt.Sprint(idsOf(c.want)) {
				t.Errorf("List(%d) = %v, want %v", c.limit, got, idsOf(c.want))
			}
		}
	})

	t.Run("the oldest records beyond the maximum are dropped", func(t *testing.T) {
		st := s.Open(t, 3)()
		for i := 1; i <= 5; i++ {
			if err := st.Add(t.Context(), Record(ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
				t.Fatal(err)
			}
		}
		sums, err := st.List(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(sums), idsOf([]int{5, 4, 3}); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("List = %v, want %v", got, want)
		}
		for _, i := range []int{1, 2} {
			if _, err := st.Get(t.Context(), ID(i)); !errors.Is(err, s.NotFound) {
				t.Errorf("Get of dropped record %d: err = %v, want one wrapping %v", i, err, s.NotFound)
			}
		}
		for _, i := range []int{3, 4, 5} {
			if _, err := st.Get(t.Context(), ID(i)); err != nil {
				t.Errorf("Get of kept record %d: %v", i, err)
			}
		}
	})

	t.Run("a record never added is not found", func(t *testing.T) {
		st := s.Open(t, 3)()
		if err := st.Add(t.Context(), Record(ID(1), t1, 20)); err != nil {
			t.Fatal(err)
		}
		rec, err := st.Get(t.Context(), ID(2))
		if !errors.Is(err, s.NotFound) || rec != nil {
			t.Errorf("Get = %v, %v; want nil and an error wrapping %v", rec, err, s.NotFound)
		}
	})

	t.Run("two store values on one history see each other's records", func(t *testing.T) {
		open := s.Open(t, 3)
		a, b := open(), open()
		for i := 1; i <= 4; i++ {
			st := a
			if i%2 == 0 {
				st = b
			}
			if err := st.Add(t.Context(), Record(ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
				t.Fatal(err)
			}
		}
		for name, st := range map[string]Store{"first": a, "second": b} {
			sums, err := st.List(t.Context(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ids(sums), idsOf([]int{4, 3, 2}); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("the %s store lists %v, want %v (one history, trimmed to 3)", name, got, want)
			}
			for _, i := range []int{2, 3, 4} {
				got, err := st.Get(t.Context(), ID(i))
				if err != nil {
					t.Fatalf("the %s store: Get of record %d: %v", name, i, err)
				}
				MustEqual(t, got, Record(ID(i), t1.Add(time.Duration(i)*time.Second), 20))
			}
			if _, err := st.Get(t.Context(), ID(1)); !errors.Is(err, s.NotFound) {
				t.Errorf("the %s store: Get of dropped record 1: err = %v, want one wrapping %v", name, err, s.NotFound)
			}
		}
	})

	t.Run("concurrent adds keep the newest within the maximum", func(t *testing.T) {
		open := s.Open(t, 25)
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			st := open() // a store value per writer, as several processes would have
			wg.Go(func() {
				for i := range each {
					n := w*each + i
					errs <- st.Add(context.Background(), Record(ID(n), t1.Add(time.Duration(n)*time.Millisecond), 20))
					if _, err := st.List(context.Background(), 5); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		st := open()
		sums, err := st.List(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 25 {
			t.Fatalf("List returned %d summaries, want 25", len(sums))
		}
		for i, sum := range sums {
			if want := ID(writers*each - 1 - i); sum.ID != want {
				t.Errorf("summary %d is %s, want %s (the newest, in order)", i, sum.ID, want)
			}
			if _, err := st.Get(t.Context(), sum.ID); err != nil {
				t.Errorf("Get of listed record %s: %v", sum.ID, err)
			}
		}
	})
}

// mustEqualSummary fails the test unless two summaries encode to the
// same JSON.
func mustEqualSummary(t *testing.T, got, want panels.Summary) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("summary read back:\n got %s\nwant %s", g, w)
	}
}

func ids(sums []panels.Summary) []string {
	out := make([]string, len(sums))
	for i, s := range sums {
		out[i] = s.ID
	}
	return out
}

func idsOf(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = ID(n)
	}
	return out
}
