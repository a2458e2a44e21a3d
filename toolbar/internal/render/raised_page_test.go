package render

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestRaised(t *testing.T) {
	rec := &panels.Record{ID: "r1", Request: panels.Request{Method: "GET", Path: "/posts"}}
	p := RaisedPage{Data: page, Record: rec, Status: 200, Size: 2048, Alerts: []RaisedAlert{
		{
			Alert: panels.Alert{Kind: panels.AlertNPlusOne, Severity: panels.Danger, Message: "N+1 <script>alert(1)</script>", Fix: "Load the authors with one query."},
			Sites: []panels.Frame{{File: "/app/store/posts.go", Line: 45, Function: "app/store.(*Posts).List"}, {File: "/app/handlers.go", Line: 12}},
		},
		{Alert: panels.Alert{Kind: panels.AlertDuplicate, Severity: panels.Warning, Message: "2 duplicate queries"}},
	}}
	doc := renderHTML(t, Raised(p))
	body := one(t, doc, "raised-page")
	checkAssets(t, doc)

	alerts := byTestID(body, "alert")
	if len(alerts) != 2 || attr(alerts[0], "data-kind") != "n_plus_one" || attr(alerts[1], "data-severity") != "warning" {
		t.Fatalf("%d alerts", len(alerts))
	}
	if got := squash(one(t, alerts[0], "alert-message")); got != "N+1 <script>alert(1)</script>" {
		t.Errorf("message %q, shown as text", got)
	}
	if len(byTag(body, "script")) != 0 {
		t.Error("the message became a script element")
	}
	var sites []string
	for _, s := range byTestID(alerts[0], "alert-site") {
		sites = append(sites, squash(s))
	}
	if len(sites) != 2 || sites[0] != "/app/store/posts.go:45 app/store.(*Posts).List" || sites[1] != "/app/handlers.go:12" {
		t.Errorf("sites %q", sites)
	}
	if got := squash(one(t, alerts[0], "alert-fix")); got != "Load the authors with one query." {
		t.Errorf("fix %q", got)
	}
	if len(byTestID(alerts[1], "alert-sites"))+len(byTestID(alerts[1], "alert-fix")) != 0 {
		t.Error("an alert without sites or fix shows them")
	}
	if got := attr(one(t, body, "record-link"), "href"); got != "/__debug__/requests/r1" {
		t.Errorf("record link %q", got)
	}
}
