// Package filestore keeps the toolbar's history in a directory, one file
// per record, so that it outlives the process and several processes (the
// workers of one app, a server and its restarts) can share it.
//
// Nothing is kept in memory but the sizes of the files seen: every List
// and Get reads the directory again, so a store sees what others wrote
// into it a moment ago. A directory of a few hundred records is read in
// well under a millisecond.
//
// A file is written whole or not at all (a temporary file in the same
// directory, synced, renamed into place, the directory synced where the
// system can), so readers never see one half written and a power cut
// costs at most the record being written. A file cut short all the same
// (a disk that lies about its cache, a copy of the directory taken
// mid-write), or of another version, or not a record at all, is skipped:
// List leaves it out and Get reports the record missing, saying why; it
// is removed when its turn to be trimmed comes.
//
// Beside the records, cleared.json keeps when the history's list was
// last cleared (SetClearedAt), written the same way.
package filestore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// staleTemp is how old a temporary file must be before an Add removes it
// as the leftover of a crash: a write takes milliseconds.
const staleTemp = 10 * time.Minute

// Store is a history in a directory, safe for concurrent use by many
// goroutines and by other Store values and processes on the same
// directory.
type Store struct {
	dir        string
	maxRecords int
	maxBytes   int64

	mu sync.Mutex // serialises this value's trims
	// sizes are the sizes of the record files the last trim saw, by
	// name, so that a trim reads the directory but stats only the files
	// new to it.
	sizes map[string]int64
}

