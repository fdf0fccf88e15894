// Lockstep: the spotlight (every screen follows it) and the timebox countdown.
(function (L) {
  "use strict";

  // The spotlight element says which activity is in focus and when the timebox ends (server
  // time); every screen scrolls to it when it changes and counts down from the same deadline.
  let spotted = null;
  function busy() {
    const el = document.activeElement;
    return L.menuOpen() || (el && L.isTextField(el)) || document.querySelector("details.act-more[open]") !== null;
  }
  let skew = 0;
  let skewFrom = null;
  function followSpotlight() {
    const spot = document.getElementById("spotlight");
    if (!spot) return;
    if (spot !== skewFrom) {
      skewFrom = spot;
      skew = Number(spot.dataset.now || Date.now()) - Date.now();
    }
    const id = spot.dataset.activity || null;
    document.querySelectorAll("tr.spotlit").forEach((tr) => { if (tr.id !== "row-" + id) tr.classList.remove("spotlit"); });
    if (id) {
      const row = document.getElementById("row-" + id);
      if (row) {
        row.classList.add("spotlit");
        // Follow the spotlight, unless that would pull the page from under someone who is
        // typing or has the cell menu open (the bar above the matrix names the row anyway).
        if (id !== spotted && !busy()) showRow(row);
      }
    }
    spotted = id;
    tick();
  }
  // The matrix scrolls in its own box on a laptop: centre the row there and leave the page
  // (and the spotlight bar above the matrix) where it is. On a phone the page scrolls.
  function showRow(row) {
    const wrap = row.closest(".matrix-wrap");
    if (wrap && wrap.scrollHeight > wrap.clientHeight + 1 && getComputedStyle(wrap).overflowY !== "visible") {
      const r = row.getBoundingClientRect(), w = wrap.getBoundingClientRect();
      const head = wrap.querySelector("thead");
      const top = head ? head.getBoundingClientRect().height : 0;
      wrap.scrollBy({ top: r.top - w.top - top - (wrap.clientHeight - top - r.height) / 2, behavior: "smooth" });
    } else {
      row.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }
  function tick() {
    const spot = document.getElementById("spotlight");
    const out = spot && spot.querySelector(".timebox-left");
    if (!out || !spot.dataset.deadline) return;
    const left = Math.max(0, Number(spot.dataset.deadline) - (Date.now() + skew));
    const s = Math.ceil(left / 1000);
    out.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    spot.classList.toggle("expired", left === 0);
  }
  setInterval(tick, 1000);
  document.addEventListener("lockstep:applied", followSpotlight);
  document.addEventListener("lockstep:morphed", followSpotlight);
  document.addEventListener("htmx:afterSettle", followSpotlight);

  followSpotlight();
})(window.Lockstep);
