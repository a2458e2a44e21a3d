package toolbar

import (
	"crypto/rand"
	"net/http"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/csp"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// trustedTypesPolicy is the name of the Trusted Types policy the toolbar's
// script creates to show panels (assets/static/toolbar.js).
const trustedTypesPolicy = "debugtoolbar"

// cspPlan is how the page's Content-Security-Policy, from its header and
// its <meta> tags, is extended for the toolbar's snippet alone (see
// package csp): the nonces its elements carry and what changes.
func (tb *Toolbar) cspPlan(r *http.Request, p respwriter.Page) csp.Plan {
	return csp.Allow(p.Header["Content-Security-Policy"], p.MetaCSP, csp.Needs{
		Host:         r.Host,
		Secure:       r.TLS != nil,
		Script:       tb.assets.script,
		Styles:       tb.assets.styles,
		Connect:      tb.cfg.Prefix,
		TrustedTypes: trustedTypesPolicy,
		Nonce:        rand.Text,
	})
}

// inject is what the toolbar changes in an observed page: its snippet,
// and the page's policies where they would block it. The record notes
// the changes; they count once the page is served with them. The markup
// is rendered into buf.
func (tb *Toolbar) inject(rec *panels.Record, r *http.Request, p respwriter.Page, buf *snippetBuf) (respwriter.Injection, error) {
	plan := tb.cspPlan(r, p)
	markup, err := tb.snippet(rec, plan.ScriptNonce, plan.StyleNonce, buf)
	if err != nil {
		return respwriter.Injection{}, err
	}
	inj := respwriter.Injection{Markup: markup, MetaCSP: plan.Meta}
	if plan.Header != nil {
		inj.Header = http.Header{"Content-Security-Policy": plan.Header}
	}
	rec.Response.CSP = plan.Changes
	return inj, nil
}
