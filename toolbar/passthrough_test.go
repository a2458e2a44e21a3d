package toolbar_test

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// The matrix serves each case with the toolbar absent, refusing the client
// (127.0.0.1 is not in InternalIPs) and observing it, over HTTP/1.1 and
// HTTP/2, and wants "refusing" byte-identical to "absent", and "observing"
// to differ only by what the toolbar documents it adds: X-Debug-Token,
// X-Debug-Token-Link and its Server-Timing entry on every response that
// sends headers (the 1xx ones too, as they are sent from the same header
// map), the snippet in an HTML page with its Content-Length fixed and a
// strong ETag made weak, Accept-Encoding narrowed to what it can read, and
// Flush, Hijack, ReadFrom and WriteString on the handler's writer, which
// degrade as the inner writer does.

// setup is where the toolbar stands.
type setup string

const (
	absent    setup = "absent"
	refusing  setup = "refusing"
	observing setup = "observing"
)

// capBytes is the observing toolbar's MaxBodyBytes, so a page over the cap
// stays small.
const capBytes = 64 << 10

// exchange is what a case's handler and its client share in one request.
type exchange struct {
	step   chan struct{} // the client read what the handler waits on
	writer chan []string // the optional interfaces the handler's writer has
}

type passCase struct {
	name    string
	method  string
	header  http.Header
	handler func(x *exchange) http.HandlerFunc
	// read reads the body instead of io.ReadAll.
	read func(x *exchange, resp *http.Response) ([]byte, error)

	h1only   bool // hijacking has no HTTP/2 form
	injected bool // observing inserts the snippet
	gzipped  bool // the page is gzip-encoded: compared decoded
	hijacked bool // the handler writes its own response: none of the toolbar's headers
	digest   bool // compare a checksum of the body
	// narrowed are headers the handler echoes from the request, with the
	// values they have when observing (Accept-Encoding narrowed).
	narrowed map[string]string
}

// seen is everything the client saw of one exchange, and which optional
// interfaces the handler's writer had.
type seen struct {
	proto   int
	status  int
	header  http.Header
	hints   []hint
	body    []byte
	trailer http.Header
	err     string
	writer  []string
}

type hint struct {
	code   int
	header http.Header
}

func TestPassThroughMatrix(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2"} {
		for _, tt := range passCases() {
			if tt.h1only && proto == "HTTP/2" {
				continue
			}
			t.Run(proto+"/"+tt.name, func(t *testing.T) {
				got := map[setup]seen{}
				for _, s := range []setup{absent, refusing, observing} {
					got[s] = exchangeWith(t, s, proto == "HTTP/2", tt)
				}
				want := got[absent]
				if want.err == "" && want.proto != map[bool]int{false: 1, true: 2}[proto == "HTTP/2"] {
					t.Fatalf("served over HTTP/%d", want.proto)
				}
				sameSeen(t, "refusing", got[refusing], want)
				sameSeen(t, "observing", undoAdditions(t, got[observing], want, tt), want)
			})
		}
	}
}

