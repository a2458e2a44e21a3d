package toolbar

import (
	"fmt"
	"strings"
	"testing"
)

func TestAcceptedFindingsByKeyOrKindAndKeptInTheHistoryDir(t *testing.T) {
	dir := t.TempDir()
	a, err := newAcceptance([]string{"wide_rows", "n_plus_one web/pets.go:45"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{
		"wide_rows store/pets.go:80":  true, // by kind
		"n_plus_one web/pets.go:45":   true,
		"n_plus_one web/pets.go:46":   false,
		"duplicate_query auth.go:127": false,
	} {
		if a.has(key) != want {
			t.Errorf("has(%q) = %v, want %v", key, !want, want)
		}
	}
	if err := a.set("duplicate_query auth/auth.go:127", true); err != nil {
		t.Fatal(err)
	}
	if err := a.set("n_plus_one web/pets.go:45", false); err == nil {
		t.Error("un-accepting a finding of Config.Accept: no error")
	}
	if err := a.set("<script>", true); err == nil {
		t.Error("a key that is not a finding's: no error")
	}
	again, err := newAcceptance(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.has("duplicate_query auth/auth.go:127") || again.has("wide_rows x.go:1") {
		t.Error("after a restart: want the finding accepted from the toolbar, and not Config.Accept's (the config says those)")
	}
	if err := again.set("duplicate_query auth/auth.go:127", false); err != nil {
		t.Fatal(err)
	}
	if third, _ := newAcceptance(nil, dir); third.has("duplicate_query auth/auth.go:127") {
		t.Error("un-accepted, then restarted: still accepted")
	}
}

func TestABadAcceptKeyIsAnErrorNamingIt(t *testing.T) {
	_, err := New(Config{Accept: []string{"N+1 at pets.go"}})
	if err == nil || !strings.Contains(err.Error(), `"N+1 at pets.go"`) {
		t.Errorf("err = %v, want one naming the key", err)
	}
}

func TestTheFindingsAcceptedFromTheToolbarAreBounded(t *testing.T) {
	a, err := newAcceptance(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxAccepted {
		if err := a.set(fmt.Sprintf("n_plus_one web/pets.go:%d", i), true); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.set("n_plus_one web/pets.go:99999", true); err == nil {
		t.Errorf("finding %d accepted: want an error past the bound", maxAccepted+1)
	}
	if err := a.set("n_plus_one web/pets.go:1", false); err != nil {
		t.Errorf("un-accepting at the bound: %v", err)
	}
}
