package toolbartest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

type csrfKey struct{}

func TestRequestBodiesOverARealServer(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{})
	r := chi.NewRouter()
	r.Use(tb.Middleware)
	r.Use(func(next http.Handler) http.Handler { // as CSRF and session middleware do
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, "t")))
		})
	})
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.PostFormValue("user"))
	})
	r.Post("/ignore", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "not read") })
	srv := httptest.NewServer(r)
	defer srv.Close()

	t.Run("a form parsed on a copy of the request is shown, its password redacted", func(t *testing.T) {
		res, err := http.PostForm(srv.URL+"/login", url.Values{"user": {"ann"}, "password": {"hunter2"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		rec := fetchRecord(t, srv.URL, res.Header.Get("X-Debug-Token"))
		if want := map[string][]string{"user": {"ann"}, "password": {"[redacted]"}}; !reflect.DeepEqual(rec.Request.Form, want) {
			t.Errorf("form = %v, want %v", rec.Request.Form, want)
		}
		if rec.Request.Body.Read != int64(len("password=hunter2&user=ann")) {
			t.Errorf("body = %+v", rec.Request.Body)
		}
	})
	t.Run("a body the app never reads is left to the server", func(t *testing.T) {
		for range 2 { // the same connection serves the next request
			res, err := http.Post(srv.URL+"/ignore", "text/plain", strings.NewReader(strings.Repeat("x", 100_000)))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if rec := fetchRecord(t, srv.URL, res.Header.Get("X-Debug-Token")); rec.Request.Body.Read != 0 || rec.Request.Body.Text != "" {
				t.Errorf("body = %+v", rec.Request.Body)
			}
		}
	})
}