func passCases() []passCase {
	html := page(4 << 10)
	over := page(capBytes + 32<<10)
	modtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	json := strings.Repeat(`{"id":1,"name":"a"},`, 500)
	handler := func(h http.HandlerFunc) func(*exchange) http.HandlerFunc {
		return func(*exchange) http.HandlerFunc { return h }
	}
	htmlPage := func(body string) func(*exchange) http.HandlerFunc {
		return handler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, body)
		})
	}
	return []passCase{
		{
			name:     "a plain HTML page",
			handler:  htmlPage(html),
			injected: true,
		},
		{
			name: "an HTML page with its Content-Length and a strong ETag",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Length", strconv.Itoa(len(html)))
				w.Header().Set("ETag", `"v1"`)
				io.WriteString(w, html)
			}),
			injected: true,
		},
		{
			name: "JSON",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(json)))
				io.WriteString(w, json)
			}),
		},
		{
			name: "an HTML page over MaxBodyBytes, copied from a reader",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.Copy(w, struct{ io.Reader }{strings.NewReader(over)})
			}),
		},
		{
			name:   "a gzip-encoded HTML page",
			header: http.Header{"Accept-Encoding": {"gzip"}},
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Vary", "Accept-Encoding")
				w.Write(gzipped(html))
			}),
			injected: true,
			gzipped:  true,
		},
		{
			name:   "a handler that picks its encoding from Accept-Encoding",
			header: http.Header{"Accept-Encoding": {"br, gzip;q=0.9, zstd"}},
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Seen-Accept-Encoding", r.Header.Get("Accept-Encoding"))
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, json)
			}),
			narrowed: map[string]string{"X-Seen-Accept-Encoding": "gzip;q=0.9"},
		},
		{
			name: "server-sent events arrive one by one",
			handler: func(x *exchange) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/event-stream")
					w.Header().Set("Cache-Control", "no-cache")
					io.WriteString(w, "data: 1\n\n")
					w.(http.Flusher).Flush()
					select {
					case <-x.step:
						io.WriteString(w, "data: 2\n\n")
					case <-time.After(5 * time.Second):
						io.WriteString(w, "data: the client did not get the first event alone\n\n")
					}
				}
			},
			read: func(x *exchange, resp *http.Response) ([]byte, error) {
				br := bufio.NewReader(resp.Body)
				var first []byte
				for !bytes.HasSuffix(first, []byte("\n\n")) {
					line, err := br.ReadBytes('\n')
					first = append(first, line...)
					if err != nil {
						return first, err
					}
				}
				close(x.step)
				rest, err := io.ReadAll(br)
				return append(first, rest...), err
			},
		},
		{
			name:   "a hijacked connection (a protocol upgrade)",
			header: http.Header{"Connection": {"Upgrade"}, "Upgrade": {"echo"}},
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				hj, ok := w.(http.Hijacker)
				if !ok {
					http.Error(w, "not a Hijacker", http.StatusInternalServerError)
					return
				}
				conn, brw, err := hj.Hijack()
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
				brw.Flush()
				line, _ := brw.ReadString('\n')
				brw.WriteString("echo: " + line)
				brw.Flush()
			}),
			read: func(x *exchange, resp *http.Response) ([]byte, error) {
				rw, ok := resp.Body.(io.ReadWriter)
				if !ok {
					return nil, fmt.Errorf("HTTP %d with a body of %T", resp.StatusCode, resp.Body)
				}
				if _, err := io.WriteString(rw, "ping\n"); err != nil {
					return nil, err
				}
				return bufio.NewReader(rw).ReadBytes('\n')
			},
			h1only:   true,
			hijacked: true,
		},
		{
			name:   "http.ServeContent answering a Range request",
			header: http.Header{"Range": {"bytes=10-99"}},
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				http.ServeContent(w, r, "page.html", modtime, strings.NewReader(html))
			}),
		},
		{
			name:    "HEAD of an HTML page",
			method:  http.MethodHead,
			handler: htmlPage(html),
		},
		{
			name: "204 No Content",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			}),
		},
		{
			name:   "304 Not Modified from http.ServeContent",
			header: http.Header{"If-None-Match": {`"v1"`}},
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`)
				http.ServeContent(w, r, "page.html", modtime, strings.NewReader(html))
			}),
		},
		{
			name: "103 Early Hints before an HTML page",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", "</style.css>; rel=preload; as=style")
				w.WriteHeader(http.StatusEarlyHints)
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, html)
			}),
			injected: true,
		},
		{
			name: "an HTML page with trailers",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-Checksum")
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, html)
				w.Header().Set("X-Checksum", fmt.Sprintf("%x", sha256.Sum256([]byte(html))))
			}),
		},
		{
			name: "WriteHeader twice",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(http.StatusCreated)
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, html)
			}),
			injected: true,
		},
		{
			name: "Write without WriteHeader or Content-Type",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(html))
			}),
			injected: true,
		},
		{
			name: "a panic after a small write",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, html[:100])
				panic("boom")
			}),
		},
		{
			name: "a panic after large writes",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				for i := 0; i < 20; i++ {
					io.WriteString(w, html[:500])
				}
				panic("boom")
			}),
		},
		{
			name: "http.ResponseController's Flush, deadlines and full duplex in an HTML page",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				rc := http.NewResponseController(w)
				deadline := time.Now().Add(time.Minute)
				writeErr, readErr, duplexErr := rc.SetWriteDeadline(deadline), rc.SetReadDeadline(deadline), rc.EnableFullDuplex()
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, "<!DOCTYPE html><html><body><p>first</p>")
				flushErr := rc.Flush()
				fmt.Fprintf(w, "<p>SetWriteDeadline: %v, SetReadDeadline: %v, EnableFullDuplex: %v, Flush: %v</p></body></html>",
					writeErr, readErr, duplexErr, flushErr)
			}),
		},
		{
			name: "a 20 MiB download through io.Copy",
			handler: handler(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				io.Copy(w, io.LimitReader(rand.NewChaCha8([32]byte{1}), 20<<20))
			}),
			digest: true,
		},
	}
}

// exchangeWith serves tt with the toolbar as s says and makes its request.
func exchangeWith(t *testing.T, s setup, h2 bool, tt passCase) seen {
	t.Helper()
	x := &exchange{step: make(chan struct{}), writer: make(chan []string, 1)}
	var h http.Handler = tt.handler(x)
	inner := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x.writer <- optionalInterfaces(w)
		inner.ServeHTTP(w, r)
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	switch s {
	case refusing:
		h = newPassToolbar(t, toolbar.Config{InternalIPs: []string{"10.0.0.0/8"}, Logger: quiet}).Middleware(h)
	case observing:
		h = newPassToolbar(t, toolbar.Config{MaxBodyBytes: capBytes, Logger: quiet}).Middleware(h)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the panics
	if h2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).DisableCompression = true // see the bytes as sent

	var got seen
	// Not client.Timeout: it hides the Write of a 101 response's body.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			got.hints = append(got.hints, hint{code, http.Header(h).Clone()})
			return nil
		},
	})
	req, err := http.NewRequestWithContext(ctx, cmp.Or(tt.method, http.MethodGet), srv.URL+"/page", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range tt.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		got.err = errText(err)
	} else {
		got.proto, got.status, got.header = resp.ProtoMajor, resp.StatusCode, resp.Header
		read := tt.read
		if read == nil {
			read = func(_ *exchange, resp *http.Response) ([]byte, error) { return io.ReadAll(resp.Body) }
		}
		got.body, err = read(x, resp)
		if err != nil {
			got.err = errText(err)
		}
		got.trailer = resp.Trailer
		resp.Body.Close()
		if tt.digest {
			got.body = fmt.Appendf(nil, "%d bytes, sha256 %x", len(got.body), sha256.Sum256(got.body))
		}
	}
	select {
	case got.writer = <-x.writer:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the handler did not run", s)
	}
	return got
}

func newPassToolbar(t *testing.T, cfg toolbar.Config) *toolbar.Toolbar {
	t.Helper()
	tb, err := toolbar.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// optionalNames are the optional interfaces of a ResponseWriter that
// handlers assert, in the order optionalInterfaces lists them.
var optionalNames = []string{"Flusher", "Hijacker", "CloseNotifier", "Pusher", "ReaderFrom", "StringWriter"}

// optionalInterfaces lists the optional interfaces w has.
func optionalInterfaces(w http.ResponseWriter) []string {
	_, flusher := w.(http.Flusher)
	_, hijacker := w.(http.Hijacker)
	_, closeNotifier := w.(http.CloseNotifier) //lint:ignore SA1019 old apps assert it
	_, pusher := w.(http.Pusher)
	_, readerFrom := w.(io.ReaderFrom)
	_, stringWriter := w.(io.StringWriter)
	var has []string
	for i, ok := range []bool{flusher, hijacker, closeNotifier, pusher, readerFrom, stringWriter} {
		if ok {
			has = append(has, optionalNames[i])
		}
	}
	return has
}

// degrading are the interfaces the toolbar's writer always has: each fails
// or falls back as the inner writer does (see respwriter.Writer).
var degrading = map[string]bool{"Flusher": true, "Hijacker": true, "ReaderFrom": true, "StringWriter": true}

var streamID = regexp.MustCompile(`stream ID \d+`)

// errText is err without what differs from one server to the next.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return streamID.ReplaceAllString(err.Error(), "stream ID N")
}

// undoAdditions checks the documented additions in what the client saw of
// an observing toolbar, and returns it with them taken out, to compare with
// want, what it saw without the toolbar.
func undoAdditions(t *testing.T, got, want seen, tt passCase) seen {
	t.Helper()
	got.header = got.header.Clone()
	if got.status != 0 && !tt.hijacked {
		token := got.header.Get("X-Debug-Token")
		if token == "" {
			t.Errorf("observing: no X-Debug-Token")
		}
		if link := got.header.Get("X-Debug-Token-Link"); link != toolbar.DefaultPrefix+"requests/"+token {
			t.Errorf("observing: X-Debug-Token-Link %q for token %q", link, token)
		}
		got.header.Del("X-Debug-Token")
		got.header.Del("X-Debug-Token-Link")
		var timings []string
		found := false
		for _, v := range got.header.Values("Server-Timing") {
			if strings.Contains(v, `debugtoolbar;desc="`+token+`"`) {
				found = true
				continue
			}
			timings = append(timings, v)
		}
		if !found {
			t.Errorf("observing: no Server-Timing of the toolbar's in %q", got.header.Values("Server-Timing"))
		}
		got.header.Del("Server-Timing")
		for _, v := range timings {
			got.header.Add("Server-Timing", v)
		}
	}
	var hints []hint
	for _, h := range got.hints {
		h.header = h.header.Clone()
		h.header.Del("X-Debug-Token")
		h.header.Del("X-Debug-Token-Link")
		hints = append(hints, h)
	}
	got.hints = hints
	if tt.injected {
		body := got.body
		if tt.gzipped {
			body = gunzip(t, got.body)
		}
		page, ok := stripSnippet(body)
		wantPage := want.body
		if tt.gzipped {
			wantPage = gunzip(t, want.body)
		}
		switch {
		case !ok:
			t.Errorf("observing: no snippet before </head> in %.300q", body)
		case !bytes.Equal(page, wantPage):
			t.Errorf("observing: the page without the snippet differs from the page\n got %.300q\nwant %.300q", page, wantPage)
		default:
			got.body = want.body
		}
		if cl := got.header.Get("Content-Length"); cl != "" {
			if cl != strconv.Itoa(len(body)) && !tt.gzipped {
				t.Errorf("observing: Content-Length %s for a page of %d bytes", cl, len(body))
			}
			got.header["Content-Length"] = want.header["Content-Length"]
		}
		if et := want.header.Get("Etag"); strings.HasPrefix(et, `"`) {
			if got.header.Get("Etag") != "W/"+et {
				t.Errorf("observing: ETag %q, want W/%s", got.header.Get("Etag"), et)
			}
			got.header.Set("Etag", et)
		}
	}
	for k, v := range tt.narrowed {
		if got.header.Get(k) != v {
			t.Errorf("observing: %s %q, want %q", k, got.header.Get(k), v)
		}
		got.header[k] = want.header[k]
	}
	var writer []string
	for _, name := range optionalNames {
		switch {
		case degrading[name] && !slices.Contains(got.writer, name):
			t.Errorf("observing: the handler's writer is not a %s", name)
		case degrading[name] && slices.Contains(want.writer, name),
			!degrading[name] && slices.Contains(got.writer, name):
			writer = append(writer, name)
		}
	}
	got.writer = writer
	return got
}

