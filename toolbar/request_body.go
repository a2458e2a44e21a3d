package toolbar

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// bodyCapture is an observed request's Body: it keeps a copy of what the
// app reads, up to max bytes, as the app reads it. It never reads on its
// own, so a body the app leaves alone stays the client's, and the server
// drains or closes it as without the toolbar. Every copy of the request
// the app makes (r.WithContext, as session and CSRF middleware do) shares
// it, so the fields the app parsed are seen whichever copy it parsed.
//
// Behind the toolbar, r.Body is no longer the *http.maxBytesReader an
// outer http.MaxBytesReader made, so ParseForm caps a url-encoded body at
// its own 10 MB instead of that reader's limit, when that limit is larger.
type bodyCapture struct {
	io.ReadCloser
	max int

	mu   sync.Mutex // an app may read on another goroutine than the toolbar finishes on
	kept []byte
	read int64
}

// captureBody wraps r.Body in a bodyCapture, unless there is no body.
func captureBody(r *http.Request, max int) *bodyCapture {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	c := &bodyCapture{ReadCloser: r.Body, max: max}
	r.Body = c
	return c
}

func (c *bodyCapture) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.read += int64(n)
		if room := c.max - len(c.kept); room > 0 {
			c.kept = append(c.kept, p[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

// snapshot returns what has been kept and how much the app read.
func (c *bodyCapture) snapshot() ([]byte, int64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kept, c.read
}

// maxFieldBytes is the most of one multipart text field shown.
const maxFieldBytes = 4 << 10

// requestBody turns what the app read of the body into the record's
// body and form fields, redacted.
func (tb *Toolbar) requestBody(contentType string, c *bodyCapture) (panels.RequestBody, url.Values) {
	kept, read := c.snapshot()
	b := panels.RequestBody{ContentType: contentType, Read: read, Truncated: read > int64(len(kept))}
	if read == 0 {
		return b, nil
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded":
		s := string(kept)
		if b.Truncated { // the last field may be cut short
			s = s[:strings.LastIndexByte(s, '&')+1]
		}
		form, _ := url.ParseQuery(s) // every field that parses
		return b, tb.redact.values(form)
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		form, files := multipartFields(kept, params["boundary"])
		b.Files = files
		return b, tb.redact.values(form)
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		text, err := tb.redact.json(kept)
		b.Text = text
		if err != nil && !b.Truncated {
			b.Note = "not valid JSON: " + err.Error()
		}
	case utf8.Valid(kept) || b.Truncated && utf8.Valid(trimPartialRune(kept)):
		b.Text = string(kept)
	default:
		b.Note = "binary"
	}
	return b, nil
}

// trimPartialRune drops a UTF-8 sequence cut short at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// multipartFields parses a multipart body as far as it was kept: the
// text fields (each at most maxFieldBytes; one cut short is left out)
// and the files by name and size.
func multipartFields(body []byte, boundary string) (url.Values, []panels.FormFile) {
	form := url.Values{}
	var files []panels.FormFile
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return form, files
		}
		if p.FileName() != "" {
			n, _ := io.Copy(io.Discard, p)
			files = append(files, panels.FormFile{Field: p.FormName(), Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Size: n})
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return form, files // cut short by the cap
		}
		if len(v) > maxFieldBytes {
			v = append(v[:maxFieldBytes], "…"...)
		}
		form.Add(p.FormName(), string(v))
	}
}
