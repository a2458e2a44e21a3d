package render

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// editorTemplates are the open-in-editor URL templates known by name.
// {path} is the file's absolute path (mapped, percent-encoded where a URL
// needs it), {line} its line.
var editorTemplates = map[string]string{
	"vscode":          "vscode://file{path}:{line}",
	"vscode-insiders": "vscode-insiders://file{path}:{line}",
	"cursor":          "cursor://file{path}:{line}",
	"zed":             "zed://file{path}:{line}",
	// JetBrains IDEs answer their own scheme with open?file=&line= (as
	// PhpStorm's phpstorm:// does); idea:// is IntelliJ IDEA's.
	"goland": "goland://open?file={path}&line={line}",
	"idea":   "idea://open?file={path}&line={line}",
	// Vim has no scheme of its own: MacVim registers mvim://; for Neovim
	// nvim:// needs a handler of the user's (a desktop entry or an app).
	"vim":  "mvim://open?url=file://{path}&line={line}",
	"mvim": "mvim://open?url=file://{path}&line={line}",
	"nvim": "nvim://open?url=file://{path}&line={line}",
}

// EditorNames lists the editors known by name, sorted.
func EditorNames() []string {
	names := make([]string, 0, len(editorTemplates))
	for n := range editorTemplates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Editor makes the open-in-editor link of a file and line, from a URL
// template, after mapping the file's path (a container's /app to the
// host's checkout). The nil Editor makes no links.
type Editor struct {
	template string
	query    bool // {path} goes in a query: encoded as a query value
	maps     []pathPrefix
}

type pathPrefix struct{ from, to string }

// NewEditor returns the Editor of name (a known editor, or a template with
// {path} and optionally {line}, such as "vscode://file{path}:{line}"),
// mapping path prefixes by pathMap. An empty name makes no links: nil.
func NewEditor(name string, pathMap map[string]string) (*Editor, error) {
	if name == "" {
		if len(pathMap) > 0 {
			return nil, fmt.Errorf("EditorPathMap is set but Editor is empty: set Editor to one of %s or a URL template", strings.Join(EditorNames(), ", "))
		}
		return nil, nil
	}
	tmpl, ok := editorTemplates[strings.ToLower(name)]
	if !ok {
		tmpl = name
		if !strings.Contains(tmpl, "{path}") {
			return nil, fmt.Errorf("Editor %q is neither a known editor (%s) nor a URL template with {path}", name, strings.Join(EditorNames(), ", "))
		}
		u, err := url.Parse(strings.NewReplacer("{path}", "/p", "{line}", "1").Replace(tmpl))
		if err != nil {
			return nil, fmt.Errorf("Editor %q: %w", name, err)
		}
		switch s := strings.ToLower(u.Scheme); s {
		case "":
			return nil, fmt.Errorf("Editor %q has no URL scheme (such as vscode://)", name)
		case "javascript", "data", "vbscript", "blob":
			return nil, fmt.Errorf("Editor %q: the %s: scheme is not an editor's", name, s)
		}
	}
	e := &Editor{template: tmpl}
	if i := strings.Index(tmpl, "{path}"); strings.Contains(tmpl[:i], "?") {
		e.query = true
	}
	for from, to := range pathMap {
		if from == "" || to == "" {
			return nil, fmt.Errorf("EditorPathMap %q: %q: both prefixes must be non-empty", from, to)
		}
		e.maps = append(e.maps, pathPrefix{strings.TrimSuffix(from, "/"), strings.TrimSuffix(to, "/")})
	}
	// The longest prefix wins: /app/vendor before /app.
	sort.Slice(e.maps, func(i, j int) bool { return len(e.maps[i].from) > len(e.maps[j].from) })
	return e, nil
}

// MapPath returns file with the longest matching prefix of the path map
// replaced; a prefix matches whole path elements only.
func (e *Editor) MapPath(file string) string {
	if e == nil {
		return file
	}
	for _, m := range e.maps {
		if rest, ok := strings.CutPrefix(file, m.from); ok && (rest == "" || rest[0] == '/' || rest[0] == '\\') {
			return m.to + rest
		}
	}
	return file
}

// URL returns the link that opens file at line, and false when there is
// none: no editor, or a path that is not absolute (a -trimpath build).
func (e *Editor) URL(file string, line int) (templ.SafeURL, bool) {
	if e == nil || file == "" {
		return "", false
	}
	p := e.MapPath(file)
	abs := strings.HasPrefix(p, "/")
	if len(p) > 2 && p[1] == ':' { // C:\src\app.go
		p, abs = "/"+strings.ReplaceAll(p, `\`, "/"), true
	}
	if !abs {
		return "", false
	}
	var enc string
	if e.query {
		enc = url.QueryEscape(p)
	} else {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		enc = strings.Join(segs, "/")
	}
	// The template was checked in NewEditor: its scheme is not script.
	return templ.SafeURL(strings.NewReplacer("{path}", enc, "{line}", strconv.Itoa(line)).Replace(e.template)), true
}

// Options are what the toolbar tells the panels it renders: where its
// URLs live (to fetch a stack on demand) and the editor to link frames to.
type Options struct {
	Prefix string
	Editor *Editor
}

type optionsKey struct{}

// WithOptions returns ctx carrying o, for the panels rendered with it.
func WithOptions(ctx context.Context, o Options) context.Context {
	return context.WithValue(ctx, optionsKey{}, o)
}

func optionsOf(ctx context.Context) Options {
	o, _ := ctx.Value(optionsKey{}).(Options)
	return o
}

type fullPageKey struct{}

// inFullPage reports whether ctx renders the request's full page, which
// shows every stack at once instead of fetching them when opened.
func inFullPage(ctx context.Context) bool { return ctx.Value(fullPageKey{}) != nil }

// fullPage renders c as part of the full page.
func fullPage(c templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return c.Render(context.WithValue(ctx, fullPageKey{}, true), w)
	})
}
