// Package respwriter is the response writer the toolbar wraps around an
// observed request's http.ResponseWriter. It holds an HTML response back
// until the handler returns, then inserts the toolbar's snippet, scripts
// only, at the real end of the head: before </head>, else before <body>,
// and in a page with neither at the real end of the body (see scan: never
// inside a comment, raw text, SVG or a template, and never into a
// fragment); every other response passes through as it would without it.
//
// The decision is made when the final status is written (WriteHeader or the
// first Write), from the request and the headers, the way chi's Compress
// decides: HEAD, 1xx, 204, 304, ranges, bodies that are not text/html and
// encodings other than gzip pass through at once, with nothing held. A body
// without a Content-Type is held for its first 512 bytes and sniffed as
// net/http would. A held body is written out untouched as soon as the
// handler hijacks or writes more than Options.MaxBody, and when it flushes,
// unless what it flushed is a whole page. Untouched means in the calls the
// handler made (each Write, WriteString and ReadFrom, the one in progress
// included), so net/http cuts the body into the same pieces (chunks, frames)
// as without the Writer, and, when a panic reaches it, drops the same bytes
// still in its buffers.
//
// # Flushing
//
// A flush says the handler is streaming, except when it comes at the end of
// a complete page: templ's runtime flushes at the end of every top-level
// Render, so component.Render(ctx, w) ends with one. A flush while the held
// page ends with its real </html> (then only whitespace and comments) keeps
// holding; if the handler writes anything more, everything held goes out at
// once, flushed, and the rest streams through as written.
//
// Use it from one goroutine, like any ResponseWriter:
//
//	rw := respwriter.New(w, r, respwriter.Options{Snippet: snippet})
//	defer func() {
//		if p := recover(); p != nil {
//			rw.Abort() // what the app wrote, untouched
//			panic(p)
//		}
//	}()
//	next.ServeHTTP(rw.ResponseWriter(), r)
//	res := rw.Finish()
package respwriter

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// DefaultMaxBody is the most body bytes held when Options.MaxBody is not set.
const DefaultMaxBody = 5 << 20

// Options says how a Writer injects. The zero value holds HTML bodies up to
// DefaultMaxBody and injects nothing.
type Options struct {
	// MaxBody is the most body bytes held (DefaultMaxBody when <= 0); a
	// larger body passes through untouched.
	MaxBody int

	// Snippet returns what to change in a page (see [Page] and
	// [Injection]). It is called at most once, only for a page that has a
	// place for the snippet. A nil Snippet, an empty Markup or an error
	// injects nothing: the page is served as the app wrote it, and
	// Result.NotInjected says why.
	Snippet func(p Page) (Injection, error)

	// OnHeader is called once, right before the final headers are written to
	// the inner writer, in every mode (not for 1xx, not when the connection
	// is hijacked before a status was written), so the caller can add headers
	// such as Server-Timing at the last moment. Headers changed after the
	// handler's WriteHeader are not sent, as with net/http: add late ones
	// here.
	OnHeader func(h http.Header)

	// Replace, when set, may serve another page instead of the app's: it
	// is called at most once, before Snippet, only for a page Snippet
	// would be called for (a whole HTML page, held, with a place for the
	// snippet), never for one that went out already. When it reports
	// true, the Writer serves the Replacement, and then injects Snippet
	// into it as it would have into the app's page. A panic in Replace
	// serves the app's page untouched.
	Replace func(p Page) (Replacement, bool)
}

// Replacement is a page served instead of the app's (see
// Options.Replace): an HTML page of the toolbar's own.
type Replacement struct {
	Status int
	// Body is the page, not encoded: a gzip Content-Encoding of the app's
	// is dropped, and Content-Length is set to its length when the app
	// declared one.
	Body []byte
	// Header holds headers to send instead of the page's own: each key
	// replaces all the values of that header, and a key with no values
	// removes it.
	Header http.Header
}

// Page is what Snippet is given of the page it is to be inserted into:
// everything about the response is known by then.
type Page struct {
	// Header is the response headers as they will be sent (after
	// OnHeader), so the snippet can read the CSP and its nonces. Read it;
	// changes go in Injection.Header.
	Header http.Header
	// Body is the page as the browser will read it (a gzip body decoded).
	// Read it; do not keep it.
	Body        []byte
	Status      int
	Size        int64 // body bytes the app wrote
	ContentType string
	// MetaCSP is the content of each <meta http-equiv="Content-Security-Policy">
	// of the page's head, character references decoded, in document order.
	MetaCSP []string
}

