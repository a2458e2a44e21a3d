// Command querylog is the smallest demonstration of sqltrace: a web page on
// embedded SQLite that lists posts with their authors the naive way (one
// query per post, the N+1 pattern) and the right way (one JOIN), and prints
// under each list the queries that request ran, with the line of Go code
// that ran each one.
//
//	go run ./examples/querylog
//
// then open the URL it prints. The debug toolbar itself builds on the same
// recording.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	_ "modernc.org/sqlite"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()

	dir, err := os.MkdirTemp("", "querylog")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sqltrace.Open("sqlite", filepath.Join(dir, "querylog.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := seed(context.Background(), db); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "sqltrace demo: the same list of posts, loaded two ways.")
		for _, way := range []struct {
			name string
			load func(context.Context, *sql.DB) ([]string, error)
		}{
			{"one query per post (N+1)", postsNPlusOne},
			{"one JOIN", postsJoined},
		} {
			ctx, got := sqltrace.Capture(r.Context())
			posts, err := way.load(ctx, db)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "\n== %s: %d posts, %d queries\n", way.name, len(posts), got.Count())
			for _, e := range got.Events() {
				f := e.Caller()
				fmt.Fprintf(w, "  %8s  %-60.60s rows=%-3d %s:%d\n", e.Duration.Round(time.Microsecond), strings.Join(strings.Fields(e.SQL), " "), e.Rows, filepath.Base(f.File), f.Line)
			}
		}
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("querylog: open http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

// seed creates five authors with four posts each.
func seed(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `
		CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL)`); err != nil {
		return err
	}
	for a := 1; a <= 5; a++ {
		if _, err := tx.ExecContext(ctx, "INSERT INTO authors (id, name) VALUES (?, ?)", a, fmt.Sprintf("Author %d", a)); err != nil {
			return err
		}
		for p := 1; p <= 4; p++ {
			if _, err := tx.ExecContext(ctx, "INSERT INTO posts (author_id, title) VALUES (?, ?)", a, fmt.Sprintf("Post %d by author %d", p, a)); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// postsNPlusOne looks innocent: it loads the posts, then each one's author.
func postsNPlusOne(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT title, author_id FROM posts ORDER BY id LIMIT 10")
	if err != nil {
		return nil, err
	}
	type post struct {
		title    string
		authorID int
	}
	var posts []post
	for rows.Next() {
		var p post
		if err := rows.Scan(&p.title, &p.authorID); err != nil {
			rows.Close()
			return nil, err
		}
		posts = append(posts, p)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var out []string
	for _, p := range posts {
		var name string
		if err := db.QueryRowContext(ctx, "SELECT name FROM authors WHERE id = ?", p.authorID).Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, p.title+" by "+name)
	}
	return out, nil
}

// postsJoined loads the same list in one query.
func postsJoined(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id
		ORDER BY p.id LIMIT 10`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var title, name string
		if err := rows.Scan(&title, &name); err != nil {
			return nil, err
		}
		out = append(out, title+" by "+name)
	}
	return out, rows.Err()
}