// New returns a store in dir, creating it (readable by its owner only) if
// it is missing. After each Add it keeps at most maxRecords records of at
// most maxBytes bytes in all, removing those that started first.
func New(dir string, maxRecords int, maxBytes int64) (*Store, error) {
	if maxRecords < 1 {
		return nil, fmt.Errorf("filestore: maxRecords %d: must be at least 1", maxRecords)
	}
	if maxBytes < 1 {
		return nil, fmt.Errorf("filestore: maxBytes %d: must be at least 1", maxBytes)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("filestore: history directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: create history directory %q: %w", dir, err)
	}
	// Find out now, not at the first request, that it cannot be written.
	f, err := os.CreateTemp(abs, tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("filestore: history directory %q is not writable: %w", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Store{dir: abs, maxRecords: maxRecords, maxBytes: maxBytes}, nil
}

// Add writes the record's file, then trims the directory to the store's
// bounds. A record larger than maxBytes on its own is not kept: Add
// returns an error. An id that is not letters, digits and '-' is an
// error.
func (s *Store) Add(ctx context.Context, rec *panels.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validID(rec.ID) {
		return errBadID(rec.ID)
	}
	head, body, err := encode(rec)
	if err != nil {
		return fmt.Errorf("filestore: encode record %s: %w", rec.ID, err)
	}
	size := int64(len(head) + len(body))
	if size > s.maxBytes {
		return fmt.Errorf("filestore: record %s is %d bytes, more than the history's maximum of %d", rec.ID, size, s.maxBytes)
	}
	name := fileName(rec.Start, rec.ID)
	if err := s.write(name, head, body); err != nil {
		return err
	}
	return s.trim(name, rec.ID, size)
}

// write puts the lines in the file name, atomically and durably: the
// temporary file is synced before it is renamed, so that the name never
// points at data still in the page cache, and the directory after, so
// that the rename itself survives a power cut.
func (s *Store) write(name string, head, body []byte) error {
	f, err := os.CreateTemp(s.dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if _, err = f.Write(head); err == nil {
		_, err = f.Write(body)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(s.dir, name))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("filestore: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("filestore: sync %s: %w", s.dir, err)
	}
	return nil
}

// trim removes the records that started first until the directory holds
// at most maxRecords of at most maxBytes in all, and any other file of
// the record just added (re-added with another start). Another process
// may trim at the same time: each removes the oldest of what it saw, so
// together they never remove one of the newest maxRecords.
func (s *Store) trim(added, id string, size int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names, err := s.names()
	if err != nil {
		return err
	}
	type file struct {
		name string
		size int64
	}
	if s.sizes == nil {
		s.sizes = make(map[string]int64)
	}
	s.sizes[added] = size
	files := make([]file, 0, len(names))
	sizes := make(map[string]int64, len(names))
	var total int64
	var errs []error
	for _, name := range names {
		rid, ok := idOf(name)
		switch {
		case !ok:
			if strings.HasPrefix(name, tmpPrefix) {
				s.removeStale(name)
			}
			continue
		case rid == id && name != added:
			errs = append(errs, s.remove(name))
			continue
		}
		size, seen := s.sizes[name]
		if !seen {
			fi, err := os.Lstat(filepath.Join(s.dir, name))
			if err != nil {
				continue // trimmed by another process meanwhile
			}
			size = fi.Size()
		}
		sizes[name] = size
		files = append(files, file{name, size})
		total += size
	}
	for i := 0; i < len(files) && (len(files)-i > s.maxRecords || total > s.maxBytes); i++ {
		errs = append(errs, s.remove(files[i].name))
		delete(sizes, files[i].name)
		total -= files[i].size
	}
	s.sizes = sizes
	return errors.Join(errs...)
}

func (s *Store) remove(name string) error {
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filestore: trim: %w", err)
	}
	return nil
}

// removeStale removes a temporary file a crashed writer left.
func (s *Store) removeStale(name string) {
	p := filepath.Join(s.dir, name)
	if fi, err := os.Lstat(p); err == nil && time.Since(fi.ModTime()) > staleTemp {
		os.Remove(p)
	}
}

// names returns the names in the directory, sorted: the records in the
// order they started.
func (s *Store) names() ([]string, error) {
	d, err := os.Open(s.dir)
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

// Get reads the record with the id. When the store keeps none, the error
// wraps fs.ErrNotExist, as it does for an id no record can have (not
// letters, digits and '-'). A file that is not a whole record of this
// version (cut short, of another version) is skipped like a missing one:
// the error wraps fs.ErrNotExist and names the file and what is wrong.
func (s *Store) Get(ctx context.Context, id string) (*panels.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("%w: %w", errBadID(id), fs.ErrNotExist)
	}
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	var damaged []error
	// Newest first: a record re-added has two files for a moment, and the
	// older may be whole where the newer is not.
	for i := len(names) - 1; i >= 0; i-- {
		if r, ok := idOf(names[i]); !ok || r != id {
			continue
		}
		p := filepath.Join(s.dir, names[i])
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // trimmed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("filestore: record %s: %w", id, err)
		}
		rec, err := decode(b, id)
		if err != nil {
			damaged = append(damaged, fmt.Errorf("%s: %w", p, err))
			continue
		}
		return rec, nil
	}
	if len(damaged) > 0 {
		return nil, fmt.Errorf("filestore: no whole record %s (%w): %w", id, errors.Join(damaged...), fs.ErrNotExist)
	}
	return nil, fmt.Errorf("filestore: no record %s in %s: %w", id, s.dir, fs.ErrNotExist)
}

// List returns the summaries of at most limit of the records that started
// last, newest first, reading only each file's first line. Files that are
// not whole records of this version are skipped.
func (s *Store) List(ctx context.Context, limit int) ([]panels.Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return []panels.Summary{}, nil
	}
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	out := make([]panels.Summary, 0, min(limit, len(names)))
	listed := make(map[string]bool, cap(out)) // a record re-added has two files for a moment
	br := bufio.NewReader(nil)
	for i := len(names) - 1; i >= 0 && len(out) < limit; i-- {
		id, ok := idOf(names[i])
		if !ok || listed[id] {
			continue
		}
		if sum, err := s.summary(br, names[i], id); err == nil {
			out = append(out, sum)
			listed[id] = true
		}
	}
	return out, nil
}

// summary reads the summary of a record file, through br.
func (s *Store) summary(br *bufio.Reader, name, id string) (panels.Summary, error) {
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		return panels.Summary{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return panels.Summary{}, err
	}
	br.Reset(f)
	return readSummary(br, fi.Size(), id)
}
