package sqltrace

import "testing"

func TestIsCopyFromStdin(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  bool
	}{
		{`COPY "items" ("id", "name") FROM STDIN`, true},
		{`copy items from stdin`, true},
		{"  \n\t/* import */ -- the rows\n CoPy public.items (id) FROM\n stdin WITH (FORMAT csv)", true},
		{`COPY "from" ("to") FROM STDIN`, true},
		{`COPY items FROM '/tmp/items.csv'`, false},
		{`COPY items TO STDOUT`, false},
		{`COPY (SELECT * FROM stdin) TO STDOUT`, false},
		{`COPY items FROM PROGRAM 'cat'`, false},
		{`SELECT 'COPY items FROM STDIN'`, false},
		{`-- COPY items FROM STDIN` + "\nSELECT 1", false},
		{`COPYRIGHT FROM STDIN`, false},
		{`COPY`, false},
		{``, false},
		{`/* unterminated`, false},
	} {
		if got := isCopyFromStdin(tt.query); got != tt.want {
			t.Errorf("isCopyFromStdin(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}
