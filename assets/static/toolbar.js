// debugtoolbar: the minimal handle. The full toolbar (panels, history,
// fetch capture) replaces this script.
(function () {
  "use strict";
  var root = document.getElementById("debugtoolbar");
  if (!root || root.shadowRoot) return;
  var shadow = root.attachShadow({ mode: "open" });
  var a = document.createElement("a");
  a.href = root.dataset.debugtoolbarLink || "#";
  a.textContent = root.dataset.debugtoolbarSummary || "debugtoolbar";
  // CSSOM, not a style attribute, so a strict style-src does not block it.
  Object.assign(a.style, {
    position: "fixed", right: "8px", bottom: "8px", zIndex: "2147483647",
    font: "12px/1.4 system-ui, sans-serif", padding: "4px 8px", borderRadius: "4px",
    background: "#1f2937", color: "#f9fafb", textDecoration: "none",
    boxShadow: "0 1px 4px rgba(0,0,0,.3)"
  });
  if (root.dataset.debugtoolbarAlerts && root.dataset.debugtoolbarAlerts !== "0") {
    a.style.background = "#b45309";
  }
  shadow.appendChild(a);
})();
