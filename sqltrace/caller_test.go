package sqltrace

import (
	"runtime"
	"testing"
)

func TestSkippedPackagesMatchTheirFunctionNames(t *testing.T) {
	f := newFrameFilter([]string{"example.com/app/dbutil", "gopkg.in/app.v2/"})
	tests := []struct {
		function string
		want     bool
	}{
		{"database/sql.(*DB).QueryContext", true},
		{"database/sql/driver.callValuerValue", true},
		{"gorm.io/gorm.(*DB).Create", true},
		{"gorm.io/gorm/callbacks.Create.func1", true},
		{"gorm.io/driver/sqlite.Migrator.HasTable", true},
		{"gorm.io/plugin/dbresolver.(*DBResolver).switchConn", true},
		{"entgo.io/ent/dialect/sql.(*Driver).Query", true},
		{"github.com/uptrace/bun.(*SelectQuery).Scan", true},
		{"github.com/uptrace/bun/dialect/pgdialect.(*Dialect).AppendTime", true},
		{"github.com/jackc/pgx/v5.(*Conn).Query", true},
		{"github.com/jackc/pgx/v5/pgxpool.(*Pool).Query", true},
		{"github.com/doug-martin/goqu/v9.(*SelectDataset).ScanStructs", true},
		{"github.com/Masterminds/squirrel.QueryContextWith", true},
		{"github.com/XSAM/otelsql.(*otConn).QueryContext", true},
		{"gopkg.in/gorp%2ev1.(*DbMap).Select", true},
		{"gopkg.in/DataDog/dd-trace-go%2ev1.x", true},
		{"gopkg.in/DataDog/dd-trace-go.v1/contrib/database/sql.(*tracedConn).QueryContext", true},
		{"example.com/app/dbutil.Get[...]", true},
		{"gopkg.in/app%2ev2.Get", true},
		{"github.com/debugtoolbar/debugtoolbar/sqltrace.(*conn).QueryContext", true},
		{"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace.(*Tracer).TraceQueryStart", true},

		{"main.main", false},
		{"example.com/app.(*Server).handlePosts", false},
		{"example.com/app/dbutilities.Get", false},
		{"gorm.io/gorm_test.TestCreate", false}, // a package's external tests are app code
		{"github.com/debugtoolbar/debugtoolbar/sqltrace_test.TestX", false},
		{"github.com/debugtoolbar/debugtoolbar/toolbar.(*Toolbar).Middleware", false},
		{"github.com/uptrace/bunrouter.(*Router).ServeHTTP", false},
		{"gorm.iox/gorm.F", false},
		{"gopkg.in/gorp.v1.F", false}, // symbol names never spell the last element's dots
	}
	for _, tt := range tests {
		if got := f.isInternal(tt.function); got != tt.want {
			t.Errorf("isInternal(%q) = %v, want %v", tt.function, got, tt.want)
		}
	}
}

// deepCallers calls f.callers from n frames of this package down.
//
//go:noinline
func deepCallers(f *frameFilter, n int) []uintptr {
	if n == 0 {
		var walk [fpFrames]uintptr
		return f.callers(DefaultStackDepth, &walk)
	}
	return deepCallers(f, n-1)
}

func TestCallersWalksPastDeepDatabaseLayers(t *testing.T) {
	// This test's frames are all sqltrace's, so the caller is testing's
	// runner.
	f := newFrameFilter(nil)
	for _, n := range []int{1, layerFrames + DefaultStackDepth + 10, 150} {
		pcs := deepCallers(f, n)
		if len(pcs) == 0 {
			t.Fatalf("%d frames deep: no caller", n)
		}
		if fr, _ := runtime.CallersFrames(pcs).Next(); fr.Function != "testing.tRunner" {
			t.Errorf("%d frames deep: caller %s, want testing.tRunner", n, fr.Function)
		}
	}
	if pcs := deepCallers(f, maxLayers+10); pcs != nil {
		t.Errorf("%d frames deep: caller %v, want none past the walk's bound", maxLayers+10, pcs)
	}
}
