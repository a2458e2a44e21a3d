package sqltracetest_test

import (
	"context"
	"fmt"
	"log"

	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Count the queries a code path runs, the way Django's assertNumQueries
// does: looking up each post's author on its own is one query per post,
// and a join is one query however many posts there are.
func Example_capture() {
	db, err := sqltrace.Open("sqlite", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // every SQLite :memory: connection is a database of its own
	for _, q := range []string{
		"CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)",
		"CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT)",
		"INSERT INTO authors VALUES (1, 'Ada'), (2, 'Grace')",
		"INSERT INTO posts VALUES (1, 1, 'Engines'), (2, 2, 'Compilers'), (3, 1, 'Notes')",
	} {
		if _, err := db.Exec(q); err != nil {
			log.Fatal(err)
		}
	}

	authorPerPost := func(ctx context.Context) ([]string, error) {
		rows, err := db.QueryContext(ctx, "SELECT author_id FROM posts ORDER BY id")
		if err != nil {
			return nil, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		names := make([]string, len(ids))
		for i, id := range ids {
			if err := db.QueryRowContext(ctx, "SELECT name FROM authors WHERE id = ?", id).Scan(&names[i]); err != nil {
				return nil, err
			}
		}
		return names, nil
	}
	joined := func(ctx context.Context) ([]string, error) {
		rows, err := db.QueryContext(ctx, "SELECT a.name FROM posts p JOIN authors a ON a.id = p.author_id ORDER BY p.id")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return nil, err
			}
			names = append(names, name)
		}
		return names, rows.Err()
	}

	for _, list := range []func(context.Context) ([]string, error){authorPerPost, joined} {
		ctx, got := sqltrace.Capture(context.Background())
		names, err := list(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(names, "queries:", got.Count())
	}
	// Output:
	// [Ada Grace Ada] queries: 4
	// [Ada Grace Ada] queries: 1
}

// Open a database through sqltrace and print each operation run with a
// recorder in its context. Operations run without one are not recorded.
func Example_open() {
	db, err := sqltrace.Open("sqlite", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // every SQLite :memory: connection is a database of its own

	ctx := sqltrace.WithRecorder(context.Background(), sqltrace.RecorderFunc(func(e sqltrace.Event) {
		fmt.Printf("%s %q rows=%d\n", e.Kind, e.SQL, e.Rows)
	}))
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t (n) VALUES (?), (?), (?)", 1, 2, 3); err != nil {
		log.Fatal(err)
	}
	var sum int
	if err := db.QueryRowContext(ctx, "SELECT sum(n) FROM t").Scan(&sum); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), "DELETE FROM t"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sum:", sum)
	// Output:
	// exec "CREATE TABLE t (n INTEGER)" rows=0
	// exec "INSERT INTO t (n) VALUES (?), (?), (?)" rows=3
	// query "SELECT sum(n) FROM t" rows=1
	// sum: 6
}
