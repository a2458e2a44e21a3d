package sqltracetest_test

import (
	"database/sql"
	"database/sql/driver"
	"os"
	"reflect"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

type (
	// noteText is a named string type, as apps declare for enums.
	noteText string
	// itemID is a named integer type.
	itemID int32
	// noteValuer is an app's own driver.Valuer.
	noteValuer struct{ s string }
)

func (v noteValuer) Value() (driver.Value, error) { return "valued " + v.s, nil }

// TestArgumentsAsTheDatabaseSawThem checks that every driver records the
// same arguments for the same Go values: the values the database received,
// whether database/sql converted them (lib/pq, MySQL, SQLite) or the
// driver took them as they are (pgx).
func TestArgumentsAsTheDatabaseSawThem(t *testing.T) {
	for _, d := range driverCases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			if d.envVar != "" && os.Getenv(d.envVar) == "" {
				t.Skipf("%s is not set; set it to a DSN to run the %s cases", d.envVar, d.name)
			}
			checkArgsAsSeen(t, newSuiteDB(t, &d))
		})
	}
}

func checkArgsAsSeen(t *testing.T, s *suiteDB) {
	str := "pointed"
	one := sql.NullInt64{Int64: 1, Valid: true}
	// Consecutive notes differ: MySQL counts only rows it changed.
	cases := []struct {
		name     string
		note, id any
		want     []any
	}{
		{"a *string", &str, one, []any{"pointed", int64(1)}},
		{"a nil *string", (*string)(nil), one, []any{nil, int64(1)}},
		{"a valid sql.NullString", sql.NullString{String: "ns", Valid: true}, one, []any{"ns", int64(1)}},
		{"an invalid sql.NullString", sql.NullString{String: "ignored"}, one, []any{nil, int64(1)}},
		{"a custom driver.Valuer", noteValuer{"note"}, one, []any{"valued note", int64(1)}},
		{"a named string type and a named int type", noteText("named"), itemID(1), []any{"named", int64(1)}},
	}
	query := s.q("UPDATE {table} SET note = ? WHERE id = ?")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, got := sqltrace.Capture(t.Context())
			if _, err := s.db.ExecContext(ctx, query, c.note, c.id); err != nil {
				t.Fatal(err)
			}
			if e := s.one(t, got, sqltrace.KindExec); !reflect.DeepEqual(e.Args, c.want) {
				t.Errorf("Args = %#v, want %#v", e.Args, c.want)
			}
			var note sql.NullString
			if err := s.db.QueryRowContext(t.Context(), s.q("SELECT note FROM {table} WHERE id = ?"), int64(1)).Scan(&note); err != nil {
				t.Fatal(err)
			}
			var stored any // nil for NULL
			if note.Valid {
				stored = note.String
			}
			if stored != c.want[0] {
				t.Errorf("the database stored %#v, the event says %#v", stored, c.want[0])
			}
		})
	}
}
