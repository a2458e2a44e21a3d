// Package browsertest drives headless Chromium for the browser tests of
// the toolbar and the examples. The tests run when DEBUGTOOLBAR_CHROMIUM
// names a Chromium binary and skip otherwise; .ci/run sets it.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser is one tab of a headless Chromium.
type Browser struct {
	t        *testing.T
	Ctx      context.Context
	mu       sync.Mutex
	problems []string
}

// Start starts Chromium from DEBUGTOOLBAR_CHROMIUM, or skips the test.
// Console errors, exceptions and browser log errors (CSP violations among
// them) are collected for Problems.
func Start(t *testing.T) *Browser {
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
	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatal(err)
	}
	b := &Browser{t: t, Ctx: ctx}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// Problems lists the console errors and exceptions seen so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// Shadow wraps a JavaScript expression so that s is the toolbar's shadow
// root (the expression is null while there is none).
func Shadow(expr string) string {
	return `(() => { const s = document.getElementById("debugtoolbar")?.shadowRoot; if (!s) return null; return (` + expr + `); })()`
}

// Do runs steps, failing the test (with a screenshot) on error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.Screenshot("failure")
		b.t.Fatal(err)
	}
}

// Navigate opens url.
func (b *Browser) Navigate(url string) { b.t.Helper(); b.Do(chromedp.Navigate(url)) }

// Wait polls expr until it is truthy, for at most 10 seconds.
func (b *Browser) Wait(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`!!(`+expr+`)`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.Screenshot("failure")
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// String evaluates expr to a string.
func (b *Browser) String(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// Eval evaluates expr for its effect, awaiting a promise it returns.
func (b *Browser) Eval(expr string) {
	b.t.Helper()
	b.Do(chromedp.Evaluate[chromedp.Void](expr, chromedp.EvalAwaitPromise))
}

// ClickInToolbar clicks the first element of the toolbar's shadow tree that
// matches selector.
func (b *Browser) ClickInToolbar(selector string) {
	b.t.Helper()
	b.Eval(Shadow(`s.querySelector(` + strconv.Quote(selector) + `).click()`))
}

// Theme emulates the OS colour scheme: "light" or "dark".
func (b *Browser) Theme(scheme string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		b.t.Fatal(err)
	}
}

// Screenshot saves a picture of the page as name.png under
// DEBUGTOOLBAR_SCREENSHOTS, or under the test's temporary folder when the
// test has failed; otherwise it does nothing.
func (b *Browser) Screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("DEBUGTOOLBAR_SCREENSHOTS")
	if dir == "" {
		if !b.t.Failed() && name != "failure" {
			return
		}
		dir = b.t.TempDir()
	}
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Log(err)
		return
	}
	b.t.Logf("screenshot: %s", p)
}

// CheckProblems fails the test when the browser reported any.
func (b *Browser) CheckProblems() {
	b.t.Helper()
	if p := b.Problems(); len(p) > 0 {
		b.Screenshot("console-errors")
		b.t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
