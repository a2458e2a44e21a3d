package filestore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/filestore"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/storetest"
)

var t1 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

func TestStore(t *testing.T) {
	storetest.Suite{
		Open: func(t *testing.T, maxRecords int) func() storetest.Store {
			dir := t.TempDir()
			return func() storetest.Store { return newStore(t, dir, maxRecords, 1<<30) }
		},
		NotFound: fs.ErrNotExist,
	}.Run(t)
}

func newStore(t testing.TB, dir string, maxRecords int, maxBytes int64) *filestore.Store {
	t.Helper()
	s, err := filestore.New(dir, maxRecords, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files returns the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestNew(t *testing.T) {
	t.Run("a missing directory is created, its parents too", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "history")
		newStore(t, dir, 10, 1<<20)
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			t.Fatalf("directory not created: %v", err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("directory mode %v: others may read what the requests held", perm)
		}
		if got := files(t, dir); len(got) != 0 {
			t.Errorf("New left %v in the directory", got)
		}
	})
	t.Run("a directory that cannot be created is an error naming it", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "history")
		_, err := filestore.New(dir, 10, 1<<20)
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("New(%q) error = %v, want one naming the directory", dir, err)
		}
	})
	for _, c := range []struct {
		records int
		bytes   int64
		want    string
	}{{0, 1 << 20, "maxRecords 0"}, {-1, 1 << 20, "maxRecords -1"}, {10, 0, "maxBytes 0"}} {
		t.Run("a bound below one is an error naming it: "+c.want, func(t *testing.T) {
			if _, err := filestore.New(t.TempDir(), c.records, c.bytes); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one saying %q", err, c.want)
			}
		})
	}
}

func TestFileLayout(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir, 10, 1<<20)
	rec := storetest.Record(storetest.ID(1), t1, 20)
	if err := s.Add(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	name := "1741964966000000000-" + rec.ID + ".json"
	if got := files(t, dir); !slices.Equal(got, []string{name}) {
		t.Fatalf("directory holds %v, want just %s", got, name)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) != 3 || len(lines[2]) != 0 {
		t.Fatalf("the file has %d lines, want a header and a record, each ending in a newline", len(lines)-1)
	}
	var h struct {
		Version int             `json:"version"`
		Bytes   int             `json:"record_bytes"`
		Summary json.RawMessage `json:"summary"`
	}
	if err := json.Unmarshal(lines[0], &h); err != nil {
		t.Fatalf("header: %v", err)
	}
	wantSum, _ := json.Marshal(rec.Summary())
	wantRec, _ := json.Marshal(rec)
	if h.Version != panels.RecordVersion || h.Bytes != len(lines[1]) || !bytes.Equal(h.Summary, wantSum) {
		t.Errorf("header = %s, want version %d, record_bytes %d and summary %s", lines[0], panels.RecordVersion, len(lines[1]), wantSum)
	}
	if !bytes.Equal(lines[1], wantRec) {
		t.Errorf("second line is not json.Marshal(rec)")
	}
	if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("file mode %v: others may read what the request held", fi.Mode().Perm())
	}

	t.Run("a record re-added with another start leaves one file", func(t *testing.T) {
		again := storetest.Record(rec.ID, t1.Add(time.Second), 20)
		if err := s.Add(t.Context(), again); err != nil {
			t.Fatal(err)
		}
		if got := files(t, dir); !slices.Equal(got, []string{"1741964967000000000-" + rec.ID + ".json"}) {
			t.Errorf("directory holds %v", got)
		}
	})
	t.Run("a header longer than a read buffer is read whole", func(t *testing.T) {
		long := storetest.Record(storetest.ID(2), t1.Add(2*time.Second), 0)
		long.Request.URL = "/search?q=" + strings.Repeat("é", 20_000)
		if err := s.Add(t.Context(), long); err != nil {
			t.Fatal(err)
		}
		sums, err := s.List(t.Context(), 1)
		if err != nil || len(sums) != 1 || sums[0].URL != long.Request.URL {
			t.Errorf("List = %d summaries, %v; want the long one", len(sums), err)
		}
	})
	t.Run("starts outside what unix nanoseconds hold sort first and last", func(t *testing.T) {
		for _, start := range []time.Time{{}, time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)} {
			if err := s.Add(t.Context(), storetest.Record(storetest.ID(start.Year()), start, 0)); err != nil {
				t.Fatal(err)
			}
		}
		got := files(t, dir)
		if !strings.HasPrefix(got[0], "0000000000000000000-") || !strings.HasPrefix(got[len(got)-1], "9223372036854775807-"+storetest.ID(2300)) {
			t.Errorf("directory holds %v", got)
		}
		if _, err := s.Get(t.Context(), storetest.ID(1)); err != nil {
			t.Errorf("Get of the record with the zero start: %v", err)
		}
	})
}

