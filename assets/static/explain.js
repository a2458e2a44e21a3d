// debugtoolbar: Explain and Analyze on the toolbar's own request page. A
// button under a read query of the SQL panel POSTs to the toolbar (same
// origin, with the token the page's <body> carries) and shows the plan it
// answers under the query. The server re-runs only the recorded
// statement. The toolbar in an app's page does the same in toolbar.js.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.dataset.token) return;
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
