package toolbar

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// post serves a POST of body from a loopback client through tb and app,
// and returns the record the toolbar kept of it.
func post(t *testing.T, tb *Toolbar, app http.Handler, contentType string, body io.Reader) *panels.Record {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/submit", body)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("Content-Type", contentType)
	tb.Middleware(app).ServeHTTP(w, r)
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("no record of the POST (status %d): %v", w.Code, err)
	}
	return rec
}

func newTestToolbar(t *testing.T, cfg Config) *Toolbar {
	t.Helper()
	tb, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

type sessionKey struct{}

// withSession copies the request, as session and CSRF middleware do.
func withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, "s")))
	})
}

func TestTheFormTheAppParsedIsShownWhateverCopyOfTheRequestItUsed(t *testing.T) {
	tb := newTestToolbar(t, Config{})
	var seen url.Values
	app := withSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		seen = r.PostForm
	}))
	rec := post(t, tb, app, "application/x-www-form-urlencoded", strings.NewReader("title=Hello+world&password=hunter2&tag=a&tag=b"))
	if want := (url.Values{"title": {"Hello world"}, "password": {"hunter2"}, "tag": {"a", "b"}}); !reflect.DeepEqual(seen, want) {
		t.Errorf("the app parsed %v, want %v", seen, want)
	}
	want := url.Values{"title": {"Hello world"}, "password": {Redacted}, "tag": {"a", "b"}}
	if !reflect.DeepEqual(rec.Request.Form, want) {
		t.Errorf("the record's form = %v, want %v", rec.Request.Form, want)
	}
	if b := rec.Request.Body; b.Read != 46 || b.Truncated || b.Text != "" {
		t.Errorf("the record's body = %+v", b)
	}
}

func TestAMultipartFormShowsItsFieldsAndItsFilesByNameAndSize(t *testing.T) {
	tb := newTestToolbar(t, Config{})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("title", "Hi")
	mw.WriteField("api_key", "abc123")
	f, _ := mw.CreateFormFile("avatar", "me.png")
	f.Write(bytes.Repeat([]byte{0x89}, 1000))
	mw.Close()
	app := withSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Error(err)
		}
	}))
	rec := post(t, tb, app, mw.FormDataContentType(), &body)
	if want := (url.Values{"title": {"Hi"}, "api_key": {Redacted}}); !reflect.DeepEqual(rec.Request.Form, want) {
		t.Errorf("form = %v, want %v", rec.Request.Form, want)
	}
	want := []panels.FormFile{{Field: "avatar", Filename: "me.png", ContentType: "application/octet-stream", Size: 1000}}
	if !reflect.DeepEqual(rec.Request.Body.Files, want) {
		t.Errorf("files = %+v, want %+v", rec.Request.Body.Files, want)
	}
	if rec.Request.Body.Text != "" {
		t.Errorf("a multipart body is shown as text: %q", rec.Request.Body.Text)
	}
}

