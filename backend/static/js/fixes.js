// Lockstep: "Leave it" on a rule warning (a function idle in a phase). It changes nothing on
// the board: this browser remembers the warning as left as it is, for this board, and
// shows it greyed with its fixes folded away (after every live update too).
(function () {
  "use strict";
  function storeKey() {
    const board = document.body.dataset.board;
    return board ? "lockstep-left-" + board : null;
  }
  function left() {
    const key = storeKey();
    try { return new Set(JSON.parse((key && localStorage.getItem(key)) || "[]")); } catch (e) { return new Set(); }
  }
  function show() {
    const keys = left();
    document.querySelectorAll("[data-finding]").forEach((el) => {
      el.classList.toggle("left-as-is", keys.has(el.dataset.finding));
    });
  }
  document.addEventListener("click", (e) => {
    const btn = e.target.closest && e.target.closest("[data-leave-finding]");
    if (!btn) return;
    const key = storeKey();
    const keys = left();
    keys.add(btn.dataset.leaveFinding);
    try { if (key) localStorage.setItem(key, JSON.stringify(Array.from(keys))); } catch (err) { /* private mode */ }
    show();
  });
  document.addEventListener("DOMContentLoaded", show);
  document.addEventListener("lockstep:applied", show);
  document.addEventListener("lockstep:morphed", show);
  document.addEventListener("htmx:afterSettle", show);

  // A finding's fixes are worked out when its Fix… is opened, and again after a live update
  // (a fix worked out before may no longer apply), unless the reader is typing in it (the
  // decider's name of a parking). Live updates leave a loaded list alone (live.js).
  function busy(body) {
    return Array.from(body.querySelectorAll("input, textarea")).some(
      (el) => el === document.activeElement || el.value !== el.defaultValue);
  }
  function load(details) {
    const body = details.querySelector(".fix-body");
    if (!body || !details.dataset.fixesUrl || busy(body)) return;
    htmx.ajax("GET", details.dataset.fixesUrl, { source: details, target: body, swap: "innerHTML" })
      .then(() => { body.dataset.loaded = "true"; show(); });
  }
  document.addEventListener("toggle", (e) => {
    const d = e.target;
    if (d instanceof HTMLDetailsElement && d.classList.contains("fixes") && d.open) load(d);
  }, true);
  document.addEventListener("lockstep:morphed", () => {
    document.querySelectorAll("details.fixes[open]").forEach(load);
  });
})();
