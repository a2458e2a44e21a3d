package toolbar

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestNewChecksTheEditor(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		want string // in the error; "" for none
	}{
		{"a known editor", Config{Editor: "vscode", EditorPathMap: map[string]string{"/app": "/home/me/app"}}, ""},
		{"a template", Config{Editor: "zed://file{path}:{line}"}, ""},
		{"an unknown name", Config{Editor: "notepad"}, `toolbar: Editor "notepad" is neither a known editor`},
		{"a script URL", Config{Editor: "javascript:alert('{path}')"}, "scheme is not an editor's"},
		{"a path map without an editor", Config{EditorPathMap: map[string]string{"/app": "/src"}}, "EditorPathMap is set but Editor is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("New: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("New: %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestAQueryStackIsServedForTheSQLPanelToFetch(t *testing.T) {
	tb, err := New(Config{Editor: "vscode"})
	if err != nil {
		t.Fatal(err)
	}
	in := sqltrace.NewInstrument()
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		in.Start(r.Context(), sqltrace.KindQuery, "SELECT 1", nil).End(nil)
	}, httptest.NewRequest("GET", "/", nil))
	id := w.Header().Get("X-Debug-Token")
	if body := fetch(t, tb, "/__debug__/requests/"+id+"/stacks/0"); !strings.Contains(body, `data-testid="stack-frames"`) {
		t.Errorf("the stack reads %q", body)
	}
	for _, stack := range []string{"1", "-1", "x"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/__debug__/requests/"+id+"/stacks/"+stack, nil)
		r.RemoteAddr = "127.0.0.1:1"
		tb.Middleware(http.NotFoundHandler()).ServeHTTP(rec, r)
		if rec.Code != http.StatusNotFound {
			t.Errorf("stack %s: %d", stack, rec.Code)
		}
	}
}
