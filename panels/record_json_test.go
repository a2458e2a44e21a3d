package panels_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestARecordRoundTripsThroughJSON(t *testing.T) {
	rec := recordtest.Recorded(t)

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
	if want, got := rec.Caller(rec.Queries[last].Stack), back.Caller(back.Queries[last].Stack); want != got || !strings.HasSuffix(got.File, "/internal/recordtest/records.go") {
		t.Errorf("decoded caller %+v, want %+v, in recordtest", got, want)
	}
	if back.Queries[14].Err != "NOT NULL constraint failed: audit.user_id" {
		t.Errorf("decoded error %q", back.Queries[14].Err)
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
