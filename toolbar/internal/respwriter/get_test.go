package respwriter

import (
	"net/http"
	"os"
	"regexp"
	"testing"
)

// TestGetKeysAreCanonical reads every get(…, "Key") and header assignment
// in the package's source: a key that is not canonical would never match
// what net/http stores.
func TestGetKeysAreCanonical(t *testing.T) {
	keys := regexp.MustCompile(`get\([^,]+, "([^"]+)"\)|\bh\["([^"]+)"\]`)
	n := 0
	for _, f := range []string{"decision.go", "response_writer.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keys.FindAllStringSubmatch(string(src), -1) {
			k := m[1] + m[2]
			n++
			if c := http.CanonicalHeaderKey(k); c != k {
				t.Errorf("%s: header key %q, canonical %q", f, k, c)
			}
		}
	}
	if n < 10 {
		t.Errorf("found %d header keys: the pattern no longer reads the source", n)
	}
}
