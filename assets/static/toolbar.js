// debugtoolbar: the toolbar in the page. It lives in a Shadow DOM so the
// page's CSS cannot reach it and its CSS cannot leak out, shows the
// request's summary at once, and fetches a panel's HTML only when the panel
// is opened. It also lists the page's later requests (fetch, XHR, htmx) that
// the toolbar recorded, so their records can be opened too, and follows
// navigations that keep the document (htmx's hx-boost, Turbo Drive) to the
// new page's record.
(function () {
  "use strict";
  // The snippet is this script and its data, at the end of the head; the
  // toolbar's element is made here.
  var dataEl = document.getElementById("debugtoolbar-data");
  if (!dataEl) return;
  // One toolbar per document: a snippet that arrives later (in a body a
  // script swapped in) hands its page to the running toolbar.
  var running = Symbol.for("debugtoolbar");
  if (window[running]) { window[running](dataEl); return; }
  var root = document.createElement("div");
  root.id = "debugtoolbar";
  var page = JSON.parse(dataEl.textContent);
  var nonce = (document.currentScript && document.currentScript.nonce) || dataEl.nonce || "";
  // The page's CSP may give stylesheets a nonce of their own.
  var styleNonce = page.style_nonce || nonce;
  var prefix = page.prefix;
  var stateKey = "debugtoolbar:state";

  // dock is where the open bar sits (right, left, bottom), width and
  // height its size there in px (0: the default), corner where the
  // handle sits. Hiding the handle lasts for the browser session.
  var state = { open: false, panel: "", dock: "right", width: 0, height: 0, corner: "br" };
  try { Object.assign(state, JSON.parse(localStorage.getItem(stateKey) || "{}")); } catch (e) { /* private mode */ }
  if (state.side === "left") state.dock = "left"; // what an earlier version kept
  delete state.side;
  if (["right", "left", "bottom"].indexOf(state.dock) < 0) state.dock = "right";
  if (["br", "bl", "tr", "tl"].indexOf(state.corner) < 0) state.corner = "br";
  function save() {
    try { localStorage.setItem(stateKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  var hiddenKey = "debugtoolbar:hidden";
  function handleHidden() {
    try { return sessionStorage.getItem(hiddenKey) === "1"; } catch (e) { return false; }
  }
  function setHandleHidden(on) {
    try { if (on) sessionStorage.setItem(hiddenKey, "1"); else sessionStorage.removeItem(hiddenKey); } catch (e) { /* private mode */ }
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
  handle.setAttribute("aria-expanded", "false");
  handle.dataset.testid = "handle";
  var bar = el("section", "dtb-bar");
  bar.id = "dtb-bar";
  bar.setAttribute("aria-label", "debugtoolbar");
  bar.dataset.testid = "bar";
  handle.setAttribute("aria-controls", bar.id);
  // The resizer is the bar's inner edge: drag it, or focus it and use the
  // arrow keys.
  var resizer = el("div", "dtb-resizer");
  resizer.setAttribute("role", "separator");
  resizer.tabIndex = 0;
  resizer.dataset.testid = "resizer";
  var side = el("div", "dtb-side");
  var head = el("div", "dtb-head");
  var nav = el("div", "dtb-nav");
  nav.setAttribute("role", "tablist");
  nav.setAttribute("aria-orientation", "vertical");
  nav.setAttribute("aria-label", "Panels");
  var reqBox = el("div", "dtb-requests");
  var reqList = el("ol");
  var reqHead = el("div", "dtb-requests-head");
  reqHead.appendChild(el("h2", null, "Requests"));
  var followBox = el("label", "dtb-follow");
  var follow = el("input");
  follow.type = "checkbox";
  follow.dataset.testid = "follow";
  follow.checked = !!state.follow;
  follow.addEventListener("change", function () { state.follow = follow.checked; save(); });
  followBox.appendChild(follow);
  followBox.appendChild(document.createTextNode(" follow the latest"));
  followBox.title = "Show each new request of the page as it arrives";
  reqHead.appendChild(followBox);
  reqBox.appendChild(reqHead);
  reqBox.appendChild(reqList);
  var main = el("div", "dtb-main");
  main.id = "dtb-panel";
  main.setAttribute("role", "tabpanel");
  main.tabIndex = 0; // a scrolling panel the keyboard can reach
  side.appendChild(head);
  side.appendChild(nav);
  side.appendChild(reqBox);
  bar.appendChild(resizer);
  bar.appendChild(side);
  bar.appendChild(main);
  wrap.appendChild(handle);
  wrap.appendChild(bar);
  shadow.appendChild(wrap);
  // What a button did, said to screen readers ("Copied"), which do not
  // read a button's text changing by itself.
  var live = el("div", "dtb-sr");
  live.setAttribute("role", "status");
  live.dataset.testid = "live";
  wrap.appendChild(live);
  function say(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 50); }

  var pageRec = page.record;   // the page's own record
  var current = pageRec;       // the record shown
  var later = [];              // the page's later requests (fetch, XHR)
  var seen = {};
  seen[current.id] = true;

  function levelClass(level) { return level && level !== "info" ? "dtb-level-" + level : ""; }
  function fmtMS(ms) { return (ms < 10 ? ms.toFixed(1) : Math.round(ms)) + " ms"; }
  var rank = { info: 0, warning: 1, danger: 2 };
  // worst is the worst level of the page and its later requests, and how
  // many of their alerts are warnings or worse: what the handle shows.
  function worst() {
    var level = pageRec.level || "info", n = 0;
    [pageRec].concat(later).forEach(function (r) {
      if (r.level && rank[r.level] > rank[level]) level = r.level;
      n += r.warning_count || 0;
    });
    return { level: level, alerts: n };
  }

  // alertsText says a record's alerts in words, so that its level is not
  // told by colour alone: "1 danger alert".
  function alertsText(r) {
    if (!r.alert_count) return "no alerts";
    var level = r.level && r.level !== "info" ? r.level + " " : "";
    return r.alert_count + " " + level + (r.alert_count === 1 ? "alert" : "alerts");
  }

  function renderHandle() {
    var w = worst();
    handle.className = "dtb-handle dtb-corner-" + state.corner + " " + levelClass(w.level);
    handle.textContent = "";
    // Its name is its text: the marks are hidden from screen readers,
    // which hear the same in words.
    var logo = el("span", "dtb-logo", "DT");
    logo.setAttribute("aria-hidden", "true");
    handle.appendChild(el("span", "dtb-sr", "debugtoolbar: "));
    handle.appendChild(logo);
    handle.appendChild(el("span", "dtb-sum", pageRec.summary));
    handle.appendChild(el("span", "dtb-sr", ", " + alertsText(pageRec) + (pageRec.top_alert ? ": " + pageRec.top_alert : "") +
      (w.level !== (pageRec.level || "info") ? "; a later request has a " + w.level + " alert" : "")));
    if (w.alerts > 0) {
      var n = el("span", "dtb-handle-alerts", "\u26a0 " + w.alerts);
      n.setAttribute("aria-hidden", "true");
      n.dataset.testid = "handle-alerts";
      handle.appendChild(n);
    }
    handle.dataset.queries = String(pageRec.query_count);
    handle.dataset.id = pageRec.id;
    handle.title = pageRec.top_alert || "";
  }

  function renderHead() {
    head.textContent = "";
    var r = current;
    head.appendChild(el("div", "dtb-title", r.method + " " + r.path));
    head.appendChild(el("div", "dtb-meta", r.status + " \u00b7 " + r.summary));
    if (r.redirected_from && r.redirected_from.length) {
      // After POST /login \u2192 303 \u2192 GET /home, the POST did the work.
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
      if (r.top_alert) {
        var top = el("div", "dtb-top-alert " + levelClass(r.level), r.top_alert);
        top.dataset.testid = "top-alert";
        head.appendChild(top);
      }
    }
    var tools = el("div", "dtb-tools");
    var full = el("a", null, "Page");
    full.href = prefix + "requests/" + r.id;
    full.target = "_blank";
    full.title = "Open this request's full page";
    var hist = el("a", null, "History");
    hist.href = prefix;
    hist.target = "_blank";
    var docks = el("span", "dtb-docks");
    docks.setAttribute("role", "group");
    docks.setAttribute("aria-label", "Dock");
    [["left", "\u25e7", "Dock on the left"], ["bottom", "\u2b13", "Dock at the bottom"], ["right", "\u25e8", "Dock on the right"]].forEach(function (d) {
      var b = el("button", null, d[1]);
      b.type = "button";
      b.title = d[2];
      b.setAttribute("aria-label", d[2]);
      b.setAttribute("aria-pressed", String(state.dock === d[0]));
      b.dataset.testid = "dock-" + d[0];
      b.addEventListener("click", function () {
        state.dock = d[0];
        save();
        render();
        var again = head.querySelector("[data-testid=dock-" + d[0] + "]");
        if (again) again.focus();
      });
      docks.appendChild(b);
    });
    var hide = el("button", null, "Hide");
    hide.type = "button";
    hide.title = "Hide the toolbar for this browser session (Alt+Shift+D brings it back)";
    hide.dataset.testid = "hide";
    hide.addEventListener("click", function () {
      setHandleHidden(true);
      setOpen(false);
    });
    var close = el("button", null, "\u00d7");
    close.type = "button";
    close.title = "Close (Esc)";
    close.setAttribute("aria-label", "Close the toolbar");
    close.dataset.testid = "close";
    close.addEventListener("click", function () { setOpen(false); });
    [full, hist, docks, hide, close].forEach(function (t) { tools.appendChild(t); });
    head.appendChild(tools);
  }

  // The nav is a tab list: one tab in the tab order (the open panel's),
  // the arrow keys, Home and End move between tabs and open them.
  function renderNav() {
    var hadFocus = nav.contains(shadow.activeElement);
    nav.textContent = "";
    current.panels.forEach(function (p) {
      var b = el("button", levelClass(p.level));
      b.type = "button";
      b.id = "dtb-tab-" + p.id;
      b.dataset.panel = p.id;
      b.dataset.testid = "nav-" + p.id;
      b.setAttribute("role", "tab");
      b.setAttribute("aria-controls", main.id);
      b.setAttribute("aria-selected", String(state.panel === p.id));
      b.setAttribute("aria-current", String(state.panel === p.id));
      b.tabIndex = state.panel === p.id ? 0 : -1;
      b.appendChild(el("span", "dtb-name", p.title));
      if (p.summary) b.appendChild(el("span", "dtb-sum", p.summary));
      if (p.level === "warning" || p.level === "danger") b.appendChild(el("span", "dtb-sr", " (" + p.level + ")"));
      b.addEventListener("click", function () { openPanel(p.id); });
      nav.appendChild(b);
    });
    main.setAttribute("aria-labelledby", "dtb-tab-" + state.panel);
    if (hadFocus) focusTab();
  }
  function focusTab() {
    var t = nav.querySelector("[aria-selected=true]") || nav.querySelector("[role=tab]");
    if (t) t.focus();
  }
  nav.addEventListener("keydown", function (e) {
    var tabs = [].slice.call(nav.querySelectorAll("[role=tab]"));
    var i = tabs.indexOf(shadow.activeElement);
    if (i < 0) return;
    var to = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    to = (to + tabs.length) % tabs.length;
    tabs[to].focus();
    openPanel(tabs[to].dataset.panel);
  });

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
      var b = el("button", levelClass(r.level));
      // The status and the figures stay visible however long the path:
      // the path is the part that is cut.
      b.appendChild(el("span", "dtb-req-path", (isPage ? "\u2302 " : r.hop ? "\u21aa " : "") + (r.method || "") + " " + (r.path || r.url || r.id)));
      var facts = [];
      if (r.status) facts.push(String(r.status));
      if (r.duration_ms != null) facts.push(fmtMS(r.duration_ms));
      if (r.query_count != null) facts.push(r.query_count + " q");
      if (r.warning_count > 0) facts.push("\u26a0 " + r.warning_count);
      var f = el("span", "dtb-req-facts", " " + facts.join(" \u00b7 "));
      f.dataset.testid = "request-facts";
      b.appendChild(f);
      b.type = "button";
      b.title = (isPage ? "This page" : r.hop ? "Redirected to the request below" : "A later request of this page") +
        (r.query_count != null ? ": " + (r.summary || "") + ", " + alertsText(r) : "") + (r.top_alert ? ". " + r.top_alert : "");
      b.dataset.testid = "request";
      b.dataset.id = r.id;
      b.setAttribute("aria-current", String(r.id === current.id));
      b.addEventListener("click", function () { switchTo(r.id); });
      li.appendChild(b);
      reqList.appendChild(li);
    });
  }

  // size applies the bar's remembered size, kept within the window.
  function size() {
    var vertical = state.dock === "bottom";
    var max = vertical ? window.innerHeight - 40 : window.innerWidth - 40;
    var v = vertical ? state.height : state.width;
    wrap.style.removeProperty("--dtb-w");
    wrap.style.removeProperty("--dtb-h");
    if (v > 0) wrap.style.setProperty(vertical ? "--dtb-h" : "--dtb-w", Math.max(200, Math.min(v, max)) + "px");
    resizer.setAttribute("aria-orientation", vertical ? "horizontal" : "vertical");
    resizer.setAttribute("aria-valuemin", "200");
    resizer.setAttribute("aria-valuemax", String(Math.max(200, max)));
    resizer.setAttribute("aria-valuenow", String(Math.round(v > 0 ? Math.max(200, Math.min(v, max)) : (vertical ? bar.offsetHeight : bar.offsetWidth) || 200)));
    resizer.setAttribute("aria-label", vertical ? "Resize the toolbar's height" : "Resize the toolbar's width");
    resizer.title = "Drag to resize (or focus and use the arrow keys)";
  }

  function render() {
    wrap.className = "dtb-wrap dtb-dock-" + state.dock;
    size();
    renderHandle();
    handle.hidden = state.open || handleHidden();
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
      if (ticket !== loading) return false;
      setHTML(into, html);
      return true;
    }).catch(function (err) {
      // A refusal's event may come after the failed fetch.
      setTimeout(function () {
        if (ticket !== loading) return;
        into.textContent = "";
        into.appendChild(el("p", "dtb-empty", "Could not load: " + why(err, url)));
      }, 50);
      return false;
    });
  }

  // Panes keep each panel once loaded, by record and panel, with its
  // scroll position, its open details and its plans: switching back
  // fetches nothing. The newest few are kept.
  var panes = {}, paneOrder = [], shown = "";
  var maxPanes = 12;
  function pane() { return panes[shown] ? panes[shown].el : null; }
  function clearPanes() {
    main.textContent = "";
    panes = {};
    paneOrder = [];
    shown = "";
  }
  function openPanel(id) {
    state.panel = id;
    save();
    renderNav();
    var key = current.id + "/" + id;
    if (panes[shown]) {
      panes[shown].scroll = main.scrollTop;
      panes[shown].el.hidden = true;
      delete panes[shown].el.dataset.testid;
    }
    shown = key;
    var p = panes[key];
    if (!p) {
      p = panes[key] = { el: el("div", "dtb-pane"), scroll: 0, ok: false };
      paneOrder.push(key);
      main.appendChild(p.el);
      while (paneOrder.length > maxPanes) {
        var old = paneOrder.shift();
        panes[old].el.remove();
        delete panes[old];
      }
    }
    p.el.hidden = false;
    p.el.dataset.testid = "content";
    if (p.ok) {
      main.scrollTop = p.scroll;
      return Promise.resolve(true);
    }
    main.scrollTop = 0;
    var body = p.el.querySelector(".dtb-pane-body");
    if (!body) {
      var title = el("h2", "dtb-pane-title", ((current.panels.filter(function (x) { return x.id === id; })[0] || {}).title || id));
      body = el("div", "dtb-pane-body");
      p.el.appendChild(title);
      p.el.appendChild(body);
    }
    return load(prefix + "requests/" + current.id + "/panels/" + encodeURIComponent(id), body).then(function (ok) {
      p.ok = ok;
      return ok;
    });
  }

  // firstPanel is the panel to open: the first with a warning or danger
  // (what the handle's colour is about), else the one last open, else the
  // first.
  function firstPanel() {
    var worst = current.panels.filter(function (x) { return x.level === "warning" || x.level === "danger"; });
    var danger = worst.filter(function (x) { return x.level === "danger"; });
    if (danger.length) return danger[0].id;
    if (worst.length) return worst[0].id;
    if (state.panel && current.panels.some(function (x) { return x.id === state.panel; })) return state.panel;
    return current.panels[0].id;
  }

  // Opening moves the focus to the open panel's tab; closing, back to
  // the handle.
  function setOpen(open) {
    var was = state.open;
    state.open = open;
    save();
    render();
    handle.setAttribute("aria-expanded", String(open));
    if (open) {
      openPanel(firstPanel());
      focusTab();
    } else if (was && !handle.hidden) {
      handle.focus();
    }
  }

  // Resizing by dragging the inner edge, or with the arrow keys.
  function resizeTo(px) {
    if (state.dock === "bottom") state.height = Math.round(px); else state.width = Math.round(px);
    size();
  }
  resizer.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    resizer.setPointerCapture(e.pointerId);
    function move(ev) {
      if (state.dock === "bottom") resizeTo(window.innerHeight - ev.clientY);
      else if (state.dock === "left") resizeTo(ev.clientX);
      else resizeTo(window.innerWidth - ev.clientX);
    }
    function up() {
      resizer.removeEventListener("pointermove", move);
      resizer.removeEventListener("pointerup", up);
      resizer.removeEventListener("pointercancel", up);
      save();
    }
    resizer.addEventListener("pointermove", move);
    resizer.addEventListener("pointerup", up);
    resizer.addEventListener("pointercancel", up);
  });
  resizer.addEventListener("keydown", function (e) {
    var grow = { right: { ArrowLeft: 1, ArrowRight: -1 }, left: { ArrowRight: 1, ArrowLeft: -1 }, bottom: { ArrowUp: 1, ArrowDown: -1 } }[state.dock][e.key];
    if (!grow) return;
    e.preventDefault();
    var now = state.dock === "bottom" ? bar.offsetHeight : bar.offsetWidth;
    resizeTo(now + grow * 40);
    save();
  });

  // The handle can be dragged to another corner of the window; a click
  // that did not move opens the toolbar.
  var dragged = false;
  handle.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) return;
    var x0 = e.clientX, y0 = e.clientY;
    dragged = false;
    function move(ev) {
      if (Math.abs(ev.clientX - x0) + Math.abs(ev.clientY - y0) > 8) dragged = true;
    }
    function up(ev) {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      if (!dragged) return;
      state.corner = (ev.clientY < window.innerHeight / 2 ? "t" : "b") + (ev.clientX < window.innerWidth / 2 ? "l" : "r");
      save();
      renderHandle();
    }
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  });

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
      clearPanes();
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
    // Its record gives its duration, queries and alerts, and, as fetch
    // and XHR follow redirects unseen (the token is the last request's),
    // what it was and what redirected to it. The record is kept a moment
    // after its response has arrived: asking at once would mostly meet a
    // 404 (retried, but noise in the console).
    new Promise(function (done) { setTimeout(done, 150); }).then(function () { return toolbarData(r.id); }).then(function (d) {
      ["method", "status", "redirected_from", "duration_ms", "query_count", "alert_count", "warning_count", "level", "summary", "top_alert", "panels"].forEach(function (k) {
        if (d[k] != null) r[k] = d[k];
      });
      if (!r.path) r.path = d.path;
      hops(d).forEach(function (f) { seen[f.id] = true; });
      renderHandle();
      if (state.open) renderRequests();
      if (state.follow && state.open && later.indexOf(r) >= 0) switchTo(r.id);
    }, function () { /* listed as the browser reported it */ });
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
  var pages = {};      // path \u2192 the record of the page last shown at it
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
  window[running] = function (otherData) {
    try {
      var r = JSON.parse(otherData.textContent).record;
      var old = document.getElementById("debugtoolbar");
      if (old && old !== root) old.remove(); // an earlier version's element
      if (otherData !== dataEl) otherData.remove();
      if (r && r.id !== pageRec.id) enterPage(r);
    } catch (e) { /* never break the page */ }
  };

  // In-panel links (#debugtoolbar-query-3) target elements of the shadow
  // tree, which the browser's own fragment navigation cannot see.
  // They never reach the host page's URL (a hash-routed app would
  // navigate away); a query of another panel opens the SQL panel first.
  function reveal(target) {
    // A query of a group is inside its closed <details>.
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView({ block: "center" });
    target.classList.add("dt-targeted");
    setTimeout(function () { target.classList.remove("dt-targeted"); }, 2000);
  }
  main.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (!a) return;
    var id = a.getAttribute("href").slice(1);
    if (id.indexOf("debugtoolbar-") !== 0) return;
    e.preventDefault();
    // Ids repeat between records' panes: look in the one shown.
    var find = function () { var p = pane(); return p && p.querySelector("[id='" + id.replace(/[^\w-]/g, "") + "']"); };
    var target = find();
    if (target) { reveal(target); return; }
    if (id.indexOf("debugtoolbar-query-") === 0) {
      openPanel("sql").then(function () {
        var t = find();
        if (t) reveal(t);
      });
    }
  });
  // The SQL list as a tool: find, filter by kind and alerts, sort by
  // time, copy a statement, and stacks fetched when opened. The controls
  // come with the panel, hidden; the toolbar's stylesheet shows them, as
  // only this script makes them work.
  function sqlPaneOf(t) { return t.closest && t.closest(".dt-panel-sql"); }
  function sqlFilter(panel) {
    var find = panel.querySelector(".dt-sql-find"), kind = panel.querySelector(".dt-sql-kind"), alerts = panel.querySelector(".dt-sql-alerts");
    var q = (find && find.value || "").trim().toLowerCase(), k = kind ? kind.value : "", only = alerts && alerts.checked;
    var items = panel.querySelectorAll(".dt-queries > li"), shown = 0;
    for (var i = 0; i < items.length; i++) {
      var li = items[i], d = li.dataset, ok = true;
      if (k === "write") ok = d.write === "1";
      else if (k === "read") ok = d.kind === "query";
      if (ok && only) ok = d.alert === "1";
      if (ok && q) {
        var c = li.querySelector("[data-copy]");
        ok = li.textContent.toLowerCase().indexOf(q) >= 0 || !!c && c.dataset.copy.toLowerCase().indexOf(q) >= 0;
      }
      li.hidden = !ok;
      if (ok) shown++;
    }
    var out = panel.querySelector(".dt-sql-shown");
    if (out) out.textContent = q || k || only ? shown + " of " + items.length + " shown" : "";
  }
  function sqlSort(panel, slowest) {
    [].forEach.call(panel.querySelectorAll(".dt-queries, .dt-members"), function (list) {
      var items = [].slice.call(list.children);
      items.sort(function (a, b) {
        return slowest ? (+b.dataset.dur - +a.dataset.dur) || (+a.dataset.n - +b.dataset.n) : +a.dataset.n - +b.dataset.n;
      });
      items.forEach(function (li) { list.appendChild(li); });
    });
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (done, fail) {
      var ta = el("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.className = "dtb-offscreen";
      wrap.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { /* refused */ }
      ta.remove();
      if (ok) done(); else fail(new Error("copy refused"));
    });
  }
  // Escape in a find box with text clears it (and keeps the toolbar open).
  main.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !e.target.matches || !e.target.matches(".dt-sql-find") || !e.target.value) return;
    e.preventDefault();
    e.target.value = "";
    sqlFilter(sqlPaneOf(e.target));
  });
  main.addEventListener("input", function (e) { var p = sqlPaneOf(e.target); if (p && e.target.matches(".dt-sql-find")) sqlFilter(p); });
  main.addEventListener("change", function (e) { var p = sqlPaneOf(e.target); if (p && e.target.matches(".dt-sql-kind, .dt-sql-alerts")) sqlFilter(p); });
  main.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".dt-sql-sort, .dt-copy-btn");
    if (!b) return;
    if (b.matches(".dt-sql-sort")) {
      var on = b.getAttribute("aria-pressed") !== "true";
      b.setAttribute("aria-pressed", String(on)); // pressed: slowest first; else the order run
      sqlSort(sqlPaneOf(b), on);
      return;
    }
    var label = b.dataset.label || (b.dataset.label = b.textContent);
    copyText(b.dataset.copy || "").then(function () { b.textContent = "Copied"; say("Copied"); }, function () { b.textContent = "Copy failed"; say("Copy failed"); })
      .then(function () { setTimeout(function () { b.textContent = label; }, 1500); });
  });
  // toggle does not bubble: listen while it goes down.
  main.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.open || !d.dataset || !d.dataset.stackUrl || d.dataset.loaded) return;
    d.dataset.loaded = "1";
    var into = el("div");
    d.appendChild(into);
    var pending = d.querySelector(".dt-stack-pending");
    fetch(d.dataset.stackUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      return res.text();
    }).then(function (html) {
      setHTML(into, html);
      if (pending) pending.remove();
    }, function (err) {
      delete d.dataset.loaded;
      if (pending) pending.textContent = "Could not load the stack: " + err.message;
    });
  }, true);
  handle.addEventListener("click", function () {
    if (dragged) { dragged = false; return; }
    setOpen(true);
  });
  // Accept under an alert: the finding is known, and from the next
  // request its alerts are muted and do not colour the toolbar.
  main.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("button[data-accept]");
    if (!a) return;
    a.disabled = true;
    fetch(prefix + "accepted", {
      method: "POST", credentials: "same-origin",
      headers: { "X-Debugtoolbar-Token": page.token || "", "Content-Type": "application/x-www-form-urlencoded" },
      body: "key=" + encodeURIComponent(a.dataset.accept)
    }).then(function (res) {
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      var li = a.closest(".dt-alert");
      if (li) li.classList.add("dt-alert-accepted");
      a.textContent = "Accepted (from the next request)";
      say("Accepted: from the next request, this finding is muted");
    }).catch(function (err) { a.disabled = false; a.title = "Could not accept: " + err.message; });
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
  document.addEventListener("keydown", function (e) {
    if (e.altKey && e.shiftKey && (e.key === "D" || e.key === "d" || e.code === "KeyD") && handleHidden()) {
      setHandleHidden(false);
      render();
      handle.focus();
    }
  });
  window.addEventListener("resize", function () { if (state.open) size(); });
  // Escape closes the toolbar, but not while the page's own field,
  // dialog or menu has the key.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !state.open || e.defaultPrevented) return;
    var t = e.target;
    if (t !== root && t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || (t.closest && t.closest("dialog,[role=dialog],[role=menu],[role=listbox]")))) return;
    setOpen(false);
  });
  render();
  if (state.open) setOpen(true);
})();
