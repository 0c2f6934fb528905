// Micromastery's focus timer, on top of the plain forms of /timer (which
// work without it). It ticks the clock the server drew, turns on the +1
// buttons, and sends the counts to /api/v1/timer/checkpoint every few
// seconds, when the tab is hidden and when it is closed (pagehide), so a
// closed tab loses nothing the server had not seen. The server keeps the
// clock: the page ticks at its pace (data-speed) and each checkpoint's
// answer resets it; a reload draws it again from the server's state.
(function () {
  "use strict";
  var box = document.getElementById("timer");
  var form = document.getElementById("counts") || document.querySelector("form[action='/timer/finish']");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrf]").value;

  Array.prototype.forEach.call(form.querySelectorAll("button[data-add]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var input = form.elements[b.getAttribute("data-add")];
      input.value = String((parseInt(input.value, 10) || 0) + 1);
    });
  });
  if (!box) return;

  var focused = parseInt(box.getAttribute("data-focused"), 10) || 0;
  var limitAttr = box.getAttribute("data-limit");
  var limit = limitAttr === null ? null : parseInt(limitAttr, 10);
  var phase = box.getAttribute("data-phase");
  var every = (parseInt(box.getAttribute("data-checkpoint"), 10) || 5) * 1000;
  var speed = parseFloat(box.getAttribute("data-speed"));
  if (isNaN(speed) || speed < 0) speed = 1;
  var since = Date.now();
  var elapsed = document.getElementById("elapsed");
  var remaining = document.getElementById("remaining");
  var status = document.getElementById("checkpoint-status");
  var ended = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h > 0 ? h + ":" + two(m) + ":" + two(r) : two(m) + ":" + two(r);
  }
  function now() {
    var f = phase === "running" ? focused + speed * (Date.now() - since) / 1000 : focused;
    return limit === null ? f : Math.min(f, limit);
  }
  function number(name) {
    var v = parseInt(form.elements[name].value, 10);
    return isNaN(v) || v < 0 ? null : v;
  }
  function counts() {
    return {
      reps: number("reps"),
      errors: number("errors"),
      interruptions: number("interruptions"),
      notes: form.elements.notes.value
    };
  }
  function checkpoint(keepalive) {
    return fetch("/api/v1/timer/checkpoint", {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(counts())
    }).then(function (r) {
      if (r.status === 404) { window.location.reload(); return null; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (v) {
      if (!v) return;
      focused = v.focused_seconds;
      since = Date.now();
      if (v.phase !== phase) { window.location.reload(); return; }
      status.textContent = v.last_checkpoint === null
        ? "Saved to the journal once there is half a minute of focus."
        : "Saved to the journal at " + clock(v.focused_seconds) + " of focus.";
    }).catch(function (e) {
      status.textContent = "The last checkpoint failed (" + e.message + "); trying again shortly.";
    });
  }
  function tick() {
    var f = now();
    elapsed.textContent = clock(f);
    if (remaining && limit !== null) remaining.textContent = clock(limit - f);
    if (!ended && limit !== null && f >= limit && phase === "running") {
      ended = true;
      checkpoint(false).then(function () { window.location.reload(); });
    }
  }
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(function () { if (!submitting) checkpoint(false); }, every);
  // Hidden, then closed: one checkpoint that outlives the page (keepalive).
  // Not when one of the page's own forms is leaving it: that post carries
  // the counts itself, and a checkpoint racing it could undo a stop.
  var sentHidden = false;
  var submitting = false;
  document.addEventListener("submit", function () { submitting = true; });
  function leaving() {
    if (sentHidden || submitting) return;
    sentHidden = true;
    checkpoint(true);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
    else sentHidden = false;
  });
  window.addEventListener("pagehide", leaving);
})();
