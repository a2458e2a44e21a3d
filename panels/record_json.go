package panels

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// RecordVersion is the version of a record's JSON encoding, its "version"
// field. It changes when a field changes meaning or is removed; new fields
// may be added within a version.
const RecordVersion = 1

// recordFields is Record with its own JSON field names, for MarshalJSON
// and UnmarshalJSON to embed.
type recordFields Record

// recordJSON is a record as JSON holds it: its version, its stacks
// resolved, and how many events arrived after it was finished.
type recordJSON struct {
	Version int `json:"version"`
	*recordFields
	Stacks [][]Frame `json:"stacks"`
	Late   int       `json:"late_events"`
	// Plans are the plans taken of its queries, by index (SetPlan);
	// PlanAlerts what was found in them, computed again when decoded.
	Plans      map[int32]*Plan `json:"plans,omitempty"`
	PlanAlerts []Alert         `json:"plan_alerts,omitempty"`
}

// MarshalJSON encodes the record as the toolbar's JSON API serves it:
// durations in nanoseconds ("duration_ns"), errors as their text, each
// argument as its type and value, and call stacks resolved into frames
// ("stacks", which the operations' "stack" index). It decodes back into
// the same record with UnmarshalJSON.
func (r *Record) MarshalJSON() ([]byte, error) {
	stacks := make([][]Frame, len(r.Stacks))
	for i, s := range r.Stacks {
		stacks[i] = s.Frames()
		if stacks[i] == nil {
			stacks[i] = []Frame{}
		}
	}
	return json.Marshal(recordJSON{Version: RecordVersion, recordFields: (*recordFields)(r), Stacks: stacks, Late: r.Late(), Plans: r.Plans(), PlanAlerts: r.PlanAlerts()})
}

// UnmarshalJSON decodes a record MarshalJSON encoded. A record of another
// version is an error.
func (r *Record) UnmarshalJSON(b []byte) error {
	var v struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Version == nil || *v.Version != RecordVersion {
		got := "none"
		if v.Version != nil {
			got = strconv.Itoa(*v.Version)
		}
		return fmt.Errorf("panels: record version %s, want %d", got, RecordVersion)
	}
	*r = Record{}
	dec := recordJSON{recordFields: (*recordFields)(r)}
	if err := json.Unmarshal(b, &dec); err != nil {
		return err
	}
	r.Stacks = make([]*Stack, len(dec.Stacks))
	for i, fs := range dec.Stacks {
		r.Stacks[i] = NewStack(fs)
	}
	if len(r.Stacks) == 0 {
		r.Stacks = nil
	}
	r.late.Store(int64(dec.Late))
	for i, p := range dec.Plans {
		r.SetPlan(i, p)
	}
	return nil
}

// queryFields is Query with its own JSON field names.
type queryFields struct {
	Kind          sqltrace.Kind `json:"kind"`
	SQL           string        `json:"sql"`
	SQLTruncated  bool          `json:"sql_truncated,omitempty"`
	Args          []Arg         `json:"args"`
	ArgsTruncated bool          `json:"args_truncated,omitempty"`
	Start         time.Duration `json:"start_ns"`
	Duration      time.Duration `json:"duration_ns"`
	Rows          int64         `json:"rows"`
	Err           string        `json:"error,omitempty"`
	Tx            int32         `json:"tx"`
	Conn          int32         `json:"conn"`
	Shape         int32         `json:"shape"`
	Stack         int32         `json:"stack"`
	NoContext     bool          `json:"no_context,omitempty"`
	Unclosed      bool          `json:"unclosed,omitempty"`
	TxOpen        bool          `json:"tx_open,omitempty"`
	DB            int16         `json:"db,omitempty"`
}

