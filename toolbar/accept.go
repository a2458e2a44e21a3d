package toolbar

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// acceptedFile is where a HistoryDir keeps the findings accepted from the
// toolbar, so that they stay accepted across restarts.
const acceptedFile = "accepted.json"

// maxAccepted bounds the findings accepted from the toolbar.
const maxAccepted = 1024

// acceptance is the set of findings the developer marked as known: those
// of Config.Accept, and those accepted from the toolbar since.
type acceptance struct {
	config map[string]bool // Config.Accept, fixed
	mu     sync.RWMutex
	keys   map[string]bool // accepted from the toolbar
	path   string          // the file keys are saved to, "" to keep them in memory
}

// newAcceptance returns the acceptance of keys (Config.Accept), with
// those saved in dir (HistoryDir, "" for none).
func newAcceptance(keys []string, dir string) (*acceptance, error) {
	a := &acceptance{config: map[string]bool{}, keys: map[string]bool{}}
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return nil, fmt.Errorf("toolbar: Accept: %w", err)
		}
		a.config[k] = true
	}
	if dir == "" {
		return a, nil
	}
	a.path = filepath.Join(dir, acceptedFile)
	b, err := os.ReadFile(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("toolbar: HistoryDir: %w", err)
	}
	var saved []string
	if err := json.Unmarshal(b, &saved); err != nil {
		return nil, fmt.Errorf("toolbar: HistoryDir: %s: %w", a.path, err)
	}
	for _, k := range saved {
		if checkKey(k) == nil {
			a.keys[k] = true
		}
	}
	return a, nil
}

// checkKey reports whether k is a finding's key as Alert.Key gives it: a
// kind of lower-case letters and underscores, then optionally a space and
// a site.
func checkKey(k string) error {
	kind, _, _ := strings.Cut(k, " ")
	if kind == "" || strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz_0123456789") != "" || len(k) > 512 {
		return fmt.Errorf("%q is not a finding's key (a kind such as %q, optionally followed by a space and its line, as the toolbar shows it)", k, panels.AlertNPlusOne)
	}
	return nil
}

// has reports whether the finding of key is accepted, by its key or by
// its kind alone.
func (a *acceptance) has(key string) bool {
	kind, _, _ := strings.Cut(key, " ")
	if a.config[key] || a.config[kind] {
		return true
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.keys[key] || a.keys[kind]
}

// set accepts the finding of key, or stops accepting it, and saves the
// set when there is a directory.
func (a *acceptance) set(key string, accepted bool) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if !accepted && a.config[key] {
		return fmt.Errorf("%q is accepted in Config.Accept; remove it there", key)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.keys[key] == accepted {
		return nil
	}
	if accepted && len(a.keys) >= maxAccepted {
		return fmt.Errorf("%d findings are accepted already, the most the toolbar keeps; list the kinds you accept in Config.Accept", maxAccepted)
	}
	if accepted {
		a.keys[key] = true
	} else {
		delete(a.keys, key)
	}
	if a.path == "" {
		return nil
	}
	keys := make([]string, 0, len(a.keys))
	for k := range a.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b, err := json.MarshalIndent(keys, "", "  ")
	if err != nil {
		return err
	}
	tmp := a.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, a.path)
}
