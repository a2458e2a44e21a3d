package filestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// clearedFile keeps when the history's list was last cleared, so that the
// list stays cleared across restarts and for every process on the
// directory. Its name is not a record's: trims leave it.
const clearedFile = "cleared.json"

type cleared struct {
	At time.Time `json:"cleared_at"`
}

// SetClearedAt keeps t as when the history's list was cleared, in a file
// of the directory written as a record's is (whole or not at all).
func (s *Store) SetClearedAt(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(cleared{At: t})
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return s.write(clearedFile, append(b, '\n'), nil)
}

// ClearedAt returns when the history's list was last cleared, the zero
// time for never.
func (s *Store) ClearedAt(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	p := filepath.Join(s.dir, clearedFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("filestore: %w", err)
	}
	var c cleared
	if err := json.Unmarshal(b, &c); err != nil {
		return time.Time{}, fmt.Errorf("filestore: %s: %w", p, err)
	}
	return c.At, nil
}
