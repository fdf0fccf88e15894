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
})();
