package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jmoiron/sqlx"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

//go:embed static
var static embed.FS

// options configure the app.
type options struct {
	// ServiceURL is where the fake pricing service is reached, the app's
	// own address: "http://127.0.0.1:8080".
	ServiceURL string
	// Toolbar configures the debug toolbar (the zero value shows it to
	// loopback clients).
	Toolbar toolbar.Config
}

// app is the clinic: its database, the pages, the cache, the pricing
// client.
type app struct {
	// Handler serves the app, with the toolbar mounted.
	Handler http.Handler

	store    *Store
	pairs    []Pair
	prices   *PriceClient
	topPosts *ttlCache[[]TopPost]
	imports  []ImportedComment
	dir      string
}

// newApp creates and seeds the database in a temporary directory and
// builds the app's routes, with the toolbar mounted. Close removes the
// database again.
func newApp(ctx context.Context, opts options) (*app, error) {
	dir, err := os.MkdirTemp("", "clinic")
	if err != nil {
		return nil, err
	}
	db, err := openDB(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	a := &app{
		store:    &Store{db: sqlx.NewDb(db, "sqlite")},
		prices:   newPriceClient(opts.ServiceURL),
		topPosts: newTTLCache[[]TopPost](30 * time.Second),
		imports:  importFile(),
		dir:      dir,
	}
	cursor, err := a.store.PageCursor(ctx, deepPage, pageSize)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.pairs = pairs(cursor)

	if opts.Toolbar.Panels == nil {
		opts.Toolbar.Panels = append(toolbar.DefaultPanels(), lessonPanel{})
	}
	tb, err := toolbar.New(opts.Toolbar)
	if err != nil {
		a.Close()
		return nil, err
	}
	r := chi.NewRouter()
	r.Use(tb.Middleware)
	r.Get("/", a.home)
	r.Handle("/static/*", http.FileServerFS(static))
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Get("/fake-service/price/{id}", fakePrice)

	r.Get("/n-plus-one/bad", a.postsWithAuthorsBad)
	r.Get("/n-plus-one/fix", a.postsWithAuthorsFix)
	r.Get("/tags-and-comments/bad", a.tagsAndCommentsBad)
	r.Get("/tags-and-comments/fix", a.tagsAndCommentsFix)
	r.Get("/count-in-go/bad", a.countInGoBad)
	r.Get("/count-in-go/fix", a.countInGoFix)
	r.Get("/all-columns/bad", a.allColumnsBad)
	r.Get("/all-columns/fix", a.allColumnsFix)
	r.Get("/missing-index/bad", a.missingIndex(false))
	r.Get("/missing-index/fix", a.missingIndex(true))
	r.Post("/missing-index", a.toggleIndex)
	r.Get("/bulk-insert/bad", a.bulkInsertBad)
	r.Get("/bulk-insert/fix", a.bulkInsertFix)
	r.Get("/view-counter/bad", a.viewCounterBad)
	r.Get("/view-counter/fix", a.viewCounterFix)
	r.Get("/duplicate-queries/bad", a.duplicatesBad)
	r.Get("/duplicate-queries/fix", a.duplicatesFix)
	r.Get("/pagination/bad", a.paginationBad)
	r.Get("/pagination/fix", a.paginationFix)
	r.Get("/external-calls/bad", a.externalCallsBad)
	r.Get("/external-calls/fix", a.externalCallsFix)
	r.Get("/template-queries/bad", a.templateQueriesBad)
	r.Get("/template-queries/fix", a.templateQueriesFix)
	r.Get("/top-posts/bad", a.topPostsBad)
	r.Get("/top-posts/fix", a.topPostsFix)
	a.Handler = r
	return a, nil
}

// Close closes the database and removes it.
func (a *app) Close() error {
	err := a.store.db.Close()
	return errors.Join(err, os.RemoveAll(a.dir))
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, homePage(a.pairs))
}

// page renders one side of pair n around body.
func (a *app) page(w http.ResponseWriter, r *http.Request, n int, fix bool, body templ.Component) {
	toolbar.RecordData(r.Context(), lessonKey, lessonOf(a.pairs[n-1], fix))
	a.render(w, r, pairPage(a.pairs[n-1], fix, body))
}

// render renders c into a buffer first, so a failure halfway (a query
// inside a template, say) becomes a clean error page. The rendering is a
// span on the toolbar's timeline: queries that start inside it come from
// the template.
func (a *app) render(w http.ResponseWriter, r *http.Request, c templ.Component) {
	var b bytes.Buffer
	end := toolbar.StartSpan(r.Context(), "render")
	err := c.Render(r.Context(), &b)
	end(err)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	b.WriteTo(w)
}

func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "clinic", "path", r.URL.Path, "err", err)
	http.Error(w, fmt.Sprintf("clinic: %v", err), http.StatusInternalServerError)
}

// intParam reads a positive integer query parameter, or def.
func intParam(r *http.Request, name string, def int64) int64 {
	v, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || v < 1 {
		return def
	}
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
