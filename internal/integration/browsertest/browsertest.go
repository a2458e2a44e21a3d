// Package browsertest drives headless Chromium for the browser tests of
// the toolbar and the examples. The tests run when DEBUGTOOLBAR_CHROMIUM
// names a Chromium binary and skip otherwise; .ci/run sets it.
//
// A test starts one browser, and each of its steps opens a tab of its own:
//
//	b := browsertest.Start(t)
//	t.Run("the handle shows the query count", func(t *testing.T) {
//		tab := b.NewTab(t)
//		tab.Navigate(t, srv.URL)
//		tab.Wait(t, "the handle", browsertest.Shadow(`s.querySelector("[data-testid=handle]")`))
//	})
//
// Every method of a Tab takes the *testing.T of the step it runs in, and a
// failure fails that step alone (t.Fatal there, never on the test that
// started the browser), naming the action that failed, the page, the
// tab's console errors and, with DEBUGTOOLBAR_SCREENSHOTS set or go test
// -artifacts, a screenshot. A step's tab has its own storage and emulated
// colour scheme, and a timeout or a crash in it leaves the browser and the
// other steps' tabs working, so the steps after a failed one still run,
// from a clean start.
package browsertest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium shared by the steps of a test. It has no
// actions of its own: a step opens a Tab with NewTab.
type Browser struct {
	// ctx is the browser's own chromedp context. It has no deadline (the
	// first action on it binds the browser's life to it) and ends when the
	// test that started the browser has ended.
	ctx context.Context

	mu      sync.Mutex
	next    *blankTab      // the tab the next NewTab takes, perhaps still opening
	closing sync.WaitGroup // tabs of ended steps, closing
}

// blankTab is a tab opened before a step asks for it: a tab is a new
// renderer process, and the step before can run while it starts.
type blankTab struct {
	ctx    context.Context
	cancel context.CancelFunc // closes the tab, and waits until it has
	ready  chan struct{}      // closed once the tab is open, or err set
	err    error
}

func (b *Browser) openBlank() *blankTab {
	bt := &blankTab{ready: make(chan struct{})}
	bt.ctx, bt.cancel = chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	go func() {
		defer close(bt.ready)
		// The first action creates the tab and binds it to the context it
		// is given, so it gets ctx itself and not one with a deadline.
		bt.err = chromedp.Do(bt.ctx)
	}()
	return bt
}

// Start starts Chromium from DEBUGTOOLBAR_CHROMIUM, or skips the test. The
// browser stops when t and its subtests have ended.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := os.Getenv("DEBUGTOOLBAR_CHROMIUM")
	if path == "" {
		t.Skip("DEBUGTOOLBAR_CHROMIUM is not set; set it to a Chromium binary (apt-get install chromium: /usr/bin/chromium) to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 860),
	)
	// Not t.Context(): it ends before the cleanups run, and the tabs' own
	// cleanups (registered later, so run first) close them in a live
	// browser.
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	b := &Browser{ctx: ctx}
	t.Cleanup(func() {
		b.mu.Lock()
		next := b.next
		b.next = nil
		b.mu.Unlock()
		if next != nil {
			<-next.ready
			next.cancel()
		}
		b.closing.Wait()
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the browser and binds its life to the
	// context it is given: ctx itself, not one with a deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	b.next = b.openBlank()
	return b
}

// Tab is a tab of the browser, opened for one step. It has a browser
// context of its own (as a private window has): storage, cookies and the
// toolbar's saved state start empty.
type Tab struct {
	// Timeout bounds each action: a navigation, an evaluation, a Wait.
	// NewTab sets it to 10 s. A timeout fails the step, and leaves the tab
	// and the browser working.
	Timeout time.Duration

	ctx      context.Context // the tab's chromedp context: no deadline
	live     context.Context // ctx until the tab crashes, then cancelled with errCrashed
	mu       sync.Mutex
	problems []string
}

// errCrashed is why a crashed tab's actions end: the browser answers none
// of them.
var errCrashed = errors.New("the tab crashed")

// NewTab opens a tab for the step t and closes it when t ends. Console
// errors, exceptions and browser log errors (CSP violations among them)
// seen in the tab are collected for Problems.
func (b *Browser) NewTab(t testing.TB) *Tab {
	t.Helper()
	b.mu.Lock()
	bt := b.next
	if bt != nil {
		b.next = b.openBlank()
	}
	b.mu.Unlock()
	if bt == nil {
		t.Fatal("browsertest: NewTab after the test that started the browser has ended")
	}
	<-bt.ready
	// Closing a tab takes a moment; the next step need not wait for it.
	t.Cleanup(func() {
		b.closing.Add(1)
		go func() { defer b.closing.Done(); bt.cancel() }()
	})
	if bt.err != nil {
		t.Fatalf("browsertest: open a tab: %v", bt.err)
	}
	ctx := bt.ctx
	live, crashed := context.WithCancelCause(ctx)
	tab := &Tab{Timeout: 10 * time.Second, ctx: ctx, live: live}
	console := chromedp.Console(ctx) // subscribed from here on
	crashes := chromedp.Events(ctx, inspector.TargetCrashed)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tab.mu.Lock()
				tab.problems = append(tab.problems, m.String())
				tab.mu.Unlock()
			}
		}
	}()
	go func() {
		for _, err := range crashes {
			if err == nil {
				crashed(errCrashed)
			}
			return
		}
	}()
	return tab
}

