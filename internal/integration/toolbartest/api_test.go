package toolbartest_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The one decoder of the JSON API these tests share. It reads the wire
// format by its field names, as a client of the API would, not through
// panels.Record's own decoder, so a renamed or moved field fails here.

// apiRecord is a record as GET api/v1/requests/{id} sends it.
type apiRecord struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	Request struct {
		Method string              `json:"method"`
		Path   string              `json:"path"`
		Route  string              `json:"route"`
		Form   map[string][]string `json:"form"`
		Body   struct {
			ContentType string `json:"content_type"`
			Read        int64  `json:"read"`
			Truncated   bool   `json:"truncated"`
			Text        string `json:"text"`
		} `json:"body"`
	} `json:"request"`
	Response struct {
		Status      int    `json:"status"`
		Injected    bool   `json:"injected"`
		NotInjected string `json:"not_injected"`
	} `json:"response"`
	Queries []apiQuery `json:"queries"`
	Cache   []struct {
		Op  string `json:"op"`
		Key string `json:"key"`
		Hit bool   `json:"hit"`
	} `json:"cache"`
	UnattributedCount int  `json:"unattributed_count"`
	Outside           bool `json:"outside"`
	Shapes            []struct {
		Fingerprint string `json:"fingerprint"`
	} `json:"shapes"`
	Stacks [][]apiFrame `json:"stacks"`
	Alerts []struct {
		Kind    string     `json:"kind"`
		Message string     `json:"message"`
		Sites   []apiFrame `json:"sites"`
		Queries []int      `json:"queries"`
		Spans   []int      `json:"spans"`
		Fix     string     `json:"fix"`
	} `json:"alerts"`
	Spans []struct {
		Name string `json:"name"`
		HTTP *struct {
			Method string `json:"method"`
			URL    string `json:"url"`
			Host   string `json:"host"`
			Path   string `json:"path"`
			Status int    `json:"status"`
		} `json:"http"`
	} `json:"spans"`
	Pools []apiPool `json:"pools"`
}

// apiPool is a database's connection pool during the request.
type apiPool struct {
	Name       string `json:"name"`
	MaxOpen    int    `json:"max_open"`
	Open       int    `json:"open"`
	InUse      int    `json:"in_use"`
	Idle       int    `json:"idle"`
	WaitCount  int64  `json:"wait_count"`
	WaitNS     int64  `json:"wait_ns"`
	Overlapped bool   `json:"overlapped"`
}

type apiQuery struct {
	Kind      string   `json:"kind"`
	SQL       string   `json:"sql"`
	Args      []apiArg `json:"args"`
	Rows      int64    `json:"rows"`
	NoContext bool     `json:"no_context"`
	Unclosed  bool     `json:"unclosed"`
	TxOpen    bool     `json:"tx_open"`
	Shape     int      `json:"shape"` // index into the record's shapes, -1 for none
	Stack     int      `json:"stack"` // index into the record's stacks, -1 for none
	// Fingerprint and Caller are the query's shape's fingerprint and its
	// stack's first frame, looked up by the decoder.
	Fingerprint string   `json:"-"`
	Caller      apiFrame `json:"-"`
}

// apiArg is an argument: its type ("int64", "string", "null", ...) and
// its value as JSON holds it.
type apiArg struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

type apiFrame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

// apiSummary is one request of GET api/v1/requests.
type apiSummary struct {
	ID      string `json:"id"`
	Path    string `json:"path"`
	Outside bool   `json:"outside"`
}

// decodeRecord decodes a record the API sent, resolving each query's
// shape and stack, and fails the test on a malformed one.
func decodeRecord(t testing.TB, body []byte) apiRecord {
	t.Helper()
	var rec apiRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		t.Fatalf("decode the record: %v: %s", err, body)
	}
	if rec.Version != 1 {
		t.Fatalf("the record's version is %d, want 1", rec.Version)
	}
	for i := range rec.Queries {
		q := &rec.Queries[i]
		if q.Shape >= len(rec.Shapes) || q.Stack >= len(rec.Stacks) {
			t.Fatalf("query %d: shape %d of %d, stack %d of %d", i, q.Shape, len(rec.Shapes), q.Stack, len(rec.Stacks))
		}
		if q.Shape >= 0 {
			q.Fingerprint = rec.Shapes[q.Shape].Fingerprint
		}
		if q.Stack >= 0 && len(rec.Stacks[q.Stack]) > 0 {
			q.Caller = rec.Stacks[q.Stack][0]
		}
	}
	return rec
}

// decodeList decodes the history GET api/v1/requests sent.
func decodeList(t testing.TB, body []byte) []apiSummary {
	t.Helper()
	var list struct {
		Version  int          `json:"version"`
		Requests []apiSummary `json:"requests"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode the history: %v: %s", err, body)
	}
	if list.Version != 1 {
		t.Fatalf("the history's version is %d, want 1", list.Version)
	}
	return list.Requests
}

// fetchRecord gets a record from a server's API.
func fetchRecord(t *testing.T, base, id string) apiRecord {
	t.Helper()
	res, body := get(t, base+"/__debug__/api/v1/requests/"+id)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET the record %q: %s: %s", id, res.Status, body)
	}
	return decodeRecord(t, []byte(body))
}

// apiRecordOf gets a record from a handler's API, as a loopback client.
func apiRecordOf(t *testing.T, h http.Handler, id string) apiRecord {
	t.Helper()
	w := serveLocal(h, "/__debug__/api/v1/requests/"+id)
	if w.Code != http.StatusOK {
		t.Fatalf("GET record %s: %d %s", id, w.Code, w.Body)
	}
	return decodeRecord(t, w.Body.Bytes())
}
