package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestTheClinicsOwnPanelShowsEachPagesLesson(t *testing.T) {
	c := newClient(t)
	for _, tt := range []struct {
		path, summary, level, side, twin string
	}{
		{"/n-plus-one/bad", "1. N+1 queries, the slow way", "warning", "the slow way", "/n-plus-one/fix"},
		{"/n-plus-one/fix", "1. N+1 queries, the fixed way", "info", "the fixed way", "/n-plus-one/bad"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			id := c.token(t, tt.path)
			var data struct {
				Panels []struct{ ID, Summary, Level string } `json:"panels"`
			}
			if err := json.Unmarshal(c.get(t, "/__debug__/api/v1/requests/"+id+"/toolbar"), &data); err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, p := range data.Panels {
				if p.ID == "clinic" {
					found = true
					if p.Summary != tt.summary || p.Level != tt.level {
						t.Errorf("the clinic panel's entry reads %q (%s), want %q (%s)", p.Summary, p.Level, tt.summary, tt.level)
					}
				}
			}
			if !found || data.Panels[0].ID != "request" {
				t.Fatalf("panels %+v: want the built-in ones, then clinic", data.Panels)
			}
			doc, err := html.Parse(strings.NewReader(string(c.get(t, "/__debug__/requests/"+id+"/panels/clinic"))))
			if err != nil {
				t.Fatal(err)
			}
			if got := text(findAll(doc, "lesson-side")[0]); got != tt.side {
				t.Errorf("side %q, want %q", got, tt.side)
			}
			if got := attr(findAll(doc, "lesson-twin")[0], "href"); got != tt.twin {
				t.Errorf("twin link %q, want %q", got, tt.twin)
			}
		})
	}
	t.Run("a page of no pair says so", func(t *testing.T) {
		id := c.token(t, "/")
		if n := len(findAll(mustParse(t, c.get(t, "/__debug__/requests/"+id+"/panels/clinic")), "lesson-none")); n != 1 {
			t.Errorf("the home page's clinic panel has %d lesson-none elements, want 1", n)
		}
	})
}

// token GETs path and returns its X-Debug-Token.
func (c *client) token(t *testing.T, path string) string {
	t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	id := resp.Header.Get("X-Debug-Token")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("GET %s: %s, token %q", path, resp.Status, id)
	}
	return id
}

// get GETs path and returns its body, wanting a 200.
func (c *client) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v\n%s", path, resp.Status, err, b)
	}
	return b
}

func mustParse(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
