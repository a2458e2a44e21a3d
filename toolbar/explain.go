package toolbar

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/explain"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// EXPLAIN. The browser names a query of a record (POST
// requests/{id}/queries/{n}/explain, n from 0, analyze=1 for ANALYZE); the
// toolbar re-runs that recorded statement, if it is a read, under EXPLAIN
// in a transaction it rolls back (see toolbar/internal/explain). No SQL
// comes from the browser. The plan is kept with the record
// (panels.Record.SetPlan), so a reload and the JSON API show it, and the
// missing_index alert is found in it.

// autoExplainMax is how many slow queries of one request are explained
// by themselves, and autoExplainRunning how many such EXPLAINs run at
// once in the process; more are skipped, not queued.
const (
	autoExplainMax     = 3
	autoExplainRunning = 2
)

func (tb *Toolbar) explainQuery(w http.ResponseWriter, r *http.Request) {
	rec, ok := tb.record(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 0 || n >= len(rec.Queries) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "the record has no query " + chi.URLParam(r, "n")})
		return
	}
	analyze := r.PostFormValue("analyze") == "1"
	q := &rec.Queries[n]
	plan, err := explain.Explain(r.Context(), q, explain.Options{Analyze: analyze, Recorded: rec.Start})
	if err != nil {
		status := http.StatusBadGateway // the database failed
		switch {
		case errors.Is(err, explain.ErrNotRead):
			status = http.StatusUnprocessableEntity
		case errors.Is(err, explain.ErrNoDatabase), errors.Is(err, explain.ErrDialect):
			status = http.StatusConflict
		}
		writeHTML(w, r, status, render.PlanError(err.Error()))
		return
	}
	rec.SetPlan(int32(n), plan)
	if !rec.Outside { // the outside entry is built anew when read, and kept in no store
		tb.history.update(rec)
	}
	writeHTML(w, r, http.StatusOK, render.PlanFragment(rec, int32(n)))
}

// explainSlow takes, in the background, the plans of a finished record's
// slow reads, so that its missing indexes are found without a click. It
// runs after the response was sent, on a goroutine no request follows,
// and its statements are recorded nowhere.
func (tb *Toolbar) explainSlow(rec *panels.Record) {
	if rec.Outside {
		return
	}
	// The slow reads are those Finish found slow (one threshold, one place):
	// the slowest of each alert, which covers one statement run from one line.
	var todo []int32
	for _, a := range rec.Alerts {
		if a.Kind != panels.AlertSlowQuery || len(todo) == autoExplainMax {
			continue
		}
		i := slices.MaxFunc(a.Queries, func(x, y int32) int { return cmp.Compare(rec.Queries[x].Duration, rec.Queries[y].Duration) })
		q := &rec.Queries[i]
		if q.Kind == sqltrace.KindQuery && q.DB != 0 && q.Err == "" && explain.Check(q.SQL, q.SQLTruncated) == nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return
	}
	select {
	case tb.explaining <- struct{}{}:
	default:
		return // enough running: a click still explains it
	}
	go func() {
		defer func() { <-tb.explaining }()
		tb.safely("explaining slow queries", func() {
			taken := false
			for _, i := range todo {
				p, err := explain.Explain(context.Background(), &rec.Queries[i], explain.Options{Recorded: rec.Start})
				if err != nil {
					tb.log.Debug("debugtoolbar: explaining a slow query", "id", rec.ID, "query", i, "error", err)
					continue
				}
				p.Auto = true
				rec.SetPlan(i, p)
				taken = true
			}
			if taken {
				tb.history.update(rec)
			}
		})
	}()
}
