package browsertest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
)

// fixtureEnv makes TestFixtureFailingSteps run: it fails on purpose, so
// only TestAFailedStepFailsAloneAndTheNextStepsRun runs it, in a child
// process.
const fixtureEnv = "BROWSERTEST_FIXTURE"

// TestFixtureFailingSteps has steps that fail in the ways a browser test
// can (a Wait that times out, a tab that crashes, an evaluation that
// throws in a tab the test opened before its steps), then a step that
// passes, then code of the test itself after its steps.
func TestFixtureFailingSteps(t *testing.T) {
	if os.Getenv(fixtureEnv) != "1" {
		t.Skip("a fixture that fails on purpose: TestAFailedStepFailsAloneAndTheNextStepsRun runs it")
	}
	b := browsertest.Start(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!doctype html><title>fixture</title><script>console.error("fixture: a console error")</script>`)
	}))
	t.Cleanup(srv.Close)
	shared := b.NewTab(t)
	shared.Navigate(t, srv.URL)

	t.Run("a wait that times out", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		tab.Timeout = 300 * time.Millisecond
		tab.Wait(t, "an element that never appears", `document.getElementById("never")`)
		t.Error("fixture: the step went on after its Wait failed")
	})
	t.Run("a tab that crashes", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		tab.Do(t, "crash the renderer", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, page.Crash, cdp.Empty{}) // the browser never answers
			return chromedp.Void{}, err
		})
		t.Error("fixture: the step went on after its tab crashed")
	})
	t.Run("an evaluation that throws in the test's tab", func(t *testing.T) {
		shared.Eval(t, `(() => { throw new Error("fixture: thrown") })()`)
		t.Error("fixture: the step went on after its Eval failed")
	})
	t.Run("a step after them", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		if got := tab.String(t, `document.title`); got != "fixture" {
			t.Errorf("fixture: the title is %q", got)
		}
		t.Log("fixture: the step after them ran")
	})
	if got := shared.String(t, `document.title`); got != "fixture" {
		t.Errorf("fixture: the test's own tab reads %q", got)
	}
	t.Log("fixture: the test went on after its steps")
}

// TestAFailedStepFailsAloneAndTheNextStepsRun runs TestFixtureFailingSteps
// in a child process and reads its go test -v output: each failure is
// reported on the step that failed, naming the action, with the page, the
// console errors and a screenshot; the steps after it and the test itself
// go on; nothing fails the parent test from a step.
func TestAFailedStepFailsAloneAndTheNextStepsRun(t *testing.T) {
	if os.Getenv("DEBUGTOOLBAR_CHROMIUM") == "" {
		t.Skip("DEBUGTOOLBAR_CHROMIUM is not set")
	}
	shots := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFixtureFailingSteps$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), fixtureEnv+"=1", "DEBUGTOOLBAR_SCREENSHOTS="+shots)
	out, err := cmd.CombinedOutput()
	t.Logf("the fixture's output:\n%s", out)
	if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the fixture ended with %v, want exit status 1 (some tests failed)", err)
	}
	if bytes.Contains(out, []byte("FailNow on a parent")) || bytes.Contains(out, []byte("panic:")) {
		t.Fatal("a step failed the test that started the browser")
	}
	results, outputs := readVerbose(out)

	const test = "TestFixtureFailingSteps"
	for _, c := range []struct {
		step, result string
		want         []string // in the step's own output
	}{
		{"a_wait_that_times_out", "FAIL", []string{
			`browsertest: wait for an element that never appears: still false after 300ms: document.getElementById("never")`,
			"page: http://127.0.0.1:",
			"console errors:", "error: fixture: a console error",
			"screenshot: " + filepath.Join(shots, "failure-"+test+"_a_wait_that_times_out.png"),
		}},
		{"a_tab_that_crashes", "FAIL", []string{"browsertest: crash the renderer: the tab crashed"}},
		{"an_evaluation_that_throws_in_the_test's_tab", "FAIL", []string{
			`browsertest: evaluate (() => { throw new Error("fixture: thrown") })(): exception`,
			"Error: fixture: thrown",
		}},
		{"a_step_after_them", "PASS", []string{"fixture: the step after them ran"}},
	} {
		name := test + "/" + c.step
		if got := results[name]; got != c.result {
			t.Errorf("%s: %q, want %s", name, got, c.result)
		}
		for _, w := range c.want {
			if !strings.Contains(outputs[name], w) {
				t.Errorf("%s's output lacks %q", name, w)
			}
		}
		if strings.Contains(outputs[name], "went on after") {
			t.Errorf("%s went on after its failure", name)
		}
	}
	if got := results[test]; got != "FAIL" {
		t.Errorf("%s: %q, want FAIL (its steps failed)", test, got)
	}
	if own := outputs[test]; !strings.Contains(own, "fixture: the test went on after its steps") || strings.Contains(own, "browsertest:") {
		t.Errorf("%s's own output, want it to go on after its steps and to have no failure of theirs:\n%s", test, own)
	}
	shot, err := os.ReadFile(filepath.Join(shots, "failure-"+test+"_a_wait_that_times_out.png"))
	if err != nil || !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Errorf("the failed step's screenshot: %v", err)
	}
}

// readVerbose reads go test -v output: each test's result, and each test's
// output (go test names the test before output that is another test's).
func readVerbose(out []byte) (results, outputs map[string]string) {
	results, outputs = map[string]string{}, map[string]string{}
	header := regexp.MustCompile(`^=== (?:RUN|NAME|CONT|PAUSE)\s+(\S+)$`)
	result := regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+) \(`)
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := header.FindStringSubmatch(line); m != nil {
			current = m[1]
		} else if m := result.FindStringSubmatch(line); m != nil {
			results[m[2]] = m[1]
		} else if current != "" {
			outputs[current] += line + "\n"
		}
	}
	return results, outputs
}
