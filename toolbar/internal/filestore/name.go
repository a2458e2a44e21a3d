package filestore

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A record's file is named for its start time and id:
// "1741964966000000000-0c9a3c7e-5d1f-4a8e-9b3a-2f1d6c7e8a90.json", the
// unix nanoseconds zero-padded to 19 digits, so that sorted names are the
// records in the order they started. Names of other shapes (the temporary
// files being written, anything else in the directory) are not records.
const (
	nanosDigits = 19 // math.MaxInt64 has 19
	ext         = ".json"
	tmpPrefix   = ".tmp-"
	maxIDLen    = 128 // keeps a name well under the usual 255 bytes
)

// validID reports whether id can name a file: letters, digits and '-'
// only, so no id reaches outside the directory or means anything to a
// shell.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func errBadID(id string) error {
	return fmt.Errorf("filestore: record id %q is not 1 to %d letters, digits and '-'", id, maxIDLen)
}

// fileName is the name of the file of the record with the id and start.
// Starts outside what unix nanoseconds hold (before 1678, after 2262, the
// zero time) sort first or last.
func fileName(start time.Time, id string) string {
	var ns int64
	switch {
	case start.Before(time.Unix(0, 0)):
		ns = 0
	case start.After(time.Unix(0, math.MaxInt64)):
		ns = math.MaxInt64
	default:
		ns = start.UnixNano()
	}
	b := make([]byte, 0, nanosDigits+1+len(id)+len(ext))
	s := strconv.FormatInt(ns, 10)
	for range nanosDigits - len(s) {
		b = append(b, '0')
	}
	b = append(b, s...)
	b = append(b, '-')
	b = append(b, id...)
	return string(append(b, ext...))
}

// idOf returns the id of the record a file name names, and false for a
// name that is not a record's.
func idOf(name string) (string, bool) {
	rest, ok := strings.CutSuffix(name, ext)
	if !ok || len(rest) < nanosDigits+2 || rest[nanosDigits] != '-' {
		return "", false
	}
	for i := range nanosDigits {
		if c := rest[i]; c < '0' || c > '9' {
			return "", false
		}
	}
	id := rest[nanosDigits+1:]
	return id, validID(id)
}