func TestTrimByBytes(t *testing.T) {
	dir := t.TempDir()
	probeDir := t.TempDir()
	probe := newStore(t, probeDir, 10, 1<<30)
	rec := storetest.Record(storetest.ID(0), t1, 20)
	if err := probe.Add(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(probeDir, "1741964966000000000-"+rec.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	size := fi.Size() // every record of the test has this size: same shape, ids and starts of one length

	s := newStore(t, dir, 100, 3*size+size/2)
	for i := 1; i <= 6; i++ {
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := s.List(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sum := range sums {
		got = append(got, sum.ID)
	}
	if want := []string{storetest.ID(6), storetest.ID(5), storetest.ID(4)}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v: three records fit in 3.5 times one's size", got, want)
	}

	t.Run("records of different sizes each count at their own", func(t *testing.T) {
		dir := t.TempDir()
		sizeOf := func(n int) int64 {
			pd := t.TempDir()
			p := newStore(t, pd, 10, 1<<30)
			if err := p.Add(t.Context(), storetest.Record(storetest.ID(0), t1, n)); err != nil {
				t.Fatal(err)
			}
			sums, _ := p.List(t.Context(), 1)
			fi, err := os.Stat(filepath.Join(pd, nameOf(sums[0].Start, sums[0].ID)))
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
		small, big := sizeOf(0), sizeOf(1000)
		s := newStore(t, dir, 100, big+2*small+small/2)
		for i := 1; i <= 3; i++ {
			if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 0)); err != nil {
				t.Fatal(err)
			}
		}
		// The big one starts last: it is the newest, and the oldest small
		// one must go to make room.
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(4), t1.Add(4*time.Second), 1000)); err != nil {
			t.Fatal(err)
		}
		want := []string{nameOf(t1.Add(2*time.Second), storetest.ID(2)), nameOf(t1.Add(3*time.Second), storetest.ID(3)), nameOf(t1.Add(4*time.Second), storetest.ID(4))}
		if got := files(t, dir); !slices.Equal(got, want) {
			t.Errorf("directory holds %v, want %v", got, want)
		}
	})
	t.Run("a record larger than the bound on its own is refused, and nothing is trimmed for it", func(t *testing.T) {
		big := storetest.Record(storetest.ID(7), t1.Add(time.Hour), 1000)
		err := s.Add(t.Context(), big)
		if err == nil || !strings.Contains(err.Error(), "more than the history's maximum") {
			t.Errorf("Add of a big record: error = %v", err)
		}
		if n := len(files(t, dir)); n != 3 {
			t.Errorf("directory holds %d files, want the 3 it had", n)
		}
	})
}

func TestBadIDs(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "history")
	s := newStore(t, dir, 10, 1<<20)
	for _, id := range []string{"", "../escape", "a/b", `a\b`, "a.b", "a b", "x\x00y", "..", "é", strings.Repeat("a", 129)} {
		rec := storetest.Record(id, t1, 0)
		if err := s.Add(t.Context(), rec); err == nil || !strings.Contains(err.Error(), "is not 1 to 128 letters, digits and '-'") {
			t.Errorf("Add of id %q: error = %v, want one refusing the id", id, err)
		}
		if _, err := s.Get(t.Context(), id); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "letters, digits") {
			t.Errorf("Get of id %q: error = %v, want one refusing the id, wrapping fs.ErrNotExist", id, err)
		}
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("the directory holds %v", got)
	}
	if got := files(t, root); !slices.Equal(got, []string{"history"}) {
		t.Errorf("its parent holds %v", got)
	}
	if err := s.Add(t.Context(), storetest.Record(strings.Repeat("a", 128), t1, 0)); err != nil {
		t.Errorf("an id of 128 letters: %v", err)
	}
}

