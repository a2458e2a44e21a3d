package panels_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Frames of a small app, as sqltrace resolves them: its store, its
// handlers, and chi from the module cache.
var (
	chiFrame     = panels.Frame{Function: "github.com/go-chi/chi/v5.(*Mux).ServeHTTP", File: "/root/go/pkg/mod/github.com/go-chi/chi/v5@v5.2.3/mux.go", Line: 90}
	listPets     = panels.Frame{Function: "example.com/app/store.(*Store).Pets", File: "/src/app/store/pets.go", Line: 80}
	ownerOf      = panels.Frame{Function: "example.com/app/store.(*Store).Owner", File: "/src/app/store/owners.go", Line: 120}
	handlerList  = panels.Frame{Function: "example.com/app/web.pets", File: "/src/app/web/pets.go", Line: 40}
	handlerLoop  = panels.Frame{Function: "example.com/app/web.pets", File: "/src/app/web/pets.go", Line: 45}
	handlerOther = panels.Frame{Function: "example.com/app/web.pets", File: "/src/app/web/pets.go", Line: 52}
)

// rec builds a record whose queries ran from the given stacks.
type rec struct{ panels.Record }

func (r *rec) stack(frames ...panels.Frame) int32 {
	r.Stacks = append(r.Stacks, panels.NewStack(frames))
	return int32(len(r.Stacks) - 1)
}

func (r *rec) run(stack int32, rows int64, sql string, args ...any) {
	qu := q(sql, time.Millisecond, args...)
	qu.Stack, qu.Rows = stack, rows
	r.Queries = append(r.Queries, qu)
}

func (r *rec) finish(t panels.Thresholds) []panels.Alert {
	r.Finish(t)
	return r.Alerts
}

