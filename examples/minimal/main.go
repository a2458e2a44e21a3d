// Command minimal is the smallest app with the debug toolbar: one templ
// page listing posts from SQLite, traced by sqltrace, on http.ServeMux.
//
//	go run ./examples/minimal
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"

	"github.com/a-h/templ"
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()

	raw, err := sqltrace.Open("sqlite", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	raw.SetMaxOpenConns(1)          // each connection to :memory: is a database of its own
	db := sqlx.NewDb(raw, "sqlite") // the driver's own name, so sqlx binds with ?
	db.MustExec(`CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
		INSERT INTO posts (title) VALUES ('Measure first'), ('Then fix'), ('Then measure again')`)

	tb, err := toolbar.New(toolbar.Config{}) // shown to 127.0.0.1 and ::1 only
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		var titles []string
		if err := db.SelectContext(r.Context(), &titles, "SELECT title FROM posts ORDER BY id"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		templ.Handler(page(titles)).ServeHTTP(w, r)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("minimal: open http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, tb.Middleware(mux)))
}
