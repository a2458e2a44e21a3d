package panels_test

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// recordedQueries is manyQueries run through sqltrace against the stub
// database, so that every event has a real call stack to resolve.
func recordedQueries(b *testing.B, n int) *panels.Record {
	b.Helper()
	rec := manyQueries(n)
	db := sqltrace.OpenDB(stubConnector{})
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
	withStacks(rec, recorded...)
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
	handMade := manyQueries(1000)
	recorded := recordedQueries(b, 1000)
	b.Run("hand-made events", func(b *testing.B) {
		benchRender(b, func() templ.Component { return panels.SQLPanel{}.Content(handMade) })
	})
	b.Run("recorded events with stacks", func(b *testing.B) {
		benchRender(b, func() templ.Component { return panels.SQLPanel{}.Content(recorded) })
	})
	b.Run("summary and level", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = panels.SQLPanel{}.Summary(recorded)
			_ = panels.SQLPanel{}.Level(recorded)
		}
	})
	b.Run("FormatSQL alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range handMade.Queries {
				panels.FormatSQL(handMade.Queries[i].SQL)
			}
		}
	})
	b.Run("timer panel", func(b *testing.B) {
		benchRender(b, func() templ.Component { return panels.TimerPanel{}.Content(recorded) })
	})
}

// BenchmarkRequestPage1000Queries renders the full page of the same
// request: every panel at once.
func BenchmarkRequestPage1000Queries(b *testing.B) {
	rec := recordedQueries(b, 1000)
	ps := panels.Default()
	benchRender(b, func() templ.Component {
		return panels.RequestPage(panels.PageData{Prefix: "/__debug__/"}, rec, ps)
	})
}