func only(t *testing.T, alerts []panels.Alert, kind panels.AlertKind) panels.Alert {
	t.Helper()
	var found []panels.Alert
	for _, a := range alerts {
		if a.Kind == kind {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		t.Fatalf("alerts %v: want one %s", kindsOf(alerts), kind)
	}
	return found[0]
}

func TestAnNPlusOneNamesTheLoopAndTheQuerysLine(t *testing.T) {
	var r rec
	list := r.stack(listPets, handlerList, chiFrame)
	loop := r.stack(ownerOf, handlerLoop, chiFrame)
	r.run(list, 4, "SELECT id, owner_id FROM pets")
	for id := range 4 {
		r.run(loop, 1, "SELECT name FROM owners WHERE id = ?", int64(id))
	}
	a := only(t, r.finish(panels.Thresholds{}), panels.AlertNPlusOne)
	if len(a.Sites) != 2 || a.Sites[0] != handlerLoop || a.Sites[1] != ownerOf {
		t.Errorf("sites %v: want the loop (web/pets.go:45), then the store (store/owners.go:120)", a.Sites)
	}
	if len(a.Queries) != 4 || a.Queries[0] != 1 {
		t.Errorf("queries %v: want the 4 lookups", a.Queries)
	}
	if !strings.Contains(a.Message, "4 times") || !strings.Contains(a.Message, "web/pets.go:45") || !strings.Contains(a.Fix, "IN (...)") {
		t.Errorf("message %q, fix %q", a.Message, a.Fix)
	}
	if a.Key() != "n_plus_one web/pets.go:45" {
		t.Errorf("key %q", a.Key())
	}
	if r.Stats.Level != panels.Danger {
		t.Errorf("level %v, want danger", r.Stats.Level)
	}
}

func TestALoopInsideAServiceIsNamedNotTheHandlerThatCalledIt(t *testing.T) {
	service := panels.Frame{Function: "example.com/app/service.Owners", File: "/src/app/service/owners.go", Line: 30}
	serviceLoop := panels.Frame{Function: "example.com/app/service.Owners", File: "/src/app/service/owners.go", Line: 33}
	var r rec
	list := r.stack(listPets, service, handlerList, chiFrame)
	loop := r.stack(ownerOf, serviceLoop, handlerList, chiFrame)
	r.run(list, 3, "SELECT id FROM pets")
	for id := range 3 {
		r.run(loop, 1, "SELECT name FROM owners WHERE id = ?", int64(id))
	}
	if a := only(t, r.finish(panels.Thresholds{}), panels.AlertNPlusOne); a.Sites[0] != serviceLoop {
		t.Errorf("sites %v: want the service's loop first", a.Sites)
	}
}

func TestALoopCallingAHelperNamesTheLoopTheHelperAndTheQuery(t *testing.T) {
	helper := panels.Frame{Function: "example.com/app/web.ownerName", File: "/src/app/web/helpers.go", Line: 12}
	var r rec
	list := r.stack(listPets, handlerList, chiFrame)
	loop := r.stack(ownerOf, helper, handlerLoop, chiFrame)
	r.run(list, 3, "SELECT id FROM pets")
	for id := range 3 {
		r.run(loop, 1, "SELECT name FROM owners WHERE id = ?", int64(id))
	}
	a := only(t, r.finish(panels.Thresholds{}), panels.AlertNPlusOne)
	if len(a.Sites) != 3 || a.Sites[0] != handlerLoop || a.Sites[1] != helper || a.Sites[2] != ownerOf {
		t.Errorf("sites %v: want the loop, the helper, the query", a.Sites)
	}
}

func TestWhatIsNotAnNPlusOne(t *testing.T) {
	cases := map[string]func(r *rec){
		"a loop of two": func(r *rec) {
			s := r.stack(ownerOf, handlerLoop, chiFrame)
			r.run(s, 1, "SELECT name FROM owners WHERE id = ?", int64(1))
			r.run(s, 1, "SELECT name FROM owners WHERE id = ?", int64(2))
		},
		"lookups from different lines": func(r *rec) {
			for i, line := range []panels.Frame{handlerList, handlerLoop, handlerOther} {
				r.run(r.stack(ownerOf, line, chiFrame), 1, "SELECT name FROM owners WHERE id = ?", int64(i))
			}
		},
		"a loop of COPY": func(r *rec) {
			s := r.stack(ownerOf, handlerLoop, chiFrame)
			for i := range 5 {
				r.run(s, 100, "COPY owners (name) FROM STDIN", int64(i))
			}
		},
		"a loop of inserts (row_by_row_writes)": func(r *rec) {
			s := r.stack(ownerOf, handlerLoop, chiFrame)
			for i := range 12 {
				r.run(s, 1, "INSERT INTO owners (name) VALUES (?)", int64(i))
				r.Queries[len(r.Queries)-1].Kind = sqltrace.KindExec
			}
		},
		"a loop reading many rows each": func(r *rec) {
			s := r.stack(ownerOf, handlerLoop, chiFrame)
			for i := range 5 {
				r.run(s, 200, "SELECT id FROM visits WHERE pet_id = ?", int64(i))
			}
		},
		"the fixed page: one IN query": func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 4, "SELECT id, owner_id FROM pets")
			r.run(r.stack(ownerOf, handlerList, chiFrame), 4, "SELECT id, name FROM owners WHERE id IN (?, ?, ?, ?)", int64(1), int64(2), int64(3), int64(4))
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			var r rec
			build(&r)
			if got := kindsOf(r.finish(panels.Thresholds{})); got[panels.AlertNPlusOne] != 0 {
				t.Errorf("alerts %v: want no N+1", got)
			}
		})
	}
}

func TestWritesInALoopAreRowByRow(t *testing.T) {
	var r rec
	s := r.stack(ownerOf, handlerLoop, chiFrame)
	for i := range 12 {
		r.run(s, 1, "INSERT INTO owners (name) VALUES (?)", int64(i))
		r.Queries[len(r.Queries)-1].Kind = sqltrace.KindExec
	}
	a := only(t, r.finish(panels.Thresholds{}), panels.AlertRowByRow)
	if len(a.Queries) != 12 || a.Sites[0] != handlerLoop || !strings.Contains(a.Fix, "multi-row INSERT") {
		t.Errorf("alert %+v: want the 12 inserts, the loop's line and the fix", a)
	}
	var few rec
	s = few.stack(ownerOf, handlerLoop, chiFrame)
	for i := range 9 {
		few.run(s, 1, "INSERT INTO owners (name) VALUES (?)", int64(i))
		few.Queries[len(few.Queries)-1].Kind = sqltrace.KindExec
	}
	if got := kindsOf(few.finish(panels.Thresholds{})); len(got) != 0 {
		t.Errorf("9 inserts: alerts %v, want none under the threshold of 10", got)
	}
}

