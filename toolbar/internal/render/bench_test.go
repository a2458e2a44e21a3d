package render

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// recordedQueries is recordtest.ManyQueries run through sqltrace against
// memdb, so that every event has a real call stack to resolve.
func recordedQueries(b testing.TB, n int) *panels.Record {
	b.Helper()
	rec := recordtest.ManyQueries(n)
	db := sqltrace.OpenDB(&memdb.Connector{})
	b.Cleanup(func() { db.Close() })
	ctx, got := sqltrace.Capture(context.Background())
	for i := range rec.Queries {
		e := &rec.Queries[i]
		var args []any
		for _, a := range e.Args() {
			args = append(args, a.Value)
		}
		if e.Kind == sqltrace.KindExec {
			if _, err := db.ExecContext(ctx, e.SQL, args...); err != nil {
				b.Fatal(err)
			}
			continue
		}
		rows, err := db.QueryContext(ctx, e.SQL, args...)
		if err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
	recorded := got.Events()
	for i := range recorded {
		// Keep the fixture's times, so the layout matches the hand-made one.
		recorded[i].Start, recorded[i].Duration = rec.Start.Add(rec.Queries[i].Start), rec.Queries[i].Duration
	}
	rec.Queries, rec.Stacks = nil, nil
	recordtest.WithStacks(rec, recorded...)
	rec.Finish(panels.Thresholds{})
	return rec
}

func benchRender(b *testing.B, c func() templ.Component) {
	b.ReportAllocs()
	for b.Loop() {
		if err := c().Render(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSQLPanel1000Queries renders the SQL panel of a request that ran
// 1,000 queries: hand-made events (no call stacks), and recorded ones whose
// callers and stacks are resolved while rendering. The Timer panel of the
// same record and formatting the SQL alone are beside them, for scale.
func BenchmarkSQLPanel1000Queries(b *testing.B) {
	handMade := recordtest.ManyQueries(1000)
	recorded := recordedQueries(b, 1000)
	b.Run("hand-made events", func(b *testing.B) {
		benchRender(b, func() templ.Component { return sqlPanel{}.Content(handMade) })
	})
	b.Run("recorded events with stacks", func(b *testing.B) {
		benchRender(b, func() templ.Component { return sqlPanel{}.Content(recorded) })
	})
	b.Run("summary and level", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = sqlPanel{}.Summary(recorded)
			_ = sqlPanel{}.Level(recorded)
		}
	})
	b.Run("FormatSQL alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range handMade.Queries {
				formatSQL(handMade.Queries[i].SQL)
			}
		}
	})
	b.Run("timer panel", func(b *testing.B) {
		benchRender(b, func() templ.Component { return timerPanel{}.Content(recorded) })
	})
}

// BenchmarkRequestPage1000Queries renders the full page of the same
// request: every panel at once.
func BenchmarkRequestPage1000Queries(b *testing.B) {
	rec := recordedQueries(b, 1000)
	ps := Builtin()
	benchRender(b, func() templ.Component {
		return RequestPage(PageData{Prefix: "/__debug__/"}, rec, ps)
	})
}