// Injection is what Snippet asks to change in a page. Nothing of it is
// applied unless all of it is: when the page is served untouched, so are its
// headers.
type Injection struct {
	// Markup is inserted at the real end of the head (see the package
	// doc); it must be elements a head may hold, such as scripts.
	Markup []byte
	// Header holds headers to send instead of the page's own: each key
	// replaces all the values of that header.
	Header http.Header
	// MetaCSP is nil, or has one entry per Page.MetaCSP: the new content of
	// that tag. A tag whose entry is unchanged is left as written; another
	// gets its content attribute rewritten, double-quoted.
	MetaCSP []string
}

// Result is how a response went.
type Result struct {
	Status      int    // final status; 0 when none was written (hijacked, or Abort before any)
	Size        int64  // body bytes the app wrote, before injection
	ContentType string // Content-Type as sent, sniffed when the app set none
	Injected    bool
	// Replaced reports that the page served was Options.Replace's, with
	// its status (Status says which).
	Replaced bool
	// NotInjected is a short reason when not injected: "not html", "HEAD
	// request", "status 304", "no body status", "range response",
	// "encoding br", "trailers", "invalid status", "streamed (flushed)",
	// "hijacked", "hijack failed", "body over cap", "content-length
	// mismatch", "undecodable gzip", "empty body", "fragment (no <html>,
	// <body> or doctype)", "the page ends inside <textarea>" (or a comment,
	// a tag, <script>, ...), "empty snippet", "handler panicked", "toolbar
	// error: ...".
	NotInjected string
}

type state uint8

const (
	stateIdle state = iota // no final status yet
	stateHold              // final status known, body held
	statePass              // headers written to the inner writer; everything goes straight through
)

// Writer is the wrapping http.ResponseWriter. It also implements
// http.Flusher, FlushError, http.Hijacker, io.ReaderFrom, io.StringWriter
// and Unwrap; each degrades as the inner writer does: Flush and Hijack go
// through http.ResponseController, so they reach an inner writer's own
// Unwrap chain, and fail with http.ErrNotSupported where it cannot.
// http.CloseNotifier and http.Pusher cannot degrade so: the handler gets
// them exactly when the inner writer has them, through ResponseWriter.
type Writer struct {
	rw       http.ResponseWriter
	req      *http.Request
	snippet  func(Page) (Injection, error)
	onHeader func(http.Header)
	max      int

	state    state
	status   int
	sniff    bool        // Content-Type still to be sniffed from what is held
	sniffed  string      // the sniffed Content-Type, set on the header when sent
	clen     int64       // Content-Length the handler declared, -1 when none
	snap     http.Header // headers as at the handler's WriteHeader, while holding
	held     buffer      // the held body, taken from the pool on first use
	calls    buffer      // how the handler wrote it (see replay)
	plain    buffer      // a gzip body decoded, injected
	out      buffer      // and encoded again
	pieces   [3][]byte   // room for what goes out of an injected page (see inject)
	size     int64
	flushed  bool   // the handler flushed a complete page, which is still held
	page     []byte // the held page as the browser reads it, once read (see read)
	lay      layout // its layout, valid while page is not nil
	readErr  string // why the page could not be read
	prepared bool   // OnHeader ran and the headers are final
	hijacked bool
	finished bool
	injected bool
	reason   string
	hookErr  string // a panic in OnHeader
	replace  func(Page) (Replacement, bool)
	replaced bool // the page served is a Replacement
}

// New wraps w for the request r.
func New(w http.ResponseWriter, r *http.Request, o Options) *Writer {
	max := o.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	return &Writer{rw: w, req: r, snippet: o.Snippet, onHeader: o.OnHeader, replace: o.Replace, max: max, clen: -1}
}

// Header returns the inner writer's header map.
func (w *Writer) Header() http.Header { return w.rw.Header() }

// Unwrap returns the inner writer, for http.ResponseController.
func (w *Writer) Unwrap() http.ResponseWriter { return w.rw }

