package filestore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// A record's file is two lines of JSON. The first is a header: the
// record's encoding version, the length of the second line, and the
// record's summary, all the history list needs:
//
//	{"version":1,"record_bytes":48213,"summary":{"id":"0c9a…","start":…}}
//
// The second is the record as panels.Record's MarshalJSON encodes it.
// JSON holds no raw newline, so the first newline ends the header. The
// length lets a reader of the header alone tell a file cut short (a
// crash mid-write, a full disk) from a whole one.
type header struct {
	Version int            `json:"version"`      // panels.RecordVersion of the second line
	Bytes   int64          `json:"record_bytes"` // the second line's length, its newline not counted
	Summary panels.Summary `json:"summary"`
}

// maxHeader bounds what is read looking for the first newline: a
// summary is a few hundred bytes, a long URL or redirect chain a few
// thousand.
const maxHeader = 1 << 20

// encode returns the two lines of a record's file, their newlines
// included.
func encode(rec *panels.Record) (head, body []byte, err error) {
	body, err = json.Marshal(rec)
	if err != nil {
		return nil, nil, err
	}
	head, err = json.Marshal(header{Version: panels.RecordVersion, Bytes: int64(len(body)), Summary: rec.Summary()})
	if err != nil {
		return nil, nil, err
	}
	return append(head, '\n'), append(body, '\n'), nil
}

// checkHeader returns an error unless h is the header of a whole file of
// this version, of size bytes, for the record with the id. n is the
// header line's length.
func checkHeader(h *header, n int, size int64, id string) error {
	if h.Version != panels.RecordVersion {
		return fmt.Errorf("record version %d, want %d", h.Version, panels.RecordVersion)
	}
	if want := int64(n) + 1 + h.Bytes + 1; size != want {
		return fmt.Errorf("%d bytes, want %d (cut short, or written by something else)", size, want)
	}
	if h.Summary.ID != id {
		return fmt.Errorf("holds record %q", h.Summary.ID)
	}
	return nil
}

// readSummary reads the summary from the header of a file of size bytes,
// the record the id names, through br.
func readSummary(br *bufio.Reader, size int64, id string) (panels.Summary, error) {
	line, err := readHeader(br)
	if err != nil {
		return panels.Summary{}, err
	}
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return panels.Summary{}, fmt.Errorf("header: %w", err)
	}
	if err := checkHeader(&h, len(line)-1, size, id); err != nil {
		return panels.Summary{}, err
	}
	return h.Summary, nil
}

// readHeader returns the first line, its newline included. It is valid
// until br is read again when it fits in br's buffer, as most do.
func readHeader(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	var long []byte
	for errors.Is(err, bufio.ErrBufferFull) && len(long) < maxHeader {
		long = append(long, line...)
		line, err = br.ReadSlice('\n')
	}
	if long != nil {
		line = append(long, line...)
	}
	switch {
	case err == nil:
		return line, nil
	case errors.Is(err, io.EOF), errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("no end to the header in its first %d bytes", len(line))
	}
	return nil, err
}

// decode returns the record of a whole file, the record the id names.
func decode(b []byte, id string) (*panels.Record, error) {
	line, body, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return nil, errors.New("no end to the header")
	}
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := checkHeader(&h, len(line), int64(len(b)), id); err != nil {
		return nil, err
	}
	rec := new(panels.Record)
	if err := rec.UnmarshalJSON(body[:h.Bytes]); err != nil {
		return nil, err
	}
	if rec.ID != id {
		return nil, fmt.Errorf("holds record %q", rec.ID)
	}
	return rec, nil
}