// Problems lists the console errors and exceptions seen in the tab so far.
func (tab *Tab) Problems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]string(nil), tab.problems...)
}

// CheckProblems fails the step t when the tab reported any problems.
func (tab *Tab) CheckProblems(t testing.TB) {
	t.Helper()
	if p := tab.Problems(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s\n%s", strings.Join(p, "\n"), tab.saveScreenshot(t, "console-errors"))
	}
}

// Shadow wraps a JavaScript expression so that s is the toolbar's shadow
// root (the expression is null while there is none).
func Shadow(expr string) string {
	return `(() => { const s = document.getElementById("debugtoolbar")?.shadowRoot; if (!s) return null; return (` + expr + `); })()`
}

// Do runs actions, failing the step t when one fails; what names them in
// the failure ("press Escape").
func (tab *Tab) Do(t testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, tab, what, chromedp.Steps(actions...))
}

// Load runs actions that load a new document, such as a click on a form's
// submit button, and waits until it has loaded.
func (tab *Tab) Load(t testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, tab, what, func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.RunResponse(ctx, actions...)
		return chromedp.Void{}, err
	})
}

// Navigate opens url and waits until it has loaded.
func (tab *Tab) Navigate(t testing.TB, url string) {
	t.Helper()
	run(t, tab, "navigate to "+url, chromedp.Navigate(url))
}

// Wait polls expr until it is truthy, for at most the tab's Timeout; what
// names what it waits for ("the side bar").
func (tab *Tab) Wait(t testing.TB, what, expr string) {
	t.Helper()
	// The poll's own timeout ends it in the page; the context's, a second
	// later, only guards against a page that does not answer.
	poll := chromedp.Poll[bool](`!!(`+expr+`)`, chromedp.WithPollingTimeout(tab.Timeout))
	ctx, cancel := context.WithTimeout(tab.live, tab.Timeout+time.Second)
	defer cancel()
	_, err := runInPage(ctx, poll)
	switch {
	case err == nil:
	case context.Cause(ctx) == errCrashed:
		err = errCrashed
	case errors.Is(err, chromedp.ErrPollingTimeout) || errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("still false after %v: %s", tab.Timeout, expr)
	}
	if err != nil {
		tab.fail(t, "wait for "+what, err)
	}
}

// String evaluates expr to a string.
func (tab *Tab) String(t testing.TB, expr string) string {
	t.Helper()
	return run(t, tab, "evaluate "+expr, chromedp.Evaluate[string](expr))
}

// Eval evaluates expr for its effect, awaiting a promise it returns.
func (tab *Tab) Eval(t testing.TB, expr string) {
	t.Helper()
	run(t, tab, "evaluate "+expr, chromedp.Evaluate[chromedp.Void](expr, chromedp.EvalAwaitPromise))
}