// MarshalJSON encodes the query with its arguments decoded.
func (q Query) MarshalJSON() ([]byte, error) {
	args := q.Args()
	if args == nil {
		args = []Arg{}
	}
	return json.Marshal(queryFields{
		Kind: q.Kind, SQL: q.SQL, SQLTruncated: q.SQLTruncated, Args: args, ArgsTruncated: q.ArgsTruncated,
		Start: q.Start, Duration: q.Duration, Rows: q.Rows, Err: q.Err,
		Tx: q.Tx, Conn: q.Conn, Shape: q.Shape, Stack: q.Stack, NoContext: q.NoContext, Unclosed: q.Unclosed, TxOpen: q.TxOpen, DB: q.DB,
	})
}

// UnmarshalJSON decodes what MarshalJSON encoded.
func (q *Query) UnmarshalJSON(b []byte) error {
	f := queryFields{Shape: -1, Stack: -1}
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*q = Query{
		Kind: f.Kind, SQL: f.SQL, SQLTruncated: f.SQLTruncated, ArgsTruncated: f.ArgsTruncated,
		Start: f.Start, Duration: f.Duration, Rows: f.Rows, Err: f.Err,
		Tx: f.Tx, Conn: f.Conn, Shape: f.Shape, Stack: f.Stack, NoContext: f.NoContext, Unclosed: f.Unclosed, TxOpen: f.TxOpen, DB: f.DB,
	}
	q.SetArgs(f.Args)
	return nil
}

// argJSON is an argument as JSON holds it. Value is a number for int64
// and float64 (a string for a float that JSON cannot hold: "NaN", "+Inf",
// "-Inf"), base64 for bytes, RFC 3339 for a time, and text otherwise.
type argJSON struct {
	Name  string          `json:"name,omitempty"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// MarshalJSON encodes the argument with its type.
func (a Arg) MarshalJSON() ([]byte, error) {
	var v any
	switch x := a.Value.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			v = strconv.FormatFloat(x, 'g', -1, 64)
		} else {
			v = x
		}
	case []byte:
		v = base64.StdEncoding.EncodeToString(x)
	case time.Time:
		v = x.Format(time.RFC3339Nano)
	default:
		v = x
	}
	val, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(argJSON{Name: a.Name, Type: a.TypeName(), Value: val})
}

// UnmarshalJSON decodes what MarshalJSON encoded.
func (a *Arg) UnmarshalJSON(b []byte) error {
	var j argJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Arg{Name: j.Name}
	var err error
	switch j.Type {
	case "null":
		return nil
	case "int64":
		var n json.Number
		if err = json.Unmarshal(j.Value, &n); err == nil {
			a.Value, err = strconv.ParseInt(string(n), 10, 64)
		}
	case "float64":
		var s string
		if bytes.HasPrefix(j.Value, []byte(`"`)) {
			if err = json.Unmarshal(j.Value, &s); err == nil {
				a.Value, err = strconv.ParseFloat(s, 64)
			}
		} else {
			var f float64
			err = json.Unmarshal(j.Value, &f)
			a.Value = f
		}
	case "bool":
		var v bool
		err = json.Unmarshal(j.Value, &v)
		a.Value = v
	case "string":
		var v string
		err = json.Unmarshal(j.Value, &v)
		a.Value = v
	case "bytes":
		var s string
		if err = json.Unmarshal(j.Value, &s); err == nil {
			a.Value, err = base64.StdEncoding.DecodeString(s)
		}
	case "time":
		var s string
		if err = json.Unmarshal(j.Value, &s); err == nil {
			a.Value, err = time.Parse(time.RFC3339Nano, s)
		}
	default:
		var s string
		err = json.Unmarshal(j.Value, &s)
		a.Type, a.Value = j.Type, s
	}
	if err != nil {
		return fmt.Errorf("panels: argument of type %q: %w", j.Type, err)
	}
	return nil
}

// MarshalText returns "info", "warning" or "danger".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText sets the severity from its name.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Info, Warning, Danger} {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("panels: unknown severity %q", b)
}