func TestADuplicateNamesEveryLineThatRanIt(t *testing.T) {
	auth := panels.Frame{Function: "example.com/app/auth.User", File: "/src/app/auth/auth.go", Line: 127}
	users := panels.Frame{Function: "example.com/app/web.profile", File: "/src/app/web/users.go", Line: 31}
	var r rec
	r.run(r.stack(auth, chiFrame), 1, "SELECT name FROM users WHERE id = ?", int64(7))
	r.run(r.stack(users, chiFrame), 1, "SELECT name FROM users WHERE id = ?", int64(7))
	a := only(t, r.finish(panels.Thresholds{}), panels.AlertDuplicate)
	if len(a.Sites) != 2 || a.Sites[0] != auth || a.Sites[1] != users {
		t.Errorf("sites %v: want auth.go:127 and users.go:31", a.Sites)
	}
	if !strings.Contains(a.Message, "auth/auth.go:127, web/users.go:31") {
		t.Errorf("message %q: want both lines", a.Message)
	}
}

func TestLargeResultsWideRowsAndOffsets(t *testing.T) {
	for _, c := range []struct {
		name  string
		sql   string
		rows  int64
		args  []any
		kind  panels.AlertKind
		raise bool
	}{
		{"5,000 rows read", "SELECT id FROM visits", 5000, nil, panels.AlertLargeResult, true},
		{"a page of rows", "SELECT id FROM visits LIMIT 50", 50, nil, panels.AlertLargeResult, false},
		{"SELECT *", "SELECT * FROM pets WHERE id = ?", 1, []any{int64(1)}, panels.AlertWideRows, true},
		{"SELECT t.*", "SELECT p.* FROM pets p", 1, nil, panels.AlertWideRows, true},
		{"COUNT(*) is not", "SELECT COUNT(*) FROM pets", 1, nil, panels.AlertWideRows, false},
		{"a product is not", "SELECT price * qty FROM lines", 1, nil, panels.AlertWideRows, false},
		{"named columns are not", "SELECT id, name FROM pets", 1, nil, panels.AlertWideRows, false},
		{"a literal OFFSET", "SELECT id FROM visits ORDER BY id LIMIT 20 OFFSET 5000", 20, nil, panels.AlertOffset, true},
		{"OFFSET $2", "SELECT id FROM visits ORDER BY id LIMIT $1 OFFSET $2", 20, []any{int64(20), int64(4000)}, panels.AlertOffset, true},
		{"OFFSET ?", "SELECT id FROM visits WHERE a = ? ORDER BY id LIMIT ? OFFSET ?", 20, []any{"x", int64(20), int64(2000)}, panels.AlertOffset, true},
		{"MySQL's LIMIT offset, count", "SELECT id FROM visits ORDER BY id LIMIT 3000, 20", 20, nil, panels.AlertOffset, true},
		{"a small OFFSET", "SELECT id FROM visits ORDER BY id LIMIT 20 OFFSET 180", 20, nil, panels.AlertOffset, false},
		{"keyset paging", "SELECT id FROM visits WHERE id > $1 ORDER BY id LIMIT 20", 20, []any{int64(5000)}, panels.AlertOffset, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r rec
			r.run(r.stack(listPets, handlerList, chiFrame), c.rows, c.sql, c.args...)
			got := kindsOf(r.finish(panels.Thresholds{}))
			if (got[c.kind] == 1) != c.raise {
				t.Fatalf("alerts %v: want %s %v", got, c.kind, c.raise)
			}
			if c.raise {
				if a := only(t, r.Alerts, c.kind); len(a.Sites) != 1 || a.Sites[0] != listPets || a.Fix == "" {
					t.Errorf("alert %+v: want the query's line and a fix", a)
				}
			}
		})
	}
}

func TestAnAcceptedFindingIsListedButDoesNotRaiseTheLevel(t *testing.T) {
	build := func() *rec {
		var r rec
		s := r.stack(ownerOf, handlerLoop, chiFrame)
		for id := range 3 {
			r.run(s, 1, "SELECT name FROM owners WHERE id = ?", int64(id))
		}
		return &r
	}
	r := build()
	a := only(t, r.finish(panels.Thresholds{Accepted: func(key string) bool { return key == "n_plus_one web/pets.go:45" }}), panels.AlertNPlusOne)
	if !a.Accepted || r.Stats.Level != panels.Info {
		t.Errorf("accepted %v, level %v: want accepted and the level of the rest", a.Accepted, r.Stats.Level)
	}
	r = build()
	if a := only(t, r.finish(panels.Thresholds{Accepted: func(string) bool { return false }}), panels.AlertNPlusOne); a.Accepted || r.Stats.Level != panels.Danger {
		t.Errorf("not accepted: got accepted %v, level %v", a.Accepted, r.Stats.Level)
	}
}

