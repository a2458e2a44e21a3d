package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Sizes of the seeded database.
const (
	seedAuthors  = 20
	seedPosts    = 500
	seedTags     = 40
	seedComments = 3000
)

// schema is the blog. posts has no index on (author_id, created_at) on
// purpose: the missing-index page creates and drops it.
const schema = `
CREATE TABLE authors (
	id    INTEGER PRIMARY KEY,
	name  TEXT NOT NULL,
	email TEXT NOT NULL,
	bio   TEXT NOT NULL
);
-- body is last: SQLite reads a row's columns in order, so a query that
-- needs only the small columns never touches the body's overflow pages.
CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	author_id  INTEGER NOT NULL REFERENCES authors (id),
	title      TEXT NOT NULL,
	views      INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	body       TEXT NOT NULL
);
CREATE TABLE tags (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);
CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts (id),
	tag_id  INTEGER NOT NULL REFERENCES tags (id),
	PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE TABLE comments (
	id          INTEGER PRIMARY KEY,
	post_id     INTEGER NOT NULL REFERENCES posts (id),
	author_name TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX comments_post ON comments (post_id);
-- the bulk-insert pages import into this scratch table and empty it first
CREATE TABLE imported_comments (
	id          INTEGER PRIMARY KEY,
	post_id     INTEGER NOT NULL,
	author_name TEXT NOT NULL,
	body        TEXT NOT NULL
);`

// openDB creates a fresh database in dir, traced by sqltrace, and seeds it.
func openDB(ctx context.Context, dir string) (*sql.DB, error) {
	dsn := "file:" + filepath.Join(dir, "clinic.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	db, err := sqltrace.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if err := seed(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed: %w", err)
	}
	return db, nil
}

// seed creates the schema and fills it, the same way every time, in one
// transaction with multi-row INSERTs.
func seed(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2024, 11))
	paragraphs := make([]string, 40)
	for i := range paragraphs {
		paragraphs[i] = sentences(rng, 6+rng.IntN(6))
	}

	var rows [][]any
	for i := 1; i <= seedAuthors; i++ {
		first, last := firstNames[(i-1)%len(firstNames)], lastNames[(i*7)%len(lastNames)]
		rows = append(rows, []any{i, first + " " + last, strings.ToLower(first) + "@example.com", sentences(rng, 2)})
	}
	if err := insertMany(ctx, tx, "authors", []string{"id", "name", "email", "bio"}, rows); err != nil {
		return err
	}

	rows = rows[:0]
	for i, name := range tagNames[:seedTags] {
		rows = append(rows, []any{i + 1, name})
	}
	if err := insertMany(ctx, tx, "tags", []string{"id", "name"}, rows); err != nil {
		return err
	}

	start := time.Date(2023, 1, 1, 9, 0, 0, 0, time.UTC)
	created := make([]time.Time, seedPosts+1)
	rows = rows[:0]
	var postTags [][]any
	for i := 1; i <= seedPosts; i++ {
		created[i] = start.Add(time.Duration(i)*17*time.Hour + time.Duration(rng.IntN(600))*time.Minute)
		var body strings.Builder
		for range 8 + rng.IntN(8) {
			body.WriteString(paragraphs[rng.IntN(len(paragraphs))])
			body.WriteString("\n\n")
		}
		rows = append(rows, []any{i, 1 + rng.IntN(seedAuthors), title(rng), rng.IntN(5000), created[i], body.String()})
		for _, t := range rng.Perm(seedTags)[:1+rng.IntN(4)] {
			postTags = append(postTags, []any{i, t + 1})
		}
	}
	if err := insertMany(ctx, tx, "posts", []string{"id", "author_id", "title", "views", "created_at", "body"}, rows); err != nil {
		return err
	}
	if err := insertMany(ctx, tx, "post_tags", []string{"post_id", "tag_id"}, postTags); err != nil {
		return err
	}

	rows = rows[:0]
	for i := 1; i <= seedComments; i++ {
		post := 1 + rng.IntN(seedPosts)
		at := created[post].Add(time.Duration(1+rng.IntN(72*60)) * time.Minute)
		who := firstNames[rng.IntN(len(firstNames))]
		rows = append(rows, []any{i, post, who, sentences(rng, 1+rng.IntN(3)), at})
	}
	if err := insertMany(ctx, tx, "comments", []string{"id", "post_id", "author_name", "body", "created_at"}, rows); err != nil {
		return err
	}
	return tx.Commit()
}

// insertMany inserts rows with as few multi-row INSERTs as SQLite's limit
// on bound variables allows.
func insertMany(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	const maxVars = 30000
	per := maxVars / len(cols)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		var q strings.Builder
		fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(tuple)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

func title(rng *rand.Rand) string {
	return fmt.Sprintf("%s %s %s", titleVerbs[rng.IntN(len(titleVerbs))],
		titleAdjectives[rng.IntN(len(titleAdjectives))], titleNouns[rng.IntN(len(titleNouns))])
}

func sentences(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		words := 8 + rng.IntN(10)
		for w := range words {
			word := loremWords[rng.IntN(len(loremWords))]
			if w == 0 {
				word = strings.ToUpper(word[:1]) + word[1:]
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(word)
		}
		b.WriteByte('.')
	}
	return b.String()
}

var (
	firstNames = []string{"Ada", "Grace", "Linus", "Barbara", "Ken", "Rob", "Margaret", "Dennis",
		"Frances", "Edsger", "Radia", "Guido", "Hedy", "Niklaus", "Katherine", "Bjarne",
		"Annie", "Donald", "Sophie", "Alan"}
	lastNames = []string{"Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Pike", "Hamilton",
		"Ritchie", "Allen", "Dijkstra", "Perlman", "van Rossum", "Lamarr", "Wirth", "Johnson",
		"Stroustrup", "Easley", "Knuth", "Wilson", "Turing"}
	tagNames = []string{"go", "sql", "sqlite", "postgres", "performance", "caching", "http", "testing",
		"profiling", "indexes", "concurrency", "templates", "security", "deployment", "logging",
		"tracing", "memory", "gc", "networking", "json", "grpc", "design", "refactoring", "tooling",
		"debugging", "benchmarks", "databases", "migrations", "api", "frontend", "css", "htmx",
		"observability", "errors", "generics", "modules", "linux", "containers", "cloud", "career"}
	titleVerbs      = []string{"Taming", "Profiling", "Understanding", "Caching", "Indexing", "Measuring", "Debugging", "Speeding up", "Scaling", "Simplifying"}
	titleAdjectives = []string{"slow", "chatty", "hidden", "concurrent", "lazy", "expensive", "tiny", "legacy", "noisy", "surprising"}
	titleNouns      = []string{"queries", "templates", "handlers", "caches", "joins", "migrations", "services", "pages", "counters", "imports"}
	loremWords      = []string{"lorem", "ipsum", "dolor", "sit", "amet", "query", "index", "latency", "request",
		"handler", "template", "cache", "rows", "join", "table", "server", "profile", "trace", "budget",
		"page", "timeout", "client", "batch", "cursor", "offset", "column", "fast", "slow", "count", "plan"}
)