// WriteHeader sends 1xx informational statuses straight through and decides,
// at the final status, whether the response is held. Only the first final
// status counts; later calls are ignored.
func (w *Writer) WriteHeader(code int) {
	if w.hijacked {
		w.rw.WriteHeader(code) // the inner writer reports the misuse
		return
	}
	if w.state != stateIdle {
		return
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.rw.WriteHeader(code)
		return
	}
	w.status = code
	h := w.rw.Header()
	d := decide(w.req, code, h, w.max)
	if d.reason != "" {
		w.pass(d.reason)
		return
	}
	w.state = stateHold
	w.sniff = d.sniff
	w.clen = d.clen
	// net/http sends the headers as they are now; later changes are dropped.
	w.snap = h.Clone()
}

// Write holds p or passes it through, as decided at the final status.
func (w *Writer) Write(p []byte) (int, error) {
	if w.state == stateIdle {
		w.WriteHeader(http.StatusOK)
	}
	if w.state == stateHold {
		held, err := w.hold(p)
		if held {
			w.logCall(callWrite, len(p))
			return len(p), nil
		}
		if w.state == stateHold || err != nil {
			w.releaseIfPassing()
			return 0, err
		}
		w.release() // p goes on as the handler wrote it
	}
	n, err := w.rw.Write(p)
	w.size += int64(n)
	return n, err
}

// WriteString is Write without converting s, for io.WriteString.
func (w *Writer) WriteString(s string) (int, error) {
	if w.state == stateIdle {
		w.WriteHeader(http.StatusOK)
	}
	if w.state == stateHold {
		if n := len(w.held.b) + len(s); !w.sniff && !w.flushed && n <= w.max && (w.clen < 0 || int64(n) <= w.clen) {
			w.reserve(len(s))
			w.held.b = append(w.held.b, s...)
			w.size += int64(len(s))
			w.logCall(callWriteString, len(s))
			return len(s), nil
		}
		held, err := w.hold([]byte(s))
		if held {
			w.logCall(callWriteString, len(s))
			return len(s), nil
		}
		if w.state == stateHold || err != nil {
			w.releaseIfPassing()
			return 0, err
		}
		w.release() // s goes on as the handler wrote it
	}
	n, err := io.WriteString(w.rw, s)
	w.size += int64(n)
	return n, err
}

// hold adds all of p to the held body and reports true; or it takes none
// of it and reports false: with http.ErrContentLength while still holding
// when p goes past the declared length (as net/http says it), or because
// it stopped holding (see stop), since p makes the body one not to hold:
// sniffed as something other than HTML, over the cap, or written after a
// complete page was flushed. The caller then hands p on as the handler
// wrote it. p may lie in the held buffer's spare capacity, right where it
// is appended (see ReadFrom).
func (w *Writer) hold(p []byte) (bool, error) {
	if w.clen >= 0 && int64(len(w.held.b)+len(p)) > w.clen {
		return false, http.ErrContentLength
	}
	if len(p) == 0 {
		return true, nil
	}
	if w.flushed {
		// The handler is streaming after all: what is held goes out,
		// flushed, as it did at the flush without the toolbar.
		if err := w.stop("streamed (flushed)"); err != nil {
			return false, err
		}
		return false, http.NewResponseController(w.rw).Flush()
	}
	if w.sniff && len(w.held.b)+len(p) >= sniffLen {
		// Sniff the first sniffLen bytes, in place, then decide on all of p.
		n := len(w.held.b)
		w.reserve(sniffLen - n)
		w.held.b = append(w.held.b, p[:sniffLen-n]...)
		w.sniffNow()
		w.held.b = w.held.b[:n]
		if !isHTML(w.sniffed) {
			return false, w.stop("not html")
		}
	}
	if len(w.held.b)+len(p) > w.max {
		return false, w.stop("body over cap")
	}
	w.reserve(len(p))
	w.held.b = append(w.held.b, p...)
	w.size += int64(len(p))
	return true, nil
}

// reserve makes room for n more held bytes. A body with a declared
// Content-Length gets it all at once, with room for a snippet, so an
// injection moves no byte twice.
func (w *Writer) reserve(n int) {
	size := 4 << 10
	if w.clen >= 0 && !w.sniff {
		size = int(w.clen) + 4<<10
	}
	w.held.grow(n, size)
}

// sniffNow sets the Content-Type net/http would have sniffed from what is
// held; nothing when nothing is held, as net/http.
func (w *Writer) sniffNow() {
	if !w.sniff {
		return
	}
	w.sniff = false
	if len(w.held.b) > 0 {
		w.sniffed = http.DetectContentType(w.held.b)
	}
}