func TestDamagedFilesAreSkipped(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir, 100, 1<<30)
	for i := 1; i <= 9; i++ {
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
			t.Fatal(err)
		}
	}
	path := func(i int) string {
		return filepath.Join(dir, nameOf(t1.Add(time.Duration(i)*time.Second), storetest.ID(i)))
	}
	whole, err := os.ReadFile(path(1))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := bytes.Cut(whole, []byte("\n"))
	header8, body8, _ := bytes.Cut(fileOf(t, path(8)), []byte("\n"))
	damage := map[int]struct {
		why  string
		file []byte
		want string // in Get's error
	}{
		2: {"cut short in the record", whole[:len(whole)/2], "cut short"},
		3: {"cut short in the header", header[:len(header)/2], "no end to the header"},
		4: {"empty", nil, "no end to the header"},
		5: {"not JSON", []byte("garbage\n\x00\x01\n"), "header"},
		6: {"of an older version", bytes.ReplaceAll(fileOf(t, path(6)), []byte(`{"version":1,`), []byte(`{"version":0,`)), "record version 0, want 1"},
		7: {"holding another record", whole, "holds record"},
		8: {"the right length, the record not JSON", append(append(append(header8, '\n'), bytes.Repeat([]byte("x"), len(body8)-1)...), '\n'), "invalid character"},
	}
	for i, d := range damage {
		if err := os.WriteFile(path(i), d.file, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Not records: left alone and not listed.
	for _, name := range []string{"README", "notes.json", "123-abc.json", ".tmp-12345"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}\n{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	sums, err := s.List(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sum := range sums {
		got = append(got, sum.ID)
	}
	// List reads headers only: a file with a whole header, of the length
	// it gives, is listed (8), and only Get finds its record damaged.
	if want := []string{storetest.ID(9), storetest.ID(8), storetest.ID(1)}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want the files with a whole header only, %v", got, want)
	}
	if sums, _ := s.List(t.Context(), 3); len(sums) != 3 {
		t.Errorf("List(2) = %d summaries: damaged files must not count against the limit", len(sums))
	}
	for i, d := range damage {
		_, err := s.Get(t.Context(), storetest.ID(i))
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path(i)) || !strings.Contains(err.Error(), d.want) {
			t.Errorf("Get of a file %s: error = %v, want one wrapping fs.ErrNotExist (the record is not kept), naming %s and saying %q", d.why, err, path(i), d.want)
		}
	}
	for _, i := range []int{1, 9} {
		got, err := s.Get(t.Context(), storetest.ID(i))
		if err != nil {
			t.Fatal(err)
		}
		storetest.MustEqual(t, got, storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 20))
	}

	t.Run("damaged files are trimmed in their turn, others' files are left", func(t *testing.T) {
		small := newStore(t, dir, 2, 1<<30)
		if err := small.Add(t.Context(), storetest.Record(storetest.ID(10), t1.Add(10*time.Second), 20)); err != nil {
			t.Fatal(err)
		}
		want := []string{".tmp-12345", "123-abc.json", nameOf(t1.Add(9*time.Second), storetest.ID(9)), nameOf(t1.Add(10*time.Second), storetest.ID(10)), "README", "notes.json"}
		if got := files(t, dir); !slices.Equal(got, want) {
			t.Errorf("directory holds %v, want %v", got, want)
		}
	})
}