func TestAReadModifyWriteIsFoundAndTheAtomicUpdateIsNot(t *testing.T) {
	exec := func(r *rec, sql string, args ...any) {
		r.run(r.stack(handlerOther, chiFrame), 1, sql, args...)
		r.Queries[len(r.Queries)-1].Kind = sqltrace.KindExec
	}
	for _, c := range []struct {
		name  string
		build func(r *rec)
		raise bool
	}{
		{"read, add one in Go, save the row", func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 1, "SELECT id, title, views FROM posts WHERE id = ?", int64(1))
			exec(r, "UPDATE posts SET title = ?, views = ? WHERE id = ?", "Hello", int64(42), int64(1))
		}, true},
		{"a schema-qualified, quoted table", func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 1, `SELECT views FROM public."posts" WHERE id = $1`, int64(1))
			exec(r, "UPDATE posts SET views = $1 WHERE id = $2", int64(42), int64(1))
		}, true},
		{"the atomic update", func(r *rec) {
			exec(r, "UPDATE posts SET views = views + 1 WHERE id = ?", int64(1))
		}, false},
		{"the atomic update after a read", func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 1, "SELECT id, title FROM posts WHERE id = ?", int64(1))
			exec(r, "UPDATE posts SET views = views + 1 WHERE id = ?", int64(1))
		}, false},
		{"a locked read", func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 1, "SELECT views FROM posts WHERE id = $1 FOR UPDATE", int64(1))
			exec(r, "UPDATE posts SET views = $1 WHERE id = $2", int64(42), int64(1))
		}, false},
		{"another table", func(r *rec) {
			r.run(r.stack(listPets, handlerList, chiFrame), 1, "SELECT id FROM users WHERE id = ?", int64(1))
			exec(r, "UPDATE posts SET author = ? WHERE id = ?", int64(1), int64(9))
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r rec
			c.build(&r)
			got := kindsOf(r.finish(panels.Thresholds{}))
			if (got[panels.AlertReadModifyWrite] == 1) != c.raise {
				t.Fatalf("alerts %v: want read_modify_write %v", got, c.raise)
			}
			if c.raise {
				if a := only(t, r.Alerts, panels.AlertReadModifyWrite); len(a.Queries) != 2 || len(a.Sites) != 2 || !strings.Contains(a.Fix, "views = views + 1") {
					t.Errorf("alert %+v", a)
				}
			}
		})
	}
}

func TestAReadEveryRequestOfAPageRunsAgainIsUncached(t *testing.T) {
	recent := panels.NewRecentReads()
	serve := func(route string, rows int64, args ...any) []panels.Alert {
		var r rec
		r.Request = panels.Request{Method: "GET", Route: route}
		r.Start = time.Now()
		r.run(r.stack(listPets, handlerList, chiFrame), rows, "SELECT id, title FROM posts ORDER BY views DESC LIMIT ?", args...)
		r.run(r.stack(ownerOf, handlerOther, chiFrame), 1, "SELECT name FROM users WHERE id = ?", int64(7)) // the session's user: one row
		return r.finish(panels.Thresholds{Recent: recent})
	}
	for i := range 2 {
		if got := kindsOf(serve("/top", 10, int64(10))); got[panels.AlertUncached] != 0 {
			t.Fatalf("request %d: alerts %v, want no uncached_query before the third", i+1, got)
		}
	}
	a := only(t, serve("/top", 10, int64(10)), panels.AlertUncached)
	if len(a.Queries) != 1 || a.Queries[0] != 0 || a.Sites[0] != listPets || !strings.Contains(a.Fix, "Cache") {
		t.Errorf("alert %+v: want the list query (not the one-row lookup), its line and the fix", a)
	}
	if got := kindsOf(serve("/top", 11, int64(10))); got[panels.AlertUncached] != 0 {
		t.Errorf("other rows than before: alerts %v, want none", got)
	}
	if got := kindsOf(serve("/other", 10, int64(10))); got[panels.AlertUncached] != 0 {
		t.Errorf("another route: alerts %v, want none", got)
	}
}