// ReadFrom copies src into the held body while holding, and hands it to the
// inner writer's ReadFrom once passing through, so http.ServeContent and
// http.ServeFile keep using sendfile.
func (w *Writer) ReadFrom(src io.Reader) (n int64, err error) {
	if w.state == stateIdle {
		w.WriteHeader(http.StatusOK)
	}
	if w.state == stateHold {
		start := len(w.held.b) // where this call's bytes begin
		for {
			// Read no further than the next decision: the sniff, the
			// Content-Length, the cap.
			limit := w.max + 1
			if w.sniff {
				limit = sniffLen
			}
			if w.clen >= 0 && w.clen < int64(limit) {
				limit = int(w.clen) + 1
			}
			room := min(max(limit-len(w.held.b), 1), 32<<10)
			w.reserve(room)
			b := w.held.b
			m, rerr := src.Read(b[len(b) : len(b)+room])
			if m > 0 {
				// Read into where hold appends it, so nothing moves.
				held, herr := w.hold(b[len(b) : len(b)+m])
				if !held && w.state != stateHold {
					// What this call read so far goes on with the rest of
					// src, as one ReadFrom of the inner writer.
					w.size -= n
					n = 0
					if herr == nil {
						n, herr = copyTo(w.rw, &readThen{b: b[start : len(b)+m], src: src})
						w.size += n
					}
					w.release()
					return n, herr
				}
				if !held {
					w.logCall(callReadFrom, int(n))
					return n, herr
				}
				n += int64(m)
			}
			if rerr != nil {
				w.logCall(callReadFrom, int(n))
				if rerr == io.EOF {
					rerr = nil
				}
				return n, rerr
			}
		}
	}
	n, err = copyTo(w.rw, src)
	w.size += n
	return n, err
}

// copyTo copies src to rw as rw's ReadFrom does, or as io.Copy does when
// it has none.
func copyTo(rw http.ResponseWriter, src io.Reader) (int64, error) {
	if rf, ok := rw.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{rw}, src)
}

// readThen reads b, then src, each read running on from b into src: to the
// inner writer's ReadFrom it is src as it was before the Writer read some
// of it, as long as src fills the reads it is given (a file, a
// strings.Reader). It has no WriteTo, as src in a ReadFrom has none when it
// comes from io.Copy.
type readThen struct {
	b   []byte
	src io.Reader
}

func (r *readThen) Read(p []byte) (int, error) {
	n := copy(p, r.b)
	r.b = r.b[n:]
	if n == len(p) {
		return n, nil
	}
	m, err := r.src.Read(p[n:])
	return n + m, err
}

// writerOnly hides a writer's ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// Flush is FlushError without the error.
func (w *Writer) Flush() { _ = w.FlushError() }

// FlushError writes out what is held, stops holding (a flushing handler is
// streaming), and flushes the inner writer; but a complete HTML page is
// still held, until the handler writes more or returns (see Flushing).
func (w *Writer) FlushError() error {
	if w.state == stateIdle {
		w.WriteHeader(http.StatusOK) // net/http sends the headers on Flush
	}
	if w.state == stateHold {
		if w.flushed {
			return nil // nothing new since the page was found complete
		}
		sniffing := w.sniff
		w.sniffNow()
		reason := "streamed (flushed)"
		if sniffing && w.sniffed != "" && !isHTML(w.sniffed) {
			reason = "not html"
		} else if w.complete() {
			w.flushed = true
			return nil
		}
		if err := w.commit(reason); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.rw).Flush()
}

// complete reports whether the held body is a whole HTML page (see
// layout.complete). Finish reuses what it read. When the scan stopped at
// the <body> start tag (layout.early), it did not read the end: the page
// counts as whole when its text ends with </html>, then only whitespace and
// comments. Text that only looks so (an "</html>" in a comment, say) keeps
// a streaming page held until its next write: late, never changed.
func (w *Writer) complete() bool {
	if len(w.held.b) == 0 || (w.clen >= 0 && int64(len(w.held.b)) != w.clen) {
		return false
	}
	page, reason := w.read()
	return reason == "" && (w.lay.complete || w.lay.early && endsWithHTMLEnd(page))
}

