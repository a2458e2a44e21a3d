package toolbartest_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// syncBuffer is a log destination safe from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// loudServer serves the book app behind a toolbar of cfg, its log kept.
func loudServer(t *testing.T, s *bookStore, cfg toolbar.Config) (*httptest.Server, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(log, nil))
	cfg.Thresholds = n1
	tb := newToolbar(t, cfg)
	srv := httptest.NewServer(tb.Middleware(s.routes()))
	t.Cleanup(srv.Close)
	return srv, log
}

func TestLoudModeLogsTheAlertsAndCountsThemInAHeader(t *testing.T) {
	s := newBookStore(t)
	srv, log := loudServer(t, s, toolbar.Config{Loud: &toolbar.Loud{Kinds: []panels.AlertKind{panels.AlertNPlusOne}}})

	tests := []struct {
		path   string
		header string // X-Debug-Alerts; "" for none
		logged bool
	}{
		{"/posts", "1", true},
		{"/posts/joined", "0", false},
		// Their headers go out while the handler runs, before the record
		// is finished: no count, but the log still says it.
		{"/api/posts", "", true},
		{"/posts/streamed", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := len(log.String())
			res, body := get(t, srv.URL+tt.path)
			if res.StatusCode != 200 || !strings.Contains(body, "post 6") {
				t.Fatalf("%s %q", res.Status, body)
			}
			if got, ok := res.Header["X-Debug-Alerts"]; tt.header == "" && ok || tt.header != "" && (len(got) != 1 || got[0] != tt.header) {
				t.Errorf("X-Debug-Alerts %q, want %q", got, tt.header)
			}
			logged := log.String()[before:]
			if !tt.logged {
				if logged != "" {
					t.Errorf("logged %q", logged)
				}
				return
			}
			for _, want := range []string{"level=WARN", "kind=n_plus_one", "request=\"GET " + tt.path + "\"", "record=/__debug__/requests/" + res.Header.Get("X-Debug-Token")} {
				if !strings.Contains(logged, want) {
					t.Errorf("the log lacks %q: %s", want, logged)
				}
			}
			if strings.Count(logged, "\n") != 1 || !containsAny(logged, storeSites(t)) {
				t.Errorf("want one line with a site of %q: %s", storeSites(t), logged)
			}
		})
	}
}

func TestLoudModeDefaultsToWarningsAndDangers(t *testing.T) {
	s := newBookStore(t)
	srv, log := loudServer(t, s, toolbar.Config{Loud: &toolbar.Loud{}})
	res, _ := get(t, srv.URL+"/posts")
	// The N+1 (danger) is loud; queries without the request's context
	// (info) is not.
	if got := res.Header.Get("X-Debug-Alerts"); got != "1" {
		t.Errorf("X-Debug-Alerts %q, want 1", got)
	}
	if l := log.String(); !strings.Contains(l, "kind=n_plus_one") || strings.Contains(l, "kind=queries_without_context") {
		t.Errorf("log: %s", l)
	}
}

func TestLoudModeIsNothingForAClientThatIsNotAllowed(t *testing.T) {
	s := newBookStore(t)
	bare := httptest.NewServer(s.routes())
	defer bare.Close()
	srv, log := loudServer(t, s, toolbar.Config{InternalIPs: []string{"10.1.2.3"}, Loud: &toolbar.Loud{Raise: true}})
	for _, path := range []string{"/posts", "/posts/joined", "/api/posts", "/posts/streamed"} {
		t.Run(path, func(t *testing.T) {
			want, wantBody := get(t, bare.URL+path)
			got, gotBody := get(t, srv.URL+path)
			if gotBody != wantBody || got.StatusCode != want.StatusCode {
				t.Errorf("with the toolbar: %d %q, without: %d %q", got.StatusCode, gotBody, want.StatusCode, wantBody)
			}
			got.Header.Del("Date")
			want.Header.Del("Date")
			if fmt.Sprint(got.Header) != fmt.Sprint(want.Header) {
				t.Errorf("headers with the toolbar %v, without %v", got.Header, want.Header)
			}
		})
	}
	if l := log.String(); l != "" {
		t.Errorf("logged %q", l)
	}
}

func TestLoudModeRaisesAnErrorPageInsteadOfAHeldPage(t *testing.T) {
	s := newBookStore(t)
	srv, _ := loudServer(t, s, toolbar.Config{Loud: &toolbar.Loud{Kinds: []panels.AlertKind{panels.AlertNPlusOne}, Raise: true}})

	res, body := get(t, srv.URL+"/posts")
	if res.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s %s: %q", res.Status, res.Header.Get("Content-Type"), body)
	}
	if res.Header.Get("X-Debug-Alerts") != "1" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("headers %v", res.Header)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(countsAll(doc, "data-testid", "raised-page")) != 1 || strings.Contains(body, "post 6") {
		t.Fatalf("not the error page: %q", body)
	}
	alerts := countsAll(doc, "data-testid", "alert")
	if len(alerts) != 1 || countsAttr(alerts[0], "data-kind") != "n_plus_one" {
		t.Fatalf("alerts %d in %q", len(alerts), body)
	}
	if sites := countsText(alerts[0]); !containsAny(sites, storeSites(t)) {
		t.Errorf("the alert names none of %q: %s", storeSites(t), sites)
	}
	link := countsAll(doc, "data-testid", "record-link")
	if len(link) != 1 || countsAttr(link[0], "href") != "/__debug__/requests/"+res.Header.Get("X-Debug-Token") {
		t.Errorf("record link %v", link)
	}
	if countsByID(doc, "debugtoolbar-data") == nil {
		t.Errorf("the toolbar is not on the error page: %q", body)
	}

	// Pages without a loud alert, and responses the toolbar does not hold
	// whole, are the app's.
	for _, path := range []string{"/posts/joined", "/api/posts", "/posts/streamed"} {
		t.Run(path, func(t *testing.T) {
			res, body := get(t, srv.URL+path)
			if res.StatusCode != 200 || !strings.Contains(body, "post 6") {
				t.Errorf("%s %q", res.Status, body)
			}
		})
	}
}