func TestAJSONBodyIsShownIndentedWithSecretsRedacted(t *testing.T) {
	tb := newTestToolbar(t, Config{})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			t.Error(err)
		}
		if v["password"] != "hunter2" {
			t.Errorf("the app read %v", v)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
	doc := `{"user":"ann <a&b>","password":"hunter2","profile":{"api_token":{"id":1},"tags":["x",2,{"secret":[1]}],"empty":{},"none":[]},"n":1.50,"t":true,"z":null}`
	rec := post(t, tb, app, "application/json; charset=utf-8", strings.NewReader(doc))
	want := `{
  "user": "ann <a&b>",
  "password": "[redacted]",
  "profile": {
    "api_token": "[redacted]",
    "tags": [
      "x",
      2,
      {
        "secret": "[redacted]"
      }
    ],
    "empty": {},
    "none": []
  },
  "n": 1.50,
  "t": true,
  "z": null
}`
	if b := rec.Request.Body; b.Text != want || b.Note != "" || b.Read != int64(len(doc)) {
		t.Errorf("body = %+v\ntext:\n%s\nwant:\n%s", b, b.Text, want)
	}

	t.Run("the JSON API has it too", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/__debug__/api/v1/requests/"+rec.ID, nil)
		r.RemoteAddr = "127.0.0.1:1"
		tb.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
		var got struct {
			Request struct {
				Body struct {
					ContentType string `json:"content_type"`
					Read        int64  `json:"read"`
					Text        string `json:"text"`
				} `json:"body"`
			} `json:"request"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, w.Body)
		}
		if b := got.Request.Body; b.Text != want || b.Read != int64(len(doc)) || b.ContentType != "application/json; charset=utf-8" {
			t.Errorf("the API's request.body = %+v", b)
		}
	})
}

func TestABodyOverTheCapKeepsTheCapAndSaysTruncated(t *testing.T) {
	tb := newTestToolbar(t, Config{MaxRequestBodyBytes: 1024})
	for _, c := range []struct {
		name, contentType, body string
		check                   func(t *testing.T, rec *panels.Record)
	}{
		{
			name: "text", contentType: "text/plain", body: strings.Repeat("a", 5000),
			check: func(t *testing.T, rec *panels.Record) {
				if rec.Request.Body.Text != strings.Repeat("a", 1024) {
					t.Errorf("text of %d bytes kept, want 1024", len(rec.Request.Body.Text))
				}
			},
		},
		{
			name: "a form loses the field the cap cut", contentType: "application/x-www-form-urlencoded",
			body: "a=1&b=" + strings.Repeat("x", 2000),
			check: func(t *testing.T, rec *panels.Record) {
				if want := (url.Values{"a": {"1"}}); !reflect.DeepEqual(rec.Request.Form, want) {
					t.Errorf("form = %v, want %v", rec.Request.Form, want)
				}
			},
		},
		{
			name: "JSON is formatted up to the cap", contentType: "application/json",
			body: `{"a":"` + strings.Repeat("x", 1100) + `","password":"hunter2"}`,
			check: func(t *testing.T, rec *panels.Record) {
				if b := rec.Request.Body; b.Text != "{\n  \"a\": " || b.Note != "" || strings.Contains(b.Text, "hunter2") {
					t.Errorf("body = %+v", b)
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			var read int
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				read = len(b)
			})
			rec := post(t, tb, app, c.contentType, strings.NewReader(c.body))
			if read != len(c.body) {
				t.Errorf("the app read %d bytes of %d", read, len(c.body))
			}
			if b := rec.Request.Body; b.Read != int64(len(c.body)) || !b.Truncated {
				t.Errorf("read %d, truncated %v; want %d, true", b.Read, b.Truncated, len(c.body))
			}
			c.check(t, rec)
		})
	}
}

// countingReader is a client's body that counts what was read of it.
type countingReader struct {
	r    io.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

func TestTheToolbarNeverReadsABodyItself(t *testing.T) {
	tb := newTestToolbar(t, Config{})
	t.Run("a handler that never reads captures nothing", func(t *testing.T) {
		body := &countingReader{r: strings.NewReader("title=x&password=y")}
		rec := post(t, tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), "application/x-www-form-urlencoded", body)
		if body.read != 0 {
			t.Errorf("the toolbar read %d bytes of the client's body", body.read)
		}
		if b := rec.Request.Body; b.Read != 0 || b.Text != "" || rec.Request.Form != nil {
			t.Errorf("record: body %+v, form %v", b, rec.Request.Form)
		}
	})
	t.Run("only what the app read is kept", func(t *testing.T) {
		body := &countingReader{r: strings.NewReader(strings.Repeat("b", 100))}
		rec := post(t, tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.ReadFull(r.Body, make([]byte, 10))
		}), "text/plain", body)
		if body.read != 10 || rec.Request.Body.Read != 10 || rec.Request.Body.Text != strings.Repeat("b", 10) {
			t.Errorf("client's body read %d, record %+v", body.read, rec.Request.Body)
		}
	})
	t.Run("a request without a body gets no capture", func(t *testing.T) {
		var got io.ReadCloser
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:1"
		tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Body })).ServeHTTP(w, r)
		if got != http.NoBody {
			t.Errorf("r.Body = %T, want http.NoBody", got)
		}
	})
}

func TestARequestNotObservedGetsTheSameBody(t *testing.T) {
	tb := newTestToolbar(t, Config{})
	r := httptest.NewRequest("POST", "/submit", strings.NewReader("a=1"))
	r.RemoteAddr = "203.0.113.7:1"
	orig := r.Body
	var got io.ReadCloser
	tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Body
		r.ParseForm()
	})).ServeHTTP(httptest.NewRecorder(), r)
	if got != orig {
		t.Errorf("a request not observed got r.Body %T, not its own %T", got, orig)
	}
	if list, err := tb.History(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("a request not observed was recorded: %d in the history (%v)", len(list), err)
	}
}

func TestJSONRedaction(t *testing.T) {
	rd := newRedactor(nil)
	for _, c := range []struct {
		name, in, want string
		err            bool
	}{
		{name: "a scalar document", in: ` "x" `, want: `"x"`},
		{name: "non-ASCII stays as it is", in: `{"name":"Zoë ✓"}`, want: "{\n  \"name\": \"Zoë ✓\"\n}"},
		{name: "invalid JSON stops where it is invalid", in: `{"a":1,"b":}`, want: "{\n  \"a\": 1,\n  \"b\": ", err: true},
		{name: "data after the value is an error", in: `{} {}`, want: `{}`, err: true},
		{name: "a secret key's cut value is still redacted", in: `{"token":"abc`, want: "{\n  \"token\": \"[redacted]\"", err: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := rd.json([]byte(c.in))
			if got != c.want || (err != nil) != c.err {
				t.Errorf("json(%q) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.err)
			}
		})
	}
}