// endsWithHTMLEnd reports whether b ends with an </html> end tag followed
// by nothing but whitespace and comments, read as text.
func endsWithHTMLEnd(b []byte) bool {
	for {
		b = bytes.TrimRight(b, " \t\n\f\r")
		if !bytes.HasSuffix(b, []byte("-->")) {
			break
		}
		i := bytes.LastIndex(b, []byte("<!--"))
		if i < 0 {
			return false
		}
		b = b[:i]
	}
	i := bytes.LastIndexByte(b, '<')
	if i < 0 || !hasFoldPrefix(b[i:], "</html") {
		return false
	}
	rest := bytes.TrimLeft(b[i+len("</html"):], " \t\n\f\r")
	return len(rest) == 1 && rest[0] == '>'
}

// Hijack writes out what is held and hands over the connection. It fails
// with http.ErrNotSupported, changing nothing, when the inner writer cannot
// hijack.
func (w *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !canHijack(w.rw) {
		return nil, nil, fmt.Errorf("respwriter: hijack: %w", http.ErrNotSupported)
	}
	committed := w.state == stateHold
	if committed {
		w.sniffNow()
		if err := w.commit("hijack failed"); err != nil {
			return nil, nil, err
		}
	}
	c, brw, err := http.NewResponseController(w.rw).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.state = statePass
	w.hijacked = true
	w.reason = "hijacked"
	return c, brw, nil
}

// canHijack reports whether http.ResponseController would find a Hijacker.
func canHijack(rw http.ResponseWriter) bool {
	for {
		switch t := rw.(type) {
		case http.Hijacker:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			rw = t.Unwrap()
		default:
			return false
		}
	}
}

// pass sends the headers with the final status and passes everything
// through from now on.
func (w *Writer) pass(reason string) {
	w.reason = reason
	w.state = statePass
	w.prepareHeader()
	w.rw.WriteHeader(w.status)
}

// The calls the handler made while the body was held, each logged as a
// uvarint of its length<<2 | its kind.
const (
	callWrite = iota
	callWriteString
	callReadFrom
)

// logCall notes a call that held n bytes. Each takes at least a byte and
// costs at most as many, so the log is never longer than the body.
func (w *Writer) logCall(kind, n int) {
	if n > 0 {
		w.calls.grow(binary.MaxVarintLen64, 64)
		w.calls.b = binary.AppendUvarint(w.calls.b, uint64(n)<<2|uint64(kind))
	}
}

// stop stops holding: it sends the headers, then what is held, untouched,
// as the handler wrote it (see replay). The caller hands on the call in
// progress, if any, and then releases the buffers.
func (w *Writer) stop(reason string) error {
	w.pass(reason)
	return w.replay()
}

// commit is stop with no call in progress.
func (w *Writer) commit(reason string) error {
	defer w.release()
	return w.stop(reason)
}

