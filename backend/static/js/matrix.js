// Lockstep: the matrix editor — click, tap or keyboard — the cell menu, who proposed what
// after the reveal, and the phone's one-phase-at-a-time tabs.
(function (L) {
  "use strict";
  const flash = L.flash;

  // ---------- editing cells ----------------------------------------------------------
  // Saves go out one after another, in the order they were made, with fetch (not tied to
  // an element that a live update may replace). While a cell has saves in flight, further
  // keys build on the newest value asked for, not on what the screen shows meanwhile.
  const menu = document.getElementById("cell-menu");
  let menuCell = null; // id of the cell the menu is open for
  let saving = Promise.resolve();
  const wanted = new Map(); // cell id -> [letters asked for, saves in flight]

  function toggled(current, letter) {
    const owner = menu.dataset.owner, driver = menu.dataset.driver;
    if (current.includes(letter)) return current.replace(letter, "");
    const pair = owner + driver;
    if ((letter === owner || letter === driver) && [...current].every((c) => pair.includes(c))) {
      return current + letter;
    }
    return letter;
  }

  // Whether this screen may edit this cell now: the row (a re-vote) or the matrix says so.
  function canEdit(cell) {
    if (document.body.dataset.gone === "true") return false;
    const holder = cell.closest("[data-can-edit]");
    return !!holder && holder.dataset.canEdit === "true";
  }

  function lettersOf(cell) {
    const w = wanted.get(cell.id);
    return w ? w[0] : cell.dataset.letters || "";
  }

  function setCell(cell, letters) {
    const id = cell.id;
    const [, a, p, f] = id.split("-"); // ids are c-<activity>-<phase>-<function>
    const body = new URLSearchParams({ activity_id: a, phase_id: p, function_id: f, letters: letters });
    const w = wanted.get(id) || ["", 0];
    wanted.set(id, [letters, w[1] + 1]);
    cell.classList.add("saving");
    const clearFlash = document.getElementById("flash");
    if (clearFlash) clearFlash.innerHTML = "";
    saving = saving.then(() =>
      fetch(menu.dataset.post, {
        method: "POST",
        body: body,
        headers: { "X-Lockstep-Token": document.body.dataset.token, "HX-Request": "true" },
      })
        .then((r) => r.text().then((html) => {
          if (r.ok) {
            htmx.swap(document.body, html, { swapStyle: "none" });
          } else {
            if (r.status < 500 && html.includes("flash")) htmx.swap("#flash", html, { swapStyle: "innerHTML" });
            else flash("That change was not saved (the server answered " + r.status + "). Please try again.");
            wanted.delete(id);
            L.refreshNow(); // show what the board really holds
          }
        }))
        .catch(() => {
          flash("That change was not saved: the connection dropped. It is back when the badge says Live.");
          wanted.delete(id);
          L.refreshNow();
        })
        .finally(() => {
          const entry = wanted.get(id);
          if (entry && entry[1] <= 1) wanted.delete(id);
          else if (entry) wanted.set(id, [entry[0], entry[1] - 1]);
          const now = document.getElementById(id);
          if (now && !wanted.has(id)) now.classList.remove("saving");
          syncMenu();
        })
    );
  }

  function openMenu(cell) {
    menuCell = cell.id;
    if (whoPop) whoPop.hidden = true;
    const who = document.getElementById("cell-menu-who");
    if (who) { who.textContent = whoOf(cell) ? "Proposed: " + whoOf(cell) : ""; who.hidden = !whoOf(cell); }
    menu.hidden = false;
    placeMenu();
    syncMenu();
    const first = menu.querySelector("button");
    if (first) first.focus();
  }

  function placeMenu() {
    const cell = menuCell && document.getElementById(menuCell);
    if (!cell || menu.hidden) return;
    const r = cell.getBoundingClientRect();
    // Below the cell, kept inside the window (on a phone the stylesheet makes it a bottom sheet).
    const width = menu.offsetWidth || 0;
    const maxLeft = window.scrollX + document.documentElement.clientWidth - width - 8;
    menu.style.top = window.scrollY + r.bottom + 4 + "px";
    menu.style.left = Math.max(window.scrollX + 8, Math.min(window.scrollX + r.left - 40, maxLeft)) + "px";
  }

  // Keep the open menu true to its cell after live updates (or close it if the cell is gone).
  function syncMenu() {
    if (!menu || menu.hidden || !menuCell) return;
    const cell = document.getElementById(menuCell);
    if (!cell) {
      closeMenu(false);
      flash("That cell was just removed by the facilitator.");
      return;
    }
    if (!canEdit(cell)) { closeMenu(true); return; } // the round moved on: nothing to set here
    document.getElementById("cell-menu-title").textContent = cellName(cell);
    const letters = lettersOf(cell);
    menu.querySelectorAll("[data-toggle]").forEach((b) => {
      b.setAttribute("aria-pressed", letters.includes(b.dataset.toggle) ? "true" : "false");
    });
    placeMenu();
  }

  // "Pricing, Launch, PM: Owner and Driver", from the headers the cell is labelled by.
  function cellName(cell) {
    const ids = (cell.getAttribute("aria-labelledby") || "").split(" ").slice(0, 3);
    const parts = ids.map((i) => {
      const el = document.getElementById(i);
      return el ? el.textContent.trim() : "";
    });
    const names = {};
    menu.querySelectorAll("[data-toggle]").forEach((b) => { names[b.dataset.toggle] = b.dataset.name; });
    const roles = [...(cell.dataset.letters || "")].map((l) => names[l] || l).join(" and ");
    return parts.join(", ") + ": " + (roles || "no role");
  }

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    const cell = menuCell && document.getElementById(menuCell);
    menuCell = null;
    if (refocus && cell) cell.focus();
  }

  // Roving focus: the matrix is one Tab stop; arrow keys move inside it.
  let activeCell = null;
  function rove() {
    const cells = document.querySelectorAll(".cellbtn");
    if (!cells.length) return;
    let current = activeCell && document.getElementById(activeCell);
    if (!current || current.offsetParent === null) current = [...cells].find((c) => c.offsetParent !== null) || cells[0];
    cells.forEach((c) => c.setAttribute("tabindex", c === current ? "0" : "-1"));
  }
  document.addEventListener("focusin", (e) => {
    if (e.target.classList && e.target.classList.contains("cellbtn")) {
      activeCell = e.target.id;
      rove();
    }
    showWho(e.target.closest && e.target.closest(".cellbtn"));
  });
  document.addEventListener("focusout", () => showWho(null));
  // The pop-up belongs to where the cell was: any scroll or live update puts it away.
  document.addEventListener("scroll", () => { if (whoPop) whoPop.hidden = true; }, true);
  document.addEventListener("lockstep:morphed", () => { if (whoPop) whoPop.hidden = true; });
  document.addEventListener("lockstep:applied", () => { if (whoPop) whoPop.hidden = true; });

  // Who proposed what, for a revealed cell: on focus (keyboard) or tap, not on hover only.
  const whoPop = document.getElementById("who-pop");
  function whoOf(cell) {
    const td = cell && cell.closest("td");
    const who = td && td.querySelector(".who");
    return who ? who.textContent : "";
  }
  function showWho(cell) {
    if (!whoPop) return;
    const text = whoOf(cell);
    if (!text || (menu && !menu.hidden)) { whoPop.hidden = true; return; }
    whoPop.textContent = text;
    whoPop.hidden = false;
    // Below the whole cell (its chips stay readable), or above it near the window's foot.
    const r = cell.closest("td").getBoundingClientRect();
    const left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - whoPop.offsetWidth - 8);
    const below = r.bottom + 4 + whoPop.offsetHeight <= window.innerHeight;
    whoPop.style.top = window.scrollY + (below ? r.bottom + 4 : r.top - whoPop.offsetHeight - 4) + "px";
    whoPop.style.left = Math.max(window.scrollX + 8, left) + "px";
  }

  // Phones show one phase at a time; the tabs above the matrix pick it.
  let shownPhase = "0";
  function showPhase() {
    // A phase removed under the open tab: back to the first one.
    const tabs = document.querySelectorAll("[data-phase-tab]");
    if (tabs.length && ![...tabs].some((b) => b.dataset.phaseTab === shownPhase)) shownPhase = "0";
    document.querySelectorAll(".matrix-wrap").forEach((wrap) => {
      if (wrap.dataset.showPhase !== shownPhase) wrap.dataset.showPhase = shownPhase;
      wrap.querySelectorAll("[data-phase-tab]").forEach((b) => {
        b.setAttribute("aria-pressed", b.dataset.phaseTab === shownPhase ? "true" : "false");
      });
    });
  }
  document.addEventListener("click", (e) => {
    const tab = e.target.closest && e.target.closest("[data-phase-tab]");
    if (!tab) return;
    shownPhase = tab.dataset.phaseTab;
    showPhase();
    rove();
  });

  // A row's stops: its visible actions (history, spotlight), then its cells.
  function stops(row) {
    return [...row.querySelectorAll(".row-act, .cellbtn")].filter((el) => el.offsetParent !== null);
  }
  function move(cell, dx, dy) {
    const row = cell.closest("tr");
    const cells = stops(row);
    const i = cells.indexOf(cell);
    if (dx) {
      const next = cells[i + dx];
      if (next) next.focus();
      return;
    }
    let target = row;
    do { target = dy > 0 ? target.nextElementSibling : target.previousElementSibling; }
    while (target && !target.querySelector(".cellbtn"));
    if (target) {
      const others = stops(target);
      if (others[i]) others[i].focus();
    }
  }

  document.addEventListener("click", (e) => {
    const cell = e.target.closest(".cellbtn");
    if (cell && canEdit(cell)) { openMenu(cell); return; }
    if (cell) { showWho(cell); return; } // a revealed cell someone may not edit: who said what
    const toggle = e.target.closest("[data-toggle]");
    if (toggle && menuCell) {
      const cellNow = document.getElementById(menuCell);
      if (!cellNow) { syncMenu(); return; }
      setCell(cellNow, toggled(lettersOf(cellNow), toggle.dataset.toggle));
      syncMenu();
      return;
    }
    if (e.target.closest("[data-clear]") && menuCell) {
      const cellNow = document.getElementById(menuCell);
      if (cellNow) setCell(cellNow, "");
      closeMenu(true);
      return;
    }
    if (menu && !menu.hidden && !e.target.closest("#cell-menu")) closeMenu(false);
  });

  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { closeMenu(true); return; }
    // With the menu open, its letter keys (and Delete) act on the menu's cell, as it says.
    if (menuCell && e.target.closest && e.target.closest("#cell-menu") && !(e.ctrlKey || e.metaKey || e.altKey)) {
      const cellNow = document.getElementById(menuCell);
      const key = e.key.length === 1 ? e.key.toUpperCase() : "";
      if (cellNow && key && menu.dataset.letters.includes(key) && canEdit(cellNow)) {
        e.preventDefault();
        setCell(cellNow, toggled(lettersOf(cellNow), key));
        syncMenu();
      } else if (cellNow && (e.key === "Delete" || e.key === "Backspace") && canEdit(cellNow)) {
        e.preventDefault();
        setCell(cellNow, "");
        closeMenu(true);
      }
      return;
    }
    const cell = e.target.closest && e.target.closest(".cellbtn, .row-act");
    if (!cell || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (keys[e.key]) { e.preventDefault(); move(cell, ...keys[e.key]); return; }
    if (!cell.classList.contains("cellbtn")) return;
    if (!canEdit(cell)) return;
    const letter = e.key.length === 1 ? e.key.toUpperCase() : "";
    if (letter && menu.dataset.letters.includes(letter)) {
      e.preventDefault();
      setCell(cell, toggled(lettersOf(cell), letter));
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      setCell(cell, "");
    }
  });
  const matrixScroller = () => document.querySelector(".matrix-wrap");
  window.addEventListener("resize", placeMenu);
  document.addEventListener("scroll", (e) => {
    if (e.target === matrixScroller()) placeMenu();
  }, true);
  document.addEventListener("lockstep:applied", () => { showPhase(); syncMenu(); rove(); });
  document.addEventListener("htmx:afterSettle", () => { showPhase(); syncMenu(); rove(); });
  document.addEventListener("htmx:oobAfterSwap", rove);
  document.addEventListener("lockstep:morphed", () => { showPhase(); syncMenu(); rove(); });

  L.menuOpen = () => !!menu && !menu.hidden;

  showPhase();
  rove();
})(window.Lockstep);
