package filestore_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/filestore"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/storetest"
)

// The stores hold 100 records, the default history, so every Add writes
// one file and trims one. Beside each store figure is the encoding alone,
// what any store that keeps JSON pays.

func BenchmarkAdd(b *testing.B) {
	for _, n := range []int{20, 1000} {
		rec := storetest.Record(storetest.ID(0), t1, n)
		b.Run(fmt.Sprintf("%d queries/encode only", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d queries/filestore", n), func(b *testing.B) {
			s := filled(b, n)
			b.ReportAllocs()
			i := 100
			for b.Loop() {
				i++
				rec.ID, rec.Start = storetest.ID(i), t1.Add(time.Duration(i)*time.Second)
				if err := s.Add(b.Context(), rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	for _, n := range []int{20, 1000} {
		enc, err := json.Marshal(storetest.Record(storetest.ID(50), t1, n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d queries/decode only", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := new(panels.Record).UnmarshalJSON(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d queries/filestore", n), func(b *testing.B) {
			s := filled(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Get(b.Context(), storetest.ID(50)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkList(b *testing.B) {
	s := filled(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if sums, err := s.List(b.Context(), 100); err != nil || len(sums) != 100 {
			b.Fatal(len(sums), err)
		}
	}
}

// filled returns a store of 100 records of n queries.
func filled(b *testing.B, n int) *filestore.Store {
	b.Helper()
	s := newStore(b, b.TempDir(), 100, 1<<30)
	rec := storetest.Record(storetest.ID(0), t1, n)
	for i := range 100 {
		rec.ID, rec.Start = storetest.ID(i), t1.Add(time.Duration(i)*time.Second)
		if err := s.Add(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
	return s
}
