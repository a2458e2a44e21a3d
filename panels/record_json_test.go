package panels_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestARecordRoundTripsThroughJSON(t *testing.T) {
	rec := realisticRecord()
	// Recorded queries, with real stacks, beside the hand-made ones.
	db := sqltrace.OpenDB(stubConnector{})
	defer db.Close()
	ctx, got := sqltrace.Capture(context.Background())
	for range 2 {
		rows, err := db.QueryContext(ctx, "SELECT n FROM t WHERE id = ?", 1)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	withStacks(rec, got.Events()...)
	rec.Cache[0].Stack = 0
	rec.AddLate()
	rec.Finish(panels.Thresholds{})

	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back panels.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatalf("the record does not round-trip:\n%s\n%s", b, again)
	}
	if back.Stats != rec.Stats || back.Late() != 1 || len(back.Alerts) != len(rec.Alerts) || len(back.Shapes) != len(rec.Shapes) {
		t.Errorf("decoded stats %+v late %d, want %+v late 1", back.Stats, back.Late(), rec.Stats)
	}
	last := len(back.Queries) - 1
	if want, got := rec.Caller(rec.Queries[last].Stack), back.Caller(back.Queries[last].Stack); want != got || !strings.HasSuffix(got.File, "record_json_test.go") {
		t.Errorf("decoded caller %+v, want %+v in this file", got, want)
	}
	if back.Queries[14].Err != "NOT NULL constraint failed: audit.user_id" {
		t.Errorf("decoded error %q", back.Queries[14].Err)
	}
	// A panel shows the decoded record as it shows the original.
	for _, p := range panels.Default() {
		var want, got bytes.Buffer
		p.Content(rec).Render(context.Background(), &want)
		p.Content(&back).Render(context.Background(), &got)
		if want.String() != got.String() {
			t.Errorf("the %s panel of the decoded record differs", p.ID())
		}
	}
}

func TestARecordOfAnotherVersionIsAnError(t *testing.T) {
	for _, in := range []string{`{"id": "x"}`, `{"version": 2, "id": "x"}`} {
		var r panels.Record
		err := json.Unmarshal([]byte(in), &r)
		if err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("%s: error %v, want one naming the version", in, err)
		}
	}
}
