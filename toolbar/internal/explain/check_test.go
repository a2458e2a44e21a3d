package explain

import (
	"errors"
	"testing"
)

func TestCheckLetsOnlyReadsThrough(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		ok   bool
	}{
		{"a select", "SELECT * FROM pets WHERE owner_id = ?", true},
		{"a select with one last semicolon", "SELECT 1;", true},
		{"a select in parentheses", "(SELECT 1) UNION (SELECT 2)", true},
		{"a CTE that reads", "WITH o AS (SELECT id FROM owners) SELECT * FROM pets JOIN o ON o.id = pets.owner_id", true},
		{"VALUES", "VALUES (1), (2)", true},
		{"TABLE", "TABLE pets", true},
		{"a column named like a keyword after a dot", "SELECT p.delete, p.update FROM pets p", true},
		{"a string holding DML", "SELECT 'DELETE FROM pets; DROP TABLE x'", true},
		{"a comment holding DML", "SELECT 1 -- ; DELETE FROM pets", true},
		{"an insert", "INSERT INTO pets (name) VALUES (?)", false},
		{"an update", "UPDATE pets SET name = ?", false},
		{"a delete", "DELETE FROM pets", false},
		{"a CTE with an insert", "WITH x AS (INSERT INTO pets (name) VALUES ('a') RETURNING id) SELECT * FROM x", false},
		{"a CTE with a delete", "WITH x AS (DELETE FROM pets RETURNING id) SELECT * FROM x", false},
		{"a CTE followed by an update", "WITH x AS (SELECT 1) UPDATE pets SET name = 'a'", false},
		{"a CTE with a merge", "WITH x AS (SELECT 1) MERGE INTO pets USING x ON true WHEN MATCHED THEN DELETE", false},
		{"FOR UPDATE", "SELECT * FROM pets FOR UPDATE", false},
		{"FOR NO KEY UPDATE", "SELECT * FROM pets FOR NO KEY UPDATE", false},
		{"FOR SHARE", "SELECT * FROM pets FOR SHARE", false},
		{"FOR KEY SHARE", "SELECT * FROM pets FOR KEY SHARE", false},
		{"LOCK IN SHARE MODE", "SELECT * FROM pets LOCK IN SHARE MODE", false},
		{"SELECT INTO", "SELECT * INTO copy FROM pets", false},
		{"INTO OUTFILE", "SELECT * FROM pets INTO OUTFILE '/tmp/x'", false},
		{"two statements", "SELECT 1; DELETE FROM pets", false},
		{"two selects", "SELECT 1; SELECT 2", false},
		{"an advisory lock", "SELECT pg_advisory_lock(1)", false},
		{"nextval", "SELECT nextval('s')", false},
		{"dblink", "SELECT * FROM dblink('host=x', 'DELETE FROM pets') AS t(a int)", false},
		{"a sleep", "SELECT pg_sleep(10)", false},
		{"a qualified function", "SELECT pg_catalog.pg_advisory_lock(1)", false},
		{"a quoted function", `SELECT "nextval"('s')`, false},
		{"a backquoted function", "SELECT `sleep`(10)", false},
		{"an explain", "EXPLAIN ANALYZE DELETE FROM pets", false},
		{"a pragma", "PRAGMA writable_schema = 1", false},
		{"a call", "CALL cleanup()", false},
		{"SET", "SET search_path = x", false},
		{"empty", "  ; ", false},
		{"only a comment", "-- SELECT", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.sql, false)
			if tt.ok && err != nil {
				t.Errorf("Check(%q) = %v, want nil", tt.sql, err)
			}
			if !tt.ok && !errors.Is(err, ErrNotRead) {
				t.Errorf("Check(%q) = %v, want ErrNotRead", tt.sql, err)
			}
		})
	}
	if err := Check("SELECT 1", true); !errors.Is(err, ErrNotRead) {
		t.Errorf("a truncated statement: %v, want ErrNotRead", err)
	}
}