// ClickInToolbar clicks the first element of the toolbar's shadow tree that
// matches selector.
func (tab *Tab) ClickInToolbar(t testing.TB, selector string) {
	t.Helper()
	what := "click " + selector + " in the toolbar"
	switch got := run(t, tab, what, chromedp.Evaluate[string](
		`String(`+Shadow(`(e => e ? (e.click(), true) : false)(s.querySelector(`+strconv.Quote(selector)+`))`)+`)`)); got {
	case "true":
	case "null":
		tab.fail(t, what, errors.New("the page has no toolbar"))
	default:
		tab.fail(t, what, errors.New("no element of the toolbar matches"))
	}
}

// Theme emulates the OS colour scheme in the tab: "light" or "dark".
func (tab *Tab) Theme(t testing.TB, scheme string) {
	t.Helper()
	run(t, tab, "emulate the "+scheme+" colour scheme", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// Screenshot saves a picture of the page as name.png under
// DEBUGTOOLBAR_SCREENSHOTS, or with go test -artifacts under the step's
// artifact directory; otherwise it does nothing.
func (tab *Tab) Screenshot(t testing.TB, name string) {
	t.Helper()
	if screenshotDir(t) != "" {
		t.Log(tab.saveScreenshot(t, name))
	}
}

// run runs a within the tab's Timeout and returns its value, or fails the step t
// naming what.
func run[T any](t testing.TB, tab *Tab, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.live, tab.Timeout)
	defer cancel()
	v, err := runInPage(ctx, a)
	if err != nil && context.Cause(ctx) == errCrashed {
		err = errCrashed
	}
	if err != nil {
		tab.fail(t, what, err)
	}
	return v
}

// runInPage runs a, again while the browser refuses it for an execution
// context that has just gone: after a navigation chromedp can, for a
// moment, still name the old document's context, and the browser then
// answers "Cannot find context with specified id" without running
// anything.
func runInPage[T any](ctx context.Context, a chromedp.Action[T]) (T, error) {
	for {
		v, err := chromedp.Run(ctx, a)
		if err == nil || !strings.Contains(err.Error(), "Cannot find context with specified id") {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// fail fails the step t: what failed and why, the page it was on, the
// tab's console errors and a screenshot.
func (tab *Tab) fail(t testing.TB, what string, err error) {
	t.Helper()
	var msg strings.Builder
	fmt.Fprintf(&msg, "browsertest: %s: %v", what, err)
	crashed := context.Cause(tab.live) == errCrashed
	if !crashed {
		ctx, cancel := context.WithTimeout(tab.live, 2*time.Second)
		if loc, err := runInPage(ctx, chromedp.Location()); err == nil {
			fmt.Fprintf(&msg, "\npage: %s", loc)
		}
		cancel()
	}
	if p := tab.Problems(); len(p) > 0 {
		fmt.Fprintf(&msg, "\nconsole errors:\n\t%s", strings.Join(p, "\n\t"))
	}
	if !crashed {
		msg.WriteString("\n" + tab.saveScreenshot(t, "failure"))
	}
	t.Fatal(msg.String())
}

// saveScreenshot saves a screenshot as name.png and says where, or why
// there is none.
func (tab *Tab) saveScreenshot(t testing.TB, name string) string {
	t.Helper()
	dir := screenshotDir(t)
	if dir == "" {
		return "screenshot: none (set DEBUGTOOLBAR_SCREENSHOTS or run go test -artifacts for one)"
	}
	if name == "failure" || name == "console-errors" {
		// Every step may have one, and DEBUGTOOLBAR_SCREENSHOTS is shared.
		name += "-" + strings.Map(func(r rune) rune {
			if strings.ContainsRune(`/\:*?"<>| `, r) {
				return '_'
			}
			return r
		}, t.Name())
	}
	ctx, cancel := context.WithTimeout(tab.live, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Sprintf("screenshot: none (%v)", err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		return fmt.Sprintf("screenshot: none (%v)", err)
	}
	return "screenshot: " + p
}

// screenshotDir is where screenshots go: DEBUGTOOLBAR_SCREENSHOTS, or the
// artifact directory of the step t when go test -artifacts keeps it, or ""
// for none. Without -artifacts that directory is removed when the step
// ends, and a failure message would point at nothing.
func screenshotDir(t testing.TB) string {
	if dir := os.Getenv("DEBUGTOOLBAR_SCREENSHOTS"); dir != "" {
		return dir
	}
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.ArtifactDir()
	}
	return ""
}
