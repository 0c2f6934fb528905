// Micromastery's discover page: role titles suggested as you type, from
// /api/v1/roles, offered through the search field's <datalist>. The form
// works without it (the server resolves any title).
(function () {
  "use strict";
  var input = document.getElementById("role");
  var list = document.getElementById("role-options");
  var status = document.getElementById("role-status");
  if (!input || !list) return;
  var timer = null, asked = "";

  function show(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (s) {
      var o = document.createElement("option");
      o.value = s.title;
      o.label = s.title !== s.occupation ? s.occupation
        : s.key.indexOf("http") === 0 ? "ESCO occupation" : "O*NET " + s.key;
      list.appendChild(o);
    });
    if (status) {
      status.textContent = items.length === 0 ? "" :
        items.length + (items.length === 1 ? " suggestion" : " suggestions") + " for \u201c" + asked + "\u201d.";
    }
  }
  function ask() {
    var q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    asked = q;
    fetch("/api/v1/roles?q=" + encodeURIComponent(q) + "&top=8", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (q === asked) show(items); })
      .catch(function () { /* the plain form still works */ });
  }
  input.addEventListener("input", function () {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  // A title already in the field (after a search) gets its suggestions too.
  ask();
})();
