package routers

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// rawGet is a GET that sends Accept-Encoding itself and gets the body as
// it came over the wire, decoded here.
func rawGet(t *testing.T, url string, header ...string) (res response, raw []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	r, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	raw, err = io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var dec io.Reader
	switch ce := r.Header.Get("Content-Encoding"); ce {
	case "":
		dec = bytes.NewReader(raw)
	case "gzip":
		if dec, err = gzip.NewReader(bytes.NewReader(raw)); err != nil {
			t.Fatalf("gzip: %v", err)
		}
	case "deflate":
		dec = flate.NewReader(bytes.NewReader(raw))
	case "br":
		dec = brotli.NewReader(bytes.NewReader(raw))
	default:
		t.Fatalf("Content-Encoding %q", ce)
	}
	body, err := io.ReadAll(dec)
	if err != nil {
		t.Fatalf("decoding %s: %v", r.Header.Get("Content-Encoding"), err)
	}
	return response{r.StatusCode, r.Header, string(body)}, raw
}

// compressors are chi's Compress as shipped (gzip, deflate) and with br.
var compressors = []struct {
	name     string
	compress func() func(http.Handler) http.Handler
}{
	{"Compress(5)", func() func(http.Handler) http.Handler { return middleware.Compress(5) }},
	{"Compress(5) with br", func() func(http.Handler) http.Handler { return Brotli().Handler }},
}

// acceptEncodings are what clients send: a browser's, and single codings.
var acceptEncodings = []string{"gzip, deflate, br, zstd", "br", "deflate", "gzip", ""}

// bareStack is chi's usual stack without the toolbar.
func bareStack(compress func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	//lint:ignore SA1019 chi's usual stack, as apps have it
	r.Use(middleware.RequestID, middleware.RealIP, middleware.Logger, middleware.Recoverer, compress)
	stackRoutes(r)
	return r
}

func TestChisUsualStackInjectsWhateverTheClientAccepts(t *testing.T) {
	placements := []struct {
		name  string
		stack func(*toolbar.Toolbar, func(http.Handler) http.Handler) http.Handler
	}{
		{"the toolbar first", ChiStack},
		{"the toolbar after Compress", ChiStackToolbarLast},
	}
	for _, p := range placements {
		for _, c := range compressors {
			t.Run(p.name+", "+c.name, func(t *testing.T) {
				srv := httptest.NewServer(p.stack(newToolbar(t, toolbar.Config{}), c.compress()))
				defer srv.Close()
				for _, ae := range acceptEncodings {
					res, raw := rawGet(t, srv.URL+"/posts/1", "Accept-Encoding", ae)
					if res.status != http.StatusOK || strings.Count(res.body, `id="debugtoolbar-data"`) != 1 || !strings.HasSuffix(res.body, "</body></html>") {
						t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, %q", ae, res.status, res.header.Get("Content-Encoding"), res.body)
						continue
					}
					if cl := res.header.Get("Content-Length"); cl != "" && cl != itoa(len(raw)) {
						t.Errorf("Accept-Encoding %q: Content-Length %s for %d bytes", ae, cl, len(raw))
					}
					ce := res.header.Get("Content-Encoding")
					if p.name == "the toolbar first" && ce != "" && ce != "gzip" {
						t.Errorf("Accept-Encoding %q: the compressor inside the toolbar answered %s", ae, ce)
					}
					if rec := fetchRecord(t, srv.URL, res); !rec.Response.Injected {
						t.Errorf("Accept-Encoding %q: the record says not injected", ae)
					}
				}
			})
		}
	}
}

func TestChisUsualStackIsUnchangedForClientsNotObserved(t *testing.T) {
	for _, c := range compressors {
		t.Run(c.name, func(t *testing.T) {
			compress := c.compress()
			bare := httptest.NewServer(bareStack(compress))
			defer bare.Close()
			// Loopback is not allowed here, so the test's client is not
			// observed, whatever RealIP makes of the headers it sends.
			tb := newToolbar(t, toolbar.Config{InternalIPs: []string{"192.0.2.1"}})
			srv := httptest.NewServer(ChiStack(tb, compress))
			defer srv.Close()
			spoofs := [][]string{
				nil,
				{"True-Client-IP", "192.0.2.1"},
				{"X-Real-IP", "192.0.2.1"},
				{"X-Forwarded-For", "192.0.2.1"},
			}
			for _, ae := range acceptEncodings {
				for _, spoof := range spoofs {
					for _, path := range []string{"/posts/1", "/__debug__/", "/__debug__/api/v1/requests"} {
						header := append([]string{"Accept-Encoding", ae}, spoof...)
						want, wantRaw := rawGet(t, bare.URL+path, header...)
						got, gotRaw := rawGet(t, srv.URL+path, header...)
						if got.status != want.status || !bytes.Equal(gotRaw, wantRaw) || got.header.Get("Content-Encoding") != want.header.Get("Content-Encoding") ||
							got.header.Get("X-Debug-Token") != "" || strings.Contains(got.body, "debugtoolbar") {
							t.Errorf("GET %s %v: %d %s %q; without the toolbar %d %s %q", path, header,
								got.status, got.header.Get("Content-Encoding"), got.body, want.status, want.header.Get("Content-Encoding"), want.body)
						}
					}
				}
			}
			if list, err := tb.History(context.Background()); err != nil || len(list) != 0 {
				t.Errorf("the history holds %d records of clients not observed (%v)", len(list), err)
			}

			// The allowed address itself is observed, so the above is the
			// allowlist at work, not a toolbar that never shows.
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/posts/1", nil)
			r.RemoteAddr = "192.0.2.1:4000"
			ChiStack(tb, compress).ServeHTTP(w, r)
			if w.Header().Get("X-Debug-Token") == "" || !strings.Contains(w.Body.String(), `id="debugtoolbar-data"`) {
				t.Errorf("the allowed client is not observed: %v %q", w.Header(), w.Body)
			}
		})
	}
}

func TestChisUsualStackRecordsWhatRecovererAnswered(t *testing.T) {
	srv := httptest.NewServer(ChiStack(newToolbar(t, toolbar.Config{}), middleware.Compress(5)))
	defer srv.Close()
	res := get(t, srv.URL+"/panic")
	if res.status != http.StatusInternalServerError {
		t.Fatalf("GET /panic: %d %q", res.status, res.body)
	}
	if rec := fetchRecord(t, srv.URL, res); rec.Response.Status != http.StatusInternalServerError || rec.Request.Route != "/panic" {
		t.Errorf("record: status %d, route %q", rec.Response.Status, rec.Request.Route)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
