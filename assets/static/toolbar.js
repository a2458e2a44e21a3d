// debugtoolbar: the toolbar in the page. It lives in a Shadow DOM so the
// page's CSS cannot reach it and its CSS cannot leak out, shows the
// request's summary at once, and fetches a panel's HTML only when the panel
// is opened. It also lists the page's later requests (fetch, XHR, htmx) that
// the toolbar recorded, so their records can be opened too, and follows
// navigations that keep the document (htmx's hx-boost, Turbo Drive) to the
// new page's record.
(function () {
  "use strict";
  var root = document.getElementById("debugtoolbar");
  var dataEl = document.getElementById("debugtoolbar-data");
  if (!root || !dataEl || root.shadowRoot) return;
  // One toolbar per document: a snippet that arrives later (in a body a
  // script swapped in) hands its page to the running toolbar.
  var running = Symbol.for("debugtoolbar");
  if (window[running]) { window[running](root, dataEl); return; }
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

  // The host lives outside <body>, as a child of <html>, and in the top
  // layer (a manual popover) where the browser has one. htmx's hx-boost
  // swaps the body's content and Turbo replaces the body: outside it the
  // toolbar survives both. A transform, filter, perspective, contain or
  // will-change on <body> or <html> makes that element the containing block
  // of fixed elements, trapping the toolbar in it: an element of the top
  // layer is laid out against the viewport whatever its ancestors do, and
  // no z-index of the page covers it. The data and this script move along,
  // so snapshots of the body (Turbo's cache, htmx's history) never hold a
  // second toolbar.
  function place() {
    var html = document.documentElement;
    if (root.parentNode !== html) html.appendChild(root);
    if (root.showPopover && !root.matches(":popover-open")) {
      try {
        root.popover = "manual";
        root.showPopover();
      } catch (e) { /* outside <body>, fixed still holds against the viewport */ }
    }
  }
  place();
  root.appendChild(dataEl);
  if (document.currentScript) root.appendChild(document.currentScript);
  // Put it back when a script replaces <html>'s children or <html> itself.
  var keeper = new MutationObserver(function () {
    if (root.parentNode === document.documentElement) return;
    keeper.observe(document.documentElement, { childList: true });
    place();
  });
  keeper.observe(document, { childList: true });
  keeper.observe(document.documentElement, { childList: true });

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

  var pageRec = page.record;   // the page's own record
  var current = pageRec;       // the record shown
  var later = [];              // the page's later requests (fetch, XHR)
  var seen = {};
  seen[current.id] = true;

  function levelClass(level) { return level && level !== "info" ? "dtb-level-" + level : ""; }

  function renderHandle() {
    handle.className = "dtb-handle " + levelClass(pageRec.level);
    handle.textContent = "";
    handle.appendChild(el("span", "dtb-logo", "DT"));
    handle.appendChild(el("span", "dtb-sum", pageRec.summary));
    handle.dataset.queries = String(pageRec.query_count);
    handle.dataset.id = pageRec.id;
  }

  function renderHead() {
    head.textContent = "";
    var r = current;
    head.appendChild(el("div", "dtb-title", r.method + " " + r.path));
    head.appendChild(el("div", "dtb-meta", r.status + " \u00b7 " + r.summary));
    if (r.redirected_from && r.redirected_from.length) {
      // After POST /login → 303 → GET /home, the POST did the work.
      var via = el("div", "dtb-redirects");
      via.dataset.testid = "redirected-from";
      via.appendChild(el("span", null, "Redirected from"));
      r.redirected_from.forEach(function (f) {
        var b = el("button", null, f.method + " " + f.url + " " + f.status);
        b.type = "button";
        b.title = "Open the request that redirected here";
        b.dataset.testid = "redirect-link";
        b.dataset.id = f.id;
        b.addEventListener("click", function () { switchTo(f.id); });
        via.appendChild(b);
      });
      head.appendChild(via);
    }
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

  // hops are the requests that redirected to r, as entries of the list.
  function hops(r) {
    return (r.redirected_from || []).map(function (f) {
      return { id: f.id, method: f.method, url: f.url, status: f.status, hop: true };
    });
  }

  // The list: the page, then its later requests, each after the requests
  // that redirected to it.
  function renderRequests() {
    reqList.textContent = "";
    var entries = hops(pageRec).concat([pageRec]);
    later.forEach(function (r) { entries = entries.concat(hops(r), [r]); });
    entries.forEach(function (r) {
      var li = el("li");
      var isPage = r.id === pageRec.id;
      var b = el("button", null, (isPage ? "\u2302 " : r.hop ? "\u21aa " : "") + (r.method || "") + " " + (r.path || r.url || r.id) + (r.status ? " " + r.status : ""));
      b.type = "button";
      b.title = isPage ? "This page" : r.hop ? "Redirected to the request below" : "A later request of this page";
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

  // toolbarData fetches a record's summary. A record is kept a moment
  // after its response is complete, so a miss right then is retried.
  function toolbarData(id, tries) {
    tries = tries || 0;
    return fetch(prefix + "api/v1/requests/" + encodeURIComponent(id) + "/toolbar", { credentials: "same-origin" }).then(function (res) {
      if (res.status === 404 && tries < 4) {
        return new Promise(function (done) { setTimeout(done, 50 << tries); }).then(function () { return toolbarData(id, tries + 1); });
      }
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      return res.json();
    });
  }

  function switchTo(id) {
    toolbarData(id).then(function (r) {
      current = r;
      if (r.id === pageRec.id) pageRec = r;
      later.forEach(function (x, i) { if (x.id === r.id) later[i] = r; });
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
    later.push(r);
    if (later.length > 50) later.shift();
    if (r.redirected) {
      // fetch and XHR follow redirects unseen: the token is the last
      // request's. Its record says what it was and what redirected to it.
      toolbarData(r.id).then(function (d) {
        r.method = d.method;
        r.status = d.status;
        r.redirected_from = d.redirected_from;
        hops(d).forEach(function (f) { seen[f.id] = true; });
        if (state.open) renderRequests();
      }, function () { /* listed as the browser reported it */ });
    }
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
          var r = { id: res.headers.get("X-Debug-Token"), method: method.toUpperCase(), path: pathOf(url), status: res.status };
          if (res.redirected) {
            r.redirected = true;
            r.method = "";
            r.path = pathOf(res.url);
          }
          addRequest(r);
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
          var r = { id: id, method: m.method, path: m.path, status: xhr.status };
          if (xhr.responseURL && pathOf(xhr.responseURL) !== m.path) {
            r.redirected = true;
            r.method = "";
            r.path = pathOf(xhr.responseURL);
          }
          addRequest(r);
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

  // Navigations that keep this document (htmx's hx-boost, Turbo Drive)
  // put another page in it. Their responses are fetches, into which the
  // server injects nothing; their X-Debug-Token names the new page's
  // record, which the toolbar then shows, with a fresh list of later
  // requests. Plain fragments (hx-get into a div, Turbo frames) stay later
  // requests of the page. Back and forward bring a page's record back.
  var pages = {};      // path → the record of the page last shown at it
  pages[pathOf(location.href)] = pageRec;
  var pageTicket = 0;
  var pending = null;  // the path whose record is on its way

  function enterPage(r, path) {
    ++pageTicket;
    pending = null;
    pageRec = current = r;
    later = [];
    seen[r.id] = true;
    hops(r).forEach(function (f) { seen[f.id] = true; });
    pages[path || pathOf(location.href)] = r;
    render();
    if (state.open) openPanel(state.panel || r.panels[0].id);
  }
  function showPage(id, path) {
    if (!id || id === pageRec.id) return;
    var ticket = ++pageTicket;
    pending = path || pathOf(location.href);
    seen[id] = true; // not a later request of the page it leaves
    toolbarData(id).then(function (r) {
      if (ticket === pageTicket) enterPage(r, path);
    }, function () {
      if (ticket === pageTicket) pending = null; // the toolbar stays on the page it showed
    });
  }
  function restorePage() {
    var path = pathOf(location.href);
    var r = pages[path];
    if (pending !== path && r && r.id !== pageRec.id) enterPage(r);
  }
  function token(xhr) {
    try { return xhr && xhr.getResponseHeader("X-Debug-Token"); } catch (e) { return null; }
  }

  // htmx pushes the URL before it swaps.
  document.addEventListener("htmx:afterSwap", function (e) {
    var d = e.detail || {};
    if (d.boosted) showPage(token(d.xhr), pathOf(location.href));
  });
  document.addEventListener("htmx:historyCacheMissLoad", function (e) {
    var d = e.detail || {};
    showPage(token(d.xhr), d.path && pathOf(d.path));
  });
  document.addEventListener("htmx:historyRestore", function (e) {
    if (!(e.detail && e.detail.cacheMiss)) restorePage();
  });
  // Turbo: the response of a visit, or of a form (which followed its
  // redirect, or failed and is shown), then turbo:render once it is on the
  // page. A link's prefetch counts only when a visit uses it, a frame's
  // response is a fragment, a stream renders no page, and a restoration
  // from Turbo's cache fetches nothing.
  var turboToken = null;
  document.addEventListener("turbo:before-fetch-response", function (e) {
    var t = e.target;
    var res = e.detail && e.detail.fetchResponse && e.detail.fetchResponse.response;
    if (!res || (t !== document.documentElement && t.tagName !== "FORM") || t.closest("turbo-frame") ||
      /turbo-stream/.test(res.headers.get("Content-Type") || "")) return;
    turboToken = res.headers.get("X-Debug-Token");
  });
  document.addEventListener("turbo:visit", function (e) {
    if (e.detail && e.detail.action === "restore") turboToken = null;
  });
  function turboRendered() {
    var id = turboToken;
    turboToken = null;
    if (id) showPage(id, pathOf(location.href));
    else restorePage();
  }
  document.addEventListener("turbo:render", turboRendered);
  document.addEventListener("turbo:load", turboRendered);
  // Any other history navigation inside the document.
  window.addEventListener("popstate", function () { setTimeout(restorePage, 0); });
  window[running] = function (otherRoot, otherData) {
    try {
      var r = JSON.parse(otherData.textContent).record;
      if (otherRoot !== root) otherRoot.remove();
      if (otherData !== dataEl) otherData.remove();
      if (r && r.id !== pageRec.id) enterPage(r);
    } catch (e) { /* never break the page */ }
  };

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
  // Explain and Analyze under a read query of the SQL panel: POST to the
  // toolbar (same origin, with its token), and show the plan it answers
  // under the query. The server re-runs only the recorded statement.
  main.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-explain]");
    if (!b) return;
    var panel = b.closest("[data-record]");
    var slot = b.parentNode.querySelector(".dt-plan-slot");
    if (!panel || !slot) return;
    var url = prefix + "requests/" + encodeURIComponent(panel.dataset.record) + "/queries/" + encodeURIComponent(b.dataset.explain) + "/explain";
    b.disabled = true;
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-Debugtoolbar-Token": page.token || "", "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html" },
      body: b.dataset.analyze === "1" ? "analyze=1" : ""
    }).then(function (res) {
      return res.text().then(function (t) {
        if ((res.headers.get("Content-Type") || "").indexOf("text/html") !== 0) throw new Error(res.status + " " + res.statusText);
        setHTML(slot, t);
      });
    }).catch(function (err) {
      slot.textContent = "";
      slot.appendChild(el("p", "dt-box dt-box-danger", "Could not explain: " + err.message));
    }).then(function () { b.disabled = false; });
  });
  handle.addEventListener("click", function () { setOpen(true); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && state.open) setOpen(false);
  });
  render();
  if (state.open) setOpen(true);
})();