// stripSnippet returns body without the toolbar's snippet, and whether it
// had one, right before its </head>.
func stripSnippet(body []byte) ([]byte, bool) {
	i := bytes.Index(body, []byte(`<script id="debugtoolbar-data"`))
	if i < 0 {
		return body, false
	}
	end := i
	for range 2 { // the data, then the script
		j := bytes.Index(body[end:], []byte("</script>"))
		if j < 0 {
			return body, false
		}
		end += j + len("</script>")
	}
	if !bytes.HasPrefix(body[end:], []byte("</head>")) {
		return body, false
	}
	return append(body[:i:i], body[end:]...), true
}

func sameSeen(t *testing.T, name string, got, want seen) {
	t.Helper()
	gh, wh := got.header.Clone(), want.header.Clone()
	gh.Del("Date")
	wh.Del("Date")
	if got.proto != want.proto || got.status != want.status {
		t.Errorf("%s: HTTP/%d %d, want HTTP/%d %d", name, got.proto, got.status, want.proto, want.status)
	}
	if !reflect.DeepEqual(gh, wh) {
		t.Errorf("%s: headers\n got %v\nwant %v", name, gh, wh)
	}
	if !reflect.DeepEqual(got.hints, want.hints) {
		t.Errorf("%s: 1xx responses\n got %v\nwant %v", name, got.hints, want.hints)
	}
	if !bytes.Equal(got.body, want.body) {
		t.Errorf("%s: body of %d bytes, want %d\n got %.300q\nwant %.300q", name, len(got.body), len(want.body), got.body, want.body)
	}
	if !reflect.DeepEqual(got.trailer, want.trailer) {
		t.Errorf("%s: trailers %v, want %v", name, got.trailer, want.trailer)
	}
	if got.err != want.err {
		t.Errorf("%s: error %q, want %q", name, got.err, want.err)
	}
	if !reflect.DeepEqual(got.writer, want.writer) {
		t.Errorf("%s: the handler's writer has %v, want %v", name, got.writer, want.writer)
	}
}

// page is an HTML page of about n bytes.
func page(n int) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "<p>line %d</p>\n", i)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Errorf("not gzip: %v", err)
		return b
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Errorf("not gzip: %v", err)
	}
	return out
}
