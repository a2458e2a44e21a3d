package callers_test

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/callers/dbhelper"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestWithSkipPackagesSkipsTheAppsOwnHelper(t *testing.T) {
	t.Run("with defaults, the helper's line is the caller", func(t *testing.T) {
		db := openSQLite(t)
		ctx, got := sqltrace.Capture(t.Context())
		_, err := dbhelper.Count(ctx, db, "sqlite_master")
		must(t, err)
		wantCallers(t, got, in("dbhelper/dbhelper.go", "count"))
	})
	t.Run("with the helper skipped, the line that called it is", func(t *testing.T) {
		db := openSQLite(t, sqltrace.WithSkipPackages("github.com/debugtoolbar/debugtoolbar/internal/integration/callers/dbhelper"))
		ctx, got := sqltrace.Capture(t.Context())
		_, err := dbhelper.Count(ctx, db, "sqlite_master") //at:skip.count
		must(t, err)
		wantCallers(t, got, at("skip.count"))
	})
}
