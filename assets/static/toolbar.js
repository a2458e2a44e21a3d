// debugtoolbar: the toolbar in the page. It lives in a Shadow DOM so the
// page's CSS cannot reach it and its CSS cannot leak out, shows the
// request's summary at once, and fetches a panel's HTML only when the panel
// is opened. It also lists the page's later requests (fetch, XHR, htmx) that
// the toolbar recorded, so their records can be opened too.
(function () {
  "use strict";
  var root = document.getElementById("debugtoolbar");
  var dataEl = document.getElementById("debugtoolbar-data");
  if (!root || !dataEl || root.shadowRoot) return;
  var page = JSON.parse(dataEl.textContent);
  var nonce = (document.currentScript && document.currentScript.nonce) || dataEl.nonce || "";
  // The page's CSP may give stylesheets a nonce of their own.
  var styleNonce = page.style_nonce || nonce;
  var prefix = page.prefix;
  var stateKey = "debugtoolbar:state";

  var state = { open: false, panel: "", side: "right" };
  try { Object.assign(state, JSON.parse(localStorage.getItem(stateKey) || "{}")); } catch (e) { /* private mode */ }
  function save() {
    try { localStorage.setItem(stateKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  var shadow = root.attachShadow({ mode: "open" });
  page.styles.forEach(function (href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    if (styleNonce) link.nonce = styleNonce;
    shadow.appendChild(link);
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  var wrap = el("div", "dtb-wrap");
  var handle = el("button", "dtb-handle");
  handle.type = "button";
  handle.setAttribute("aria-label", "Open debugtoolbar");
  handle.dataset.testid = "handle";
  var bar = el("section", "dtb-bar");
  bar.setAttribute("aria-label", "debugtoolbar");
  bar.dataset.testid = "bar";
  var side = el("div", "dtb-side");
  var head = el("div", "dtb-head");
  var nav = el("ul", "dtb-nav");
  var reqBox = el("div", "dtb-requests");
  var reqList = el("ol");
  reqBox.appendChild(el("h2", null, "Requests"));
  reqBox.appendChild(reqList);
  var main = el("div", "dtb-main");
  main.dataset.testid = "content";
  side.appendChild(head);
  side.appendChild(nav);
  side.appendChild(reqBox);
  bar.appendChild(side);
  bar.appendChild(main);
  wrap.appendChild(handle);
  wrap.appendChild(bar);
  shadow.appendChild(wrap);

  var current = page.record;   // the record shown
  var requests = [current];    // this page, then its later requests
  var seen = {};
  seen[current.id] = true;

  function levelClass(level) { return level && level !== "info" ? "dtb-level-" + level : ""; }

  function renderHandle() {
    handle.className = "dtb-handle " + levelClass(page.record.level);
    handle.textContent = "";
    handle.appendChild(el("span", "dtb-logo", "DT"));
    handle.appendChild(el("span", "dtb-sum", page.record.summary));
    handle.dataset.queries = String(page.record.query_count);
  }

  function renderHead() {
    head.textContent = "";
    var r = current;
    head.appendChild(el("div", "dtb-title", r.method + " " + r.path));
    head.appendChild(el("div", "dtb-meta", r.status + " \u00b7 " + r.summary));
    if (r.alert_count > 0) {
      var alerts = el("button", "dtb-alert-count " + levelClass(r.level), r.alert_count + (r.alert_count === 1 ? " alert" : " alerts"));
      alerts.type = "button";
      alerts.title = "Show them in the SQL panel";
      alerts.dataset.testid = "alert-count";
      alerts.addEventListener("click", function () { openPanel("sql"); });
      head.appendChild(alerts);
    }
    var tools = el("div", "dtb-tools");
    var full = el("a", null, "Page");
    full.href = prefix + "requests/" + r.id;
    full.target = "_blank";
    full.title = "Open this request's full page";
    var hist = el("a", null, "History");
    hist.href = prefix;
    hist.target = "_blank";
    var flip = el("button", null, state.side === "left" ? "\u2192" : "\u2190");
    flip.type = "button";
    flip.title = "Move to the other side";
    flip.addEventListener("click", function () {
      state.side = state.side === "left" ? "right" : "left";
      save();
      render();
    });
    var close = el("button", null, "\u00d7");
    close.type = "button";
    close.title = "Close (Esc)";
    close.dataset.testid = "close";
    close.addEventListener("click", function () { setOpen(false); });
    [full, hist, flip, close].forEach(function (t) { tools.appendChild(t); });
    head.appendChild(tools);
  }

  function renderNav() {
    nav.textContent = "";
    current.panels.forEach(function (p) {
      var li = el("li", levelClass(p.level));
      var b = el("button");
      b.type = "button";
      b.dataset.panel = p.id;
      b.dataset.testid = "nav-" + p.id;
      b.setAttribute("aria-current", String(state.panel === p.id));
      b.appendChild(el("span", "dtb-name", p.title));
      if (p.summary) b.appendChild(el("span", "dtb-sum", p.summary));
      b.addEventListener("click", function () { openPanel(p.id); });
      li.appendChild(b);
      nav.appendChild(li);
    });
  }

  function renderRequests() {
    reqList.textContent = "";
    requests.forEach(function (r, i) {
      var li = el("li");
      var b = el("button", null, (i === 0 ? "\u2302 " : "") + (r.method || "") + " " + (r.path || r.url || r.id) + (r.status ? " " + r.status : ""));
      b.type = "button";
      b.title = i === 0 ? "This page" : "A later request of this page";
      b.dataset.testid = "request";
      b.dataset.id = r.id;
      b.setAttribute("aria-current", String(r.id === current.id));
      b.addEventListener("click", function () { switchTo(r.id); });
      li.appendChild(b);
      reqList.appendChild(li);
    });
  }

  function render() {
    wrap.className = "dtb-wrap " + (state.side === "left" ? "dtb-left" : "");
    renderHandle();
    handle.hidden = state.open;
    bar.hidden = !state.open;
    if (state.open) {
      renderHead();
      renderNav();
      renderRequests();
    }
  }

  // A page that requires Trusted Types lets innerHTML take only what a
  // policy made. The toolbar has its own, for its own templ-rendered,
  // escaped panels; the middleware adds its name to the page's
  // trusted-types directive.
  var htmlPolicy;
  function setHTML(into, html) {
    if (htmlPolicy === undefined) {
      htmlPolicy = null;
      if (window.trustedTypes && window.trustedTypes.createPolicy) {
        htmlPolicy = window.trustedTypes.createPolicy("debugtoolbar", { createHTML: function (s) { return s; } });
      }
    }
    into.innerHTML = htmlPolicy ? htmlPolicy.createHTML(html) : html;
  }

  // What the page's Content-Security-Policy refused the toolbar, so that
  // its errors say so instead of guessing.
  var refused = [], refusedNote;
  function ours(v) {
    var mine = location.origin + prefix;
    return (v.blockedURI || "").indexOf(mine) === 0 ||
      /trusted-types/.test(v.effectiveDirective) && (v.sourceFile || "").indexOf(mine) === 0;
  }
  document.addEventListener("securitypolicyviolation", function (v) {
    if (!ours(v)) return;
    refused.push(v);
    var what = /trusted-types/.test(v.effectiveDirective) ?
      "The page's Trusted Types (" + v.effectiveDirective + ") refused the toolbar's " + (v.effectiveDirective === "trusted-types" ? "policy " + v.sample : "HTML") :
      "The page's Content-Security-Policy (" + v.effectiveDirective + ") refused " + v.blockedURI;
    if (!refusedNote) {
      refusedNote = el("div", "dtb-refused");
      refusedNote.dataset.testid = "csp-refused";
      refusedNote.setAttribute("role", "alert");
      wrap.appendChild(refusedNote);
    }
    refusedNote.appendChild(el("p", null, what + "."));
  });
  // why explains a failed load of url: a refusal of the page's policy, a
  // record gone from the history, or the error itself.
  function why(err, url) {
    var abs = new URL(url, location.href).href;
    for (var i = refused.length - 1; i >= 0; i--) {
      var v = refused[i];
      if (v.blockedURI === abs || /trusted-types/.test(v.effectiveDirective)) {
        return (/trusted-types/.test(v.effectiveDirective) ? "Trusted Types" : "the page's Content-Security-Policy") +
          " refused it (" + v.effectiveDirective + ": " + v.originalPolicy + ").";
      }
    }
    if (err.status === 404) return err.message + ". The request has left the history.";
    return err.message + ".";
  }

  var loading = 0;
  function load(url, into) {
    var ticket = ++loading;
    into.textContent = "";
    into.appendChild(el("p", "dtb-empty", "Loading\u2026"));
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      if (!res.ok) {
        var e = new Error(res.status + " " + res.statusText);
        e.status = res.status;
        throw e;
      }
      return res.text();
    }).then(function (html) {
      if (ticket === loading) setHTML(into, html);
    }).catch(function (err) {
      // A refusal's event may come after the failed fetch.
      setTimeout(function () {
        if (ticket !== loading) return;
        into.textContent = "";
        into.appendChild(el("p", "dtb-empty", "Could not load: " + why(err, url)));
      }, 50);
    });
  }

  function openPanel(id) {
    state.panel = id;
    save();
    renderNav();
    load(prefix + "requests/" + current.id + "/panels/" + encodeURIComponent(id), main);
  }

  function setOpen(open) {
    state.open = open;
    save();
    render();
    if (open) {
      var p = state.panel && current.panels.some(function (x) { return x.id === state.panel; }) ? state.panel : current.panels[0].id;
      openPanel(p);
    }
  }

  function switchTo(id) {
    fetch(prefix + "api/requests/" + id + "/toolbar", { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      return res.json();
    }).then(function (r) {
      current = r;
      requests.forEach(function (x, i) { if (x.id === r.id) requests[i] = r; });
      render();
      openPanel(state.panel || r.panels[0].id);
    }).catch(function (err) {
      main.textContent = "";
      main.appendChild(el("p", "dtb-empty", "Could not load that request: " + err.message));
    });
  }

  // Later requests of the page: fetch and XHR responses carry X-Debug-Token;
  // they also name their record in Server-Timing, which the resource
  // timings keep, so requests made before this script ran are found too.
  function addRequest(r) {
    if (!r.id || seen[r.id]) return;
    seen[r.id] = true;
    requests.push(r);
    if (requests.length > 50) requests.splice(1, 1);
    if (state.open) renderRequests();
  }
  function pathOf(url) {
    try { var u = new URL(url, location.href); return u.pathname + u.search; } catch (e) { return String(url); }
  }

  if (window.fetch) {
    var origFetch = window.fetch;
    window.fetch = function (input, init) {
      var method = (init && init.method) || (input && input.method) || "GET";
      var url = typeof input === "string" ? input : (input && input.url) || String(input);
      return origFetch.apply(this, arguments).then(function (res) {
        try {
          addRequest({ id: res.headers.get("X-Debug-Token"), method: method.toUpperCase(), path: pathOf(url), status: res.status });
        } catch (e) { /* never break the page */ }
        return res;
      });
    };
  }
  if (window.XMLHttpRequest) {
    var open = XMLHttpRequest.prototype.open;
    var send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
      this.__debugtoolbar = { method: String(method).toUpperCase(), path: pathOf(url) };
      return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
      var xhr = this;
      xhr.addEventListener("loadend", function () {
        try {
          var id = xhr.getResponseHeader("X-Debug-Token");
          var m = xhr.__debugtoolbar || {};
          addRequest({ id: id, method: m.method, path: m.path, status: xhr.status });
        } catch (e) { /* never break the page */ }
      });
      return send.apply(this, arguments);
    };
  }
  if (window.PerformanceObserver) {
    try {
      new PerformanceObserver(function (list) {
        list.getEntries().forEach(function (entry) {
          if (entry.initiatorType !== "fetch" && entry.initiatorType !== "xmlhttprequest") return;
          (entry.serverTiming || []).forEach(function (t) {
            if (t.name === "debugtoolbar" && t.description !== current.id) {
              addRequest({ id: t.description, path: pathOf(entry.name) });
            }
          });
        });
      }).observe({ type: "resource", buffered: true });
    } catch (e) { /* an old browser: fetch and XHR still work */ }
  }

  // In-panel links (#debugtoolbar-query-3) target elements of the shadow
  // tree, which the browser's own fragment navigation cannot see.
  main.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (!a) return;
    var target = shadow.getElementById(a.getAttribute("href").slice(1));
    if (!target) return;
    e.preventDefault();
    target.scrollIntoView({ block: "center" });
  });
  handle.addEventListener("click", function () { setOpen(true); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && state.open) setOpen(false);
  });
  render();
  if (state.open) setOpen(true);
})();
