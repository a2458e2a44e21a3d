package toolbar

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func key(s string) redirectKey { return sha256.Sum256([]byte(s)) }

// waiting lists which of the named keys are waiting.
func waiting(rs *redirects, names ...string) string {
	var out []string
	for _, n := range names {
		if _, ok := rs.pending[key(n)]; ok {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

func TestRedirectsAreTakenOnceAndExpire(t *testing.T) {
	now := time.Unix(1000, 0)
	rs := newRedirects(4, 30*time.Second)
	rs.now = func() time.Time { return now }
	chain := []panels.Redirect{{ID: "a", Method: "POST", URL: "/login", Status: 303}}

	t.Run("a remembered redirect is taken by its key, once", func(t *testing.T) {
		rs.remember(key("k"), chain)
		if got := rs.take(key("other")); got != nil {
			t.Errorf("another key took %v", got)
		}
		if got := rs.take(key("k")); !slices.Equal(got, chain) {
			t.Errorf("take = %v, want %v", got, chain)
		}
		if got := rs.take(key("k")); got != nil {
			t.Errorf("taken twice: %v", got)
		}
	})
	t.Run("an expired redirect is not taken, and is forgotten", func(t *testing.T) {
		rs.remember(key("k"), chain)
		now = now.Add(31 * time.Second)
		if got := rs.take(key("k")); got != nil {
			t.Errorf("expired redirect taken: %v", got)
		}
		if n := rs.len(); n != 0 {
			t.Errorf("%d waiting after the take", n)
		}
	})
	t.Run("when full, the expired go first, then the oldest", func(t *testing.T) {
		rs.remember(key("old1"), chain)
		rs.remember(key("old2"), chain)
		now = now.Add(time.Minute)
		rs.remember(key("new1"), chain)
		now = now.Add(time.Second)
		rs.remember(key("new2"), chain)
		rs.remember(key("new3"), chain) // full: both old ones are swept
		if got := waiting(rs, "old1", "old2", "new1", "new2", "new3"); got != "new1 new2 new3" {
			t.Errorf("waiting: %s", got)
		}
		now = now.Add(time.Second)
		rs.remember(key("new4"), chain)
		rs.remember(key("new5"), chain) // full, none expired: new1 goes
		if got := waiting(rs, "new1", "new2", "new3", "new4", "new5"); got != "new2 new3 new4 new5" {
			t.Errorf("waiting: %s", got)
		}
		for i := range 1000 {
			rs.remember(key(fmt.Sprint("flood", i)), chain)
		}
		if n := rs.len(); n != 4 {
			t.Errorf("%d waiting, want the cap of 4", n)
		}
	})
	t.Run("a later redirect to the same URL replaces the earlier", func(t *testing.T) {
		later := []panels.Redirect{{ID: "b", Method: "POST", URL: "/again", Status: 302}}
		rs.remember(key("same"), chain)
		rs.remember(key("same"), later)
		if got := rs.take(key("same")); !slices.Equal(got, later) {
			t.Errorf("take = %v, want %v", got, later)
		}
	})
}

// redirectApp redirects POST /login to /home, /home?via=1 to /home, any
// /to?url=X to X (with status s=...), and serves /home as a page.
func redirectApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/home?via=login", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /to", func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusFound
		fmt.Sscan(r.URL.Query().Get("s"), &status)
		w.Header().Set("Location", r.URL.Query().Get("url"))
		w.WriteHeader(status)
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("via") == "login" {
			http.Redirect(w, r, "/home", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><body><h1>home</h1></body></html>")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><body>"+r.URL.Path+"</body></html>")
	})
	return mux
}

// serveAs serves method url from the client at remote with the User-Agent
// ua, and returns the response and the record it made (nil when none).
func serveAs(t *testing.T, tb *Toolbar, h http.Handler, remote, ua, method, target string) (*httptest.ResponseRecorder, *panels.Record) {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	r.Header.Set("User-Agent", ua)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	id := w.Header().Get("X-Debug-Token")
	if id == "" {
		return w, nil
	}
	rec, err := tb.Record(context.Background(), id)
	if err != nil {
		t.Fatalf("%s %s: record %s not kept: %v", method, target, id, err)
	}
	return w, rec
}

func chainOf(rec *panels.Record) string {
	var s []string
	for _, f := range rec.RedirectedFrom {
		s = append(s, fmt.Sprintf("%s %s %d", f.Method, f.URL, f.Status))
	}
	return strings.Join(s, " > ")
}

func TestTheRequestARedirectLandsOnNamesTheRedirects(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tb, err := New(Config{InternalIPs: []string{"127.0.0.1", "10.0.0.0/8"}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h := tb.Middleware(redirectApp())
	const me, chrome = "127.0.0.1:5000", "Chrome"

	t.Run("POST, 303, then 302 to the page: the page names both, first hop first", func(t *testing.T) {
		_, post := serveAs(t, tb, h, me, chrome, "POST", "/login")
		_, via := serveAs(t, tb, h, me, chrome, "GET", "/home?via=login")
		_, home := serveAs(t, tb, h, me, chrome, "GET", "/home")
		if got := chainOf(via); got != "POST /login 303" {
			t.Errorf("/home?via=login redirected from %q", got)
		}
		if got, want := chainOf(home), "POST /login 303 > GET /home?via=login 302"; got != want {
			t.Errorf("/home redirected from %q, want %q", got, want)
		}
		if home.RedirectedFrom[0].ID != post.ID || home.RedirectedFrom[1].ID != via.ID {
			t.Errorf("chain ids %v, want %s then %s", home.RedirectedFrom, post.ID, via.ID)
		}
		if len(post.RedirectedFrom) != 0 {
			t.Errorf("the POST itself redirected from %v", post.RedirectedFrom)
		}
		_, again := serveAs(t, tb, h, me, chrome, "GET", "/home")
		if len(again.RedirectedFrom) != 0 {
			t.Errorf("a second visit of the page took the redirect again: %v", again.RedirectedFrom)
		}
	})
	t.Run("the JSON API and the toolbar's data carry the chain", func(t *testing.T) {
		serveAs(t, tb, h, me, chrome, "POST", "/login")
		serveAs(t, tb, h, me, chrome, "GET", "/home?via=login")
		_, home := serveAs(t, tb, h, me, chrome, "GET", "/home")
		for _, path := range []string{"api/v1/requests/" + home.ID, "api/v1/requests/" + home.ID + "/toolbar", "api/v1/requests"} {
			w, _ := serveAs(t, tb, h, me, chrome, "GET", "/__debug__/"+path)
			var got struct {
				RedirectedFrom []panels.Redirect `json:"redirected_from"`
			}
			body := w.Body.Bytes()
			if path == "api/v1/requests" {
				var list struct {
					Version  int               `json:"version"`
					Requests []json.RawMessage `json:"requests"`
				}
				if err := json.Unmarshal(body, &list); err != nil || list.Version != panels.RecordVersion || len(list.Requests) == 0 {
					t.Fatalf("%s: version %d, %d requests (%v)", path, list.Version, len(list.Requests), err)
				}
				body = list.Requests[0] // newest first: the page
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if len(got.RedirectedFrom) != 2 || got.RedirectedFrom[0].Method != "POST" || got.RedirectedFrom[0].URL != "/login" ||
				got.RedirectedFrom[0].Status != 303 || got.RedirectedFrom[1].ID != home.RedirectedFrom[1].ID {
				t.Errorf("%s: redirected_from = %+v", path, got.RedirectedFrom)
			}
		}
	})
	t.Run("Location is resolved against the redirecting URL", func(t *testing.T) {
		for _, c := range []struct{ location, lands string }{
			{"rel", "/rel"},
			{"?q=1", "/to?q=1"},
			{"../a/b#frag", "/a/b"},
			{"http://example.com/abs", "/abs"},
			{"//EXAMPLE.com/schemeless", "/schemeless"},
			{"/caf%C3%A9", "/caf%C3%A9"},
		} {
			serveAs(t, tb, h, me, chrome, "GET", "/to?url="+url.QueryEscape(c.location))
			_, rec := serveAs(t, tb, h, me, chrome, "GET", c.lands)
			if len(rec.RedirectedFrom) != 1 {
				t.Errorf("Location %q: %s not linked to the redirect", c.location, c.lands)
			}
		}
	})
	t.Run("a long URL is kept short in the chain, in full in its own record", func(t *testing.T) {
		long := "/to?url=%2Flong&pad=" + strings.Repeat("x", 5000)
		_, redirect := serveAs(t, tb, h, me, chrome, "GET", long)
		_, rec := serveAs(t, tb, h, me, chrome, "GET", "/long")
		if len(rec.RedirectedFrom) != 1 {
			t.Fatalf("redirected from %v", rec.RedirectedFrom)
		}
		if len(rec.RedirectedFrom[0].URL) != redirectURLMax+3 || redirect.Request.URL != long {
			t.Errorf("chain URL of %d bytes, record URL of %d", len(rec.RedirectedFrom[0].URL), len(redirect.Request.URL))
		}
	})
	t.Run("only redirect statuses to this host count", func(t *testing.T) {
		for _, c := range []struct{ status, location string }{
			{"201", "/created"},
			{"300", "/created"},
			{"302", "http://elsewhere.test/created"},
		} {
			serveAs(t, tb, h, me, chrome, "GET", "/to?s="+c.status+"&url="+url.QueryEscape(c.location))
			_, rec := serveAs(t, tb, h, me, chrome, "GET", "/created")
			if len(rec.RedirectedFrom) != 0 {
				t.Errorf("%s to %s linked: %v", c.status, c.location, rec.RedirectedFrom)
			}
		}
	})
	t.Run("another client's request for the URL does not take it", func(t *testing.T) {
		serveAs(t, tb, h, me, chrome, "POST", "/login")
		if _, rec := serveAs(t, tb, h, me, "curl", "GET", "/home?via=login"); len(rec.RedirectedFrom) != 0 {
			t.Errorf("another browser on the same machine took it: %v", rec.RedirectedFrom)
		}
		if _, rec := serveAs(t, tb, h, "10.1.2.3:4000", chrome, "GET", "/home?via=login"); len(rec.RedirectedFrom) != 0 {
			t.Errorf("another machine took it: %v", rec.RedirectedFrom)
		}
		if _, rec := serveAs(t, tb, h, me, chrome, "GET", "/home?via=login"); len(rec.RedirectedFrom) != 1 {
			t.Errorf("the client's own follow-up did not take it")
		}
	})
}

func TestRedirectsOfDeniedClientsLeaveNoTrace(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := tb.Middleware(redirectApp())
	bare := redirectApp()
	const outsider = "192.0.2.7:5000"

	w, _ := serveAs(t, tb, h, outsider, "Chrome", "POST", "/login")
	want, _ := serveAs(t, tb, bare, outsider, "Chrome", "POST", "/login")
	if !maps.EqualFunc(w.Header(), want.Header(), slices.Equal) || w.Body.String() != want.Body.String() || w.Code != want.Code {
		t.Errorf("a denied client's redirect differs from the bare app's:\n%d %v %q\n%d %v %q", w.Code, w.Header(), w.Body, want.Code, want.Header(), want.Body)
	}
	if n := tb.redirects.len(); n != 0 {
		t.Errorf("%d redirects remembered for a denied client", n)
	}

	// A denied client cannot take an observed client's redirect either:
	// it never reaches the bookkeeping.
	serveAs(t, tb, h, "127.0.0.1:5000", "Chrome", "POST", "/login")
	serveAs(t, tb, h, outsider, "Chrome", "GET", "/home?via=login")
	if n := tb.redirects.len(); n != 1 {
		t.Errorf("%d redirects waiting after a denied client's request, want the observed one", n)
	}
	if w, _ := serveAs(t, tb, h, "127.0.0.1:5000", "Chrome", "POST", "/login"); w.Header().Get("Set-Cookie") != "" {
		t.Errorf("an observed redirect got a cookie: %q", w.Header().Get("Set-Cookie"))
	}
}
