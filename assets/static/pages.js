// debugtoolbar: the toolbar's own pages' actions. Accept marks an
// alert's finding as known; Clear the list empties the history's list.
// Explain and Analyze on the request page: a
// button under a read query of the SQL panel POSTs to the toolbar (same
// origin, with the token the page's <body> carries) and shows the plan it
// answers under the query. The server re-runs only the recorded
// statement. The toolbar in an app's page does the same in toolbar.js.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.dataset.token) return;
  function post(path, form) {
    return fetch(body.dataset.prefix + path, {
      method: "POST", credentials: "same-origin",
      headers: { "X-Debugtoolbar-Token": body.dataset.token, "Content-Type": "application/x-www-form-urlencoded" },
      body: form || ""
    }).then(function (res) {
      if (!res.ok) return res.json().then(function (j) { throw new Error(j.error || res.status); }, function () { throw new Error(res.status + " " + res.statusText); });
      return res;
    });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("button[data-accept]");
    if (a) {
      a.disabled = true;
      post("accepted", "key=" + encodeURIComponent(a.dataset.accept)).then(function () {
        var li = a.closest(".dt-alert");
        if (li) li.classList.add("dt-alert-accepted");
        a.textContent = "Accepted (from the next request)";
      }, function (err) { a.disabled = false; a.title = "Could not accept: " + err.message; });
      return;
    }
    var c = e.target.closest && e.target.closest("button[data-action]");
    if (c) {
      c.disabled = true;
      post(c.dataset.action).then(function () { location.reload(); }, function (err) { c.disabled = false; c.title = err.message; });
    }
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-explain]");
    if (!b) return;
    var panel = b.closest("[data-record]");
    var slot = b.parentNode.querySelector(".dt-plan-slot");
    if (!panel || !slot) return;
    var url = body.dataset.prefix + "requests/" + encodeURIComponent(panel.dataset.record) + "/queries/" + encodeURIComponent(b.dataset.explain) + "/explain";
    b.disabled = true;
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-Debugtoolbar-Token": body.dataset.token, "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html" },
      body: b.dataset.analyze === "1" ? "analyze=1" : ""
    }).then(function (res) {
      return res.text().then(function (t) {
        if ((res.headers.get("Content-Type") || "").indexOf("text/html") !== 0) throw new Error(res.status + " " + res.statusText);
        slot.innerHTML = t; // the toolbar's own HTML, rendered by templ
      });
    }).catch(function (err) {
      slot.textContent = "";
      var p = document.createElement("p");
      p.className = "dt-box dt-box-danger";
      p.textContent = "Could not explain: " + err.message;
      slot.appendChild(p);
    }).then(function () { b.disabled = false; });
  });
})();