// replay writes the held body to the inner writer in the calls the handler
// made: each Write as a Write, each WriteString as a WriteString, each
// ReadFrom as a ReadFrom of a reader of its bytes. What reaches the client
// then does not depend on the toolbar: net/http sends a body in the pieces
// its buffers make of those calls, and drops what they still hold when a
// panic reaches it.
func (w *Writer) replay() error {
	b, calls := w.held.b, w.calls.b
	for len(calls) > 0 {
		v, k := binary.Uvarint(calls)
		n := int(v >> 2)
		if k <= 0 || n > len(b) {
			return errors.New("respwriter: corrupt call log") // a bug of ours
		}
		calls = calls[k:]
		var err error
		switch v & 3 {
		case callWrite:
			_, err = w.rw.Write(b[:n])
		case callWriteString:
			//lint:ignore SA6006 a WriteString, as the handler made it, goes through net/http's buffer otherwise than a Write
			_, err = io.WriteString(w.rw, string(b[:n]))
		default:
			_, err = copyTo(w.rw, struct{ io.Reader }{bytes.NewReader(b[:n])})
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

func (w *Writer) release() {
	w.held.give()
	w.calls.give()
	w.plain.give()
	w.out.give()
	w.page = nil
	w.pieces = [3][]byte{} // they were in the buffers just given back
}

// releaseIfPassing releases the buffers once nothing is held any more.
func (w *Writer) releaseIfPassing() {
	if w.state != stateHold {
		w.release()
	}
}

// prepareHeader makes the header map what is to be sent: as it was at the
// handler's WriteHeader, with the sniffed Content-Type, after OnHeader.
func (w *Writer) prepareHeader() {
	if w.prepared {
		return
	}
	w.prepared = true
	h := w.rw.Header()
	if w.snap != nil {
		restore(h, w.snap)
		w.snap = nil
	}
	if w.sniffed != "" {
		h["Content-Type"] = []string{w.sniffed}
	}
	if w.onHeader != nil {
		w.callOnHeader(h)
	}
}

func (w *Writer) callOnHeader(h http.Header) {
	defer func() {
		if p := recover(); p != nil {
			w.hookErr = fmt.Sprintf("toolbar error: OnHeader panicked: %v", p)
		}
	}()
	w.onHeader(h)
}

// restore makes h hold what snap holds, keeping the "Trailer:" keys that
// net/http reads from the live map when the body is done.
func restore(h, snap http.Header) {
	for k := range h {
		if _, ok := snap[k]; !ok && !strings.HasPrefix(k, http.TrailerPrefix) {
			delete(h, k)
		}
	}
	for k, v := range snap {
		h[k] = v
	}
}

// Finish is called once, after the handler returned normally. It decides,
// injects, and writes out whatever is held. It never panics: on any trouble
// of its own it serves the original bytes untouched and says why.
func (w *Writer) Finish() (res Result) {
	if w.finished {
		return w.Result()
	}
	w.finished = true
	defer func() {
		if p := recover(); p != nil {
			w.injected = false
			w.reason = fmt.Sprintf("toolbar error: panic: %v", p)
			if w.state == stateHold {
				func() {
					defer func() { _ = recover() }()
					_ = w.commit(w.reason)
				}()
			}
			res = w.Result()
		}
	}()
	if w.state == stateIdle {
		w.WriteHeader(http.StatusOK) // what net/http does for a handler that wrote nothing
	}
	if w.state == stateHold {
		w.finishHold()
	}
	return w.Result()
}

func (w *Writer) finishHold() {
	if w.sniff {
		w.sniffNow()
		if !isHTML(w.sniffed) {
			_ = w.commit("not html")
			return
		}
	}
	if w.clen >= 0 && int64(len(w.held.b)) != w.clen {
		// A short body: let the inner writer handle it as it would.
		_ = w.commit("content-length mismatch")
		return
	}
	w.prepareHeader()
	if w.hookErr != "" {
		_ = w.commit(w.hookErr)
		return
	}
	h := w.rw.Header()
	out, reason := w.injectInto(h)
	if reason != "" {
		_ = w.commit(reason)
		return
	}
	if w.clen >= 0 {
		n := 0
		for _, p := range out {
			n += len(p)
		}
		h["Content-Length"] = []string{strconv.Itoa(n)}
	}
	if et := get(h, "Etag"); strings.HasPrefix(et, `"`) {
		h["Etag"] = []string{"W/" + et} // the body changed; weak still matches If-None-Match
	}
	w.injected = true
	w.reason = ""
	w.state = statePass
	defer w.release()
	w.rw.WriteHeader(w.status)
	for _, p := range out {
		if _, err := w.rw.Write(p); err != nil {
			return // the client is gone: the inner writer says so to the rest
		}
	}
}

// read returns the held page as the browser reads it (a gzip body decoded),
// with its layout in w.lay, or why it cannot be read; once, as long as
// nothing more is held.
func (w *Writer) read() (page []byte, reason string) {
	if w.page != nil || w.readErr != "" {
		return w.page, w.readErr
	}
	page = w.held.b
	if isGzip(get(w.rw.Header(), "Content-Encoding")) {
		w.plain.b = w.plain.b[:0]
		switch err := gunzip(&w.plain, w.held.b, w.max); {
		case err == errOverCap:
			w.readErr = "body over cap"
		case err != nil:
			w.readErr = "undecodable gzip"
		}
		page = w.plain.b
	}
	if w.readErr != "" {
		return nil, w.readErr
	}
	w.page, w.lay = page, scan(page)
	return page, ""
}

// injectInto returns the held body with the snippet injected, as pieces to
// write in order (see inject), or why not.
// The held body and h are left as they were whenever it returns a reason,
// unless Options.Replace replaced them: then the replacement goes out as
// it is.
func (w *Writer) injectInto(h http.Header) (out [][]byte, reason string) {
	defer func() {
		if p := recover(); p != nil {
			out, reason = nil, fmt.Sprintf("toolbar error: panic: %v", p)
		}
	}()
	if w.snippet == nil {
		return nil, "empty snippet"
	}
	body, reason := w.read()
	switch {
	case reason != "":
		return nil, reason
	case len(body) == 0:
		return nil, "empty body"
	case w.lay.at < 0:
		return nil, w.lay.why
	case w.lay.foreign:
		return nil, "the body ends inside <svg> or <math>"
	}
	if w.replace != nil {
		var reason string
		if body, reason = w.replaceWith(h, body); reason != "" {
			return nil, reason
		}
	}
	meta := make([]string, len(w.lay.meta))
	for i, m := range w.lay.meta {
		meta[i] = m.content
	}
	inj, err := w.snippet(Page{Header: h, Body: body, Status: w.status, Size: w.size, ContentType: get(h, "Content-Type"), MetaCSP: meta})
	switch {
	case err != nil:
		return nil, "toolbar error: " + err.Error()
	case len(inj.Markup) == 0:
		return nil, "empty snippet"
	case inj.MetaCSP != nil && len(inj.MetaCSP) != len(meta):
		return nil, fmt.Sprintf("toolbar error: %d meta CSP contents for %d tags", len(inj.MetaCSP), len(meta))
	}
	out = inject(w.pieces[:0], body, w.lay, inj.Markup, inj.MetaCSP)
	if isGzip(get(h, "Content-Encoding")) {
		if err := gzipTo(&w.out, out); err != nil {
			return nil, "toolbar error: gzip: " + err.Error()
		}
		out = append(out[:0], w.out.b)
	}
	w.page = nil
	for k, v := range inj.Header {
		h[k] = v
	}
	return out, ""
}

// replaceWith asks Options.Replace for a page to serve instead of body,
// and makes it the held page when there is one: its status, its headers,
// its bytes held as one Write, plain and read afresh. It returns the page
// to inject into, or why it cannot be served (the app's page then goes
// out untouched).
func (w *Writer) replaceWith(h http.Header, body []byte) ([]byte, string) {
	r, ok := w.replace(Page{Header: h, Body: body, Status: w.status, Size: w.size, ContentType: get(h, "Content-Type")})
	if !ok {
		return body, ""
	}
	if len(r.Body) == 0 || r.Status < 200 || r.Status > 999 {
		return nil, fmt.Sprintf("toolbar error: replacement of status %d, %d bytes", r.Status, len(r.Body))
	}
	w.held.b = append(w.held.b[:0], r.Body...)
	w.calls.b = w.calls.b[:0]
	w.logCall(callWrite, len(r.Body))
	w.plain.b, w.page, w.readErr = w.plain.b[:0], nil, ""
	h.Del("Content-Encoding")
	for k, v := range r.Header {
		if len(v) == 0 {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	if w.clen >= 0 {
		w.clen = int64(len(r.Body))
		h.Set("Content-Length", strconv.Itoa(len(r.Body)))
	}
	w.status, w.replaced = r.Status, true
	body, reason := w.read()
	if reason == "" && w.lay.at < 0 {
		reason = w.lay.why
	}
	return body, reason
}

// Abort is called instead of Finish when the handler panicked: it writes out
// what is held, unmodified, in the calls the handler made, and flushes it
// when the handler had flushed it, so net/http sends what it would have sent
// without the Writer; it writes nothing when the handler wrote nothing, so
// the app's own recovery can still send its error page. It never panics.
func (w *Writer) Abort() {
	if w.finished {
		return
	}
	w.finished = true
	defer func() { _ = recover() }()
	if w.state == stateHold {
		defer w.release()
		w.sniffNow()
		if w.stop("handler panicked") == nil && w.flushed {
			_ = http.NewResponseController(w.rw).Flush() // as the handler did
		}
	}
}

// Result reports how the response went, so far.
func (w *Writer) Result() Result {
	r := Result{
		Status:      w.status,
		Size:        w.size,
		ContentType: get(w.rw.Header(), "Content-Type"),
		Injected:    w.injected,
		Replaced:    w.replaced,
		NotInjected: w.reason,
	}
	if w.hookErr != "" {
		r.NotInjected = w.hookErr
	}
	return r
}