// TestATornFileIsSkipped imitates a power cut that left a record's file
// cut short (a disk that acknowledged a sync it had not done): the store
// carries on as if the record had not been written, and a record written
// again, whose older file is whole, is read from that one.
func TestATornFileIsSkipped(t *testing.T) {
	for _, keep := range []float64{0, 0.01, 0.5, 0.99} {
		t.Run(fmt.Sprintf("%.0f%% of the file kept", keep*100), func(t *testing.T) {
			dir := t.TempDir()
			s := newStore(t, dir, 100, 1<<30)
			for i := 1; i <= 3; i++ {
				if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 20)); err != nil {
					t.Fatal(err)
				}
			}
			torn := filepath.Join(dir, nameOf(t1.Add(3*time.Second), storetest.ID(3)))
			whole := fileOf(t, torn)
			if err := os.WriteFile(torn, whole[:int(float64(len(whole))*keep)], 0o600); err != nil {
				t.Fatal(err)
			}
			sums, err := s.List(t.Context(), 100)
			if err != nil || len(sums) != 2 || sums[0].ID != storetest.ID(2) || sums[1].ID != storetest.ID(1) {
				t.Errorf("List = %v, %v; want records 2 and 1, no error", sums, err)
			}
			if _, err := s.Get(t.Context(), storetest.ID(3)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Get of the torn record: %v, want an error wrapping fs.ErrNotExist", err)
			}

			// Record 2 written again with a later start, that file torn:
			// the older is still whole.
			again := filepath.Join(dir, nameOf(t1.Add(4*time.Second), storetest.ID(2)))
			if err := os.WriteFile(again, whole[:int(float64(len(whole))*keep)], 0o600); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Get(t.Context(), storetest.ID(2)); err != nil {
				t.Errorf("Get of a record whose newer file is torn: %v, want the older file's", err)
			} else {
				storetest.MustEqual(t, got, storetest.Record(storetest.ID(2), t1.Add(2*time.Second), 20))
			}
			sums, err = s.List(t.Context(), 100)
			if err != nil || len(sums) != 2 || sums[0].ID != storetest.ID(2) || !sums[0].Start.Equal(t1.Add(2*time.Second)) {
				t.Errorf("List = %v, %v; want record 2 from its whole file, then 1", sums, err)
			}
		})
	}
}

func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir, 10, 1<<20)
	old, fresh := filepath.Join(dir, ".tmp-crashed"), filepath.Join(dir, ".tmp-writing")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte(`{"version":1`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(t.Context(), storetest.Record(storetest.ID(1), t1, 0)); err != nil {
		t.Fatal(err)
	}
	if got, want := files(t, dir), []string{".tmp-writing", nameOf(t1, storetest.ID(1))}; !slices.Equal(got, want) {
		t.Errorf("directory holds %v, want %v: the hour-old temporary file removed, the fresh one left to its writer", got, want)
	}
}

func TestCancelledContext(t *testing.T) {
	s := newStore(t, t.TempDir(), 10, 1<<20)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Add(ctx, storetest.Record(storetest.ID(1), t1, 0)); !errors.Is(err, context.Canceled) {
		t.Errorf("Add: %v", err)
	}
	if _, err := s.Get(ctx, storetest.ID(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: %v", err)
	}
	if _, err := s.List(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("List: %v", err)
	}
}

func nameOf(start time.Time, id string) string {
	return strings.Repeat("0", 19-len(itoa(start.UnixNano()))) + itoa(start.UnixNano()) + "-" + id + ".json"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fileOf(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestClearedAt(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir, 2, 1<<30)
	if got, err := s.ClearedAt(t.Context()); err != nil || !got.IsZero() {
		t.Errorf("ClearedAt of a history never cleared = %v, %v; want the zero time", got, err)
	}
	at := time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("", 3600))
	if err := s.SetClearedAt(t.Context(), at); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ { // trims one
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 0)); err != nil {
			t.Fatal(err)
		}
	}
	other := newStore(t, dir, 2, 1<<30) // another process, or after a restart
	if got, err := other.ClearedAt(t.Context()); err != nil || !got.Equal(at) {
		t.Errorf("ClearedAt = %v, %v; want %v", got, err, at)
	}
	if sums, err := other.List(t.Context(), 10); err != nil || len(sums) != 2 {
		t.Errorf("List = %v, %v; want the 2 records kept, not the mark", sums, err)
	}
	if got, want := files(t, dir), []string{nameOf(t1.Add(2*time.Second), storetest.ID(2)), nameOf(t1.Add(3*time.Second), storetest.ID(3)), "cleared.json"}; !slices.Equal(got, want) {
		t.Errorf("directory holds %v, want %v: the mark left by the trim", got, want)
	}
	later := at.Add(time.Hour)
	if err := other.SetClearedAt(t.Context(), later); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClearedAt(t.Context()); err != nil || !got.Equal(later) {
		t.Errorf("ClearedAt after another store's clear = %v, %v; want %v", got, err, later)
	}

	t.Run("a damaged mark is an error naming its file", func(t *testing.T) {
		p := filepath.Join(dir, "cleared.json")
		if err := os.WriteFile(p, []byte(`{"cleared_at":"2025-`), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClearedAt(t.Context()); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ClearedAt = %v, want an error naming %s", err, p)
		}
	})
}
