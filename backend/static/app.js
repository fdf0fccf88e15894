// Lockstep board page: live updates over server-sent events, and the matrix editor
// (click or keyboard). No inline script anywhere; this file is the only behaviour.
(function () {
  "use strict";

  // ---------- keeping each person's state through live updates ------------------------
  // Live updates morph the page (idiomorph) instead of replacing it: elements stay the same
  // nodes, so focus, scroll positions, caret and open menus survive. On top of that, a text
  // field someone has typed into (or is in) keeps their text, and a disclosure keeps the
  // open/closed state its reader chose; everything else takes the server's new version.
  function isTextField(el) {
    return (el instanceof HTMLTextAreaElement) ||
      (el instanceof HTMLInputElement && !["hidden", "checkbox", "radio", "submit", "button"].includes(el.type));
  }
  // A draft in a field that an update removes (the comment box of an activity that is no
  // longer spotlit) is kept, and put back if that field comes back.
  const setAside = new Map(); // field id -> text
  function fieldsIn(node) {
    if (!(node instanceof Element)) return [];
    return [node, ...node.querySelectorAll("input, textarea")].filter((el) => isTextField(el) && el.id);
  }
  const morphConfig = {
    restoreFocus: true,
    callbacks: {
      beforeNodeRemoved(node) {
        fieldsIn(node).forEach((el) => {
          if (el.value === el.defaultValue) return;
          setAside.set(el.id, el.value);
          if (el.id.startsWith("comment-text-")) {
            flash("Your unsent comment is kept: it comes back when that activity is in the spotlight again.", "info");
          }
        });
        return true;
      },
      afterNodeAdded(node) {
        fieldsIn(node).forEach((el) => {
          if (setAside.has(el.id)) { el.value = setAside.get(el.id); setAside.delete(el.id); }
        });
      },
      beforeNodeMorphed(oldNode, newNode) {
        if (!isTextField(oldNode) || !(newNode instanceof Element)) return true;
        const busy = oldNode === document.activeElement || oldNode.value !== oldNode.defaultValue;
        if (!busy) return true;
        // The person's draft wins; when the server now holds that very text, it is no
        // longer a draft (later changes by others show again once the field is left).
        const incoming = newNode instanceof HTMLTextAreaElement ? newNode.textContent : (newNode.getAttribute("value") || "");
        if (incoming === oldNode.value && oldNode !== document.activeElement) oldNode.defaultValue = incoming;
        return false;
      },
      beforeAttributeUpdated(attr, el) {
        if (attr === "data-applied" || attr === "data-seq") return false; // the client's own
        // A disclosure the reader opened or closed stays so; the phone's phase tab stays.
        if (attr === "open" && el instanceof HTMLDetailsElement && chosen.has(el.id)) return false;
        if (attr === "data-show-phase") return false;
        return true;
      },
    },
  };

  const chosen = new Map(); // details id -> open, as the reader left it
  document.addEventListener("click", (e) => {
    const summary = e.target.closest && e.target.closest("summary");
    const details = summary && summary.parentElement;
    if (details instanceof HTMLDetailsElement && details.id) chosen.set(details.id, !details.open);
  }, true);
  function restoreChosen() {
    chosen.forEach((open, id) => {
      const el = document.getElementById(id);
      if (el instanceof HTMLDetailsElement && el.open !== open) el.open = open;
    });
  }

  function morph(target, html, style) {
    // Morphing may put focus back on a field it moved, and focusing scrolls it into view:
    // the scroll positions from before the morph are put back (layout changes above the
    // reader are still absorbed by the browser's scroll anchoring afterwards).
    const scrolled = [[window, window.scrollX, window.scrollY]];
    document.querySelectorAll(".matrix-wrap, .board-side").forEach((el) => scrolled.push([el, el.scrollLeft, el.scrollTop]));
    Idiomorph.morph(target, html, Object.assign({ morphStyle: style }, morphConfig));
    scrolled.forEach(([el, x, y]) => {
      const now = el === window ? [window.scrollX, window.scrollY] : [el.scrollLeft, el.scrollTop];
      if (now[0] !== x || now[1] !== y) el.scrollTo(x, y);
    });
    htmx.process(target);
    restoreChosen();
  }

  // Out-of-band parts (from the live stream and from action answers) are morphed in place.
  document.addEventListener("htmx:oobBeforeSwap", (e) => {
    const fragment = e.detail.fragment;
    const target = e.detail.target;
    if (!fragment || !target) return;
    e.detail.shouldSwap = false;
    // hx-swap-oob="true" comes as a fragment holding the new element; "innerHTML" (the #live
    // area of an action's answer) as the element whose children are the new content.
    if (fragment instanceof DocumentFragment) morph(target, fragment.firstElementChild, "outerHTML");
    else morph(target, Array.from(fragment.childNodes), "innerHTML");
    document.dispatchEvent(new CustomEvent("lockstep:morphed", { detail: { target: target } }));
  });

  // ---------- live updates ---------------------------------------------------------
  const live = document.getElementById("live");
  const conn = document.getElementById("conn");
  let lastSeq = live ? Number(live.dataset.seq || 0) : 0;
  let source = null;
  let refreshing = false;
  let buffered = [];
  let retryMs = 500;

  function setConn(state, text) {
    if (!conn) return;
    conn.dataset.state = state;
    conn.textContent = text;
  }

  function apply(ev) {
    const seq = Number(ev.lastEventId || 0);
    if (refreshing) { buffered.push(ev); return; }
    if (ev.type === "refresh" || live.dataset.alwaysRefresh === "true") { refresh(seq, 0); return; } // never skipped
    if (seq && seq <= lastSeq) return; // already shown
    htmx.swap(document.body, ev.data, { swapStyle: "none" }); // out-of-band parts: morphed below
    if (seq) lastSeq = seq;
    live.dataset.applied = String(lastSeq); // what this screen shows (tests wait on it)
    document.dispatchEvent(new CustomEvent("lockstep:applied", { detail: { seq: lastSeq } }));
  }

  // Reload the live part of the page; events arriving meanwhile wait, then apply in order.
  function refresh(seq, attempt) {
    refreshing = true;
    const token = document.body.dataset.token;
    fetch(live.dataset.refresh, { headers: { "X-Lockstep-Token": token, "HX-Request": "true" } })
      .then((r) => {
        if (r.status === 404 || r.status === 401 || r.status === 403) throw new Error("gone");
        if (!r.ok) throw new Error("refresh failed");
        const fresh = Number(r.headers.get("X-Lockstep-Seq") || seq);
        return r.text().then((html) => {
          morph(live, html, "innerHTML");
          lastSeq = Math.max(lastSeq, fresh);
        });
      })
      .then(() => {
        refreshing = false;
        live.dataset.applied = String(lastSeq);
        const pending = buffered;
        buffered = [];
        pending.forEach(apply);
        document.dispatchEvent(new CustomEvent("lockstep:applied", { detail: { seq: lastSeq } }));
      })
      .catch((err) => {
        if (err.message === "gone") { refreshing = false; gone(); return; }
        setConn("offline", "Reconnecting…");
        setTimeout(() => refresh(seq, attempt + 1), Math.min(500 * 2 ** attempt, 10000));
      });
  }

  // Who is connected right now: a dot beside each connected participant.
  let online = new Set();
  function showPresence() {
    document.querySelectorAll("[data-participant]").forEach((el) => {
      const on = online.has(Number(el.dataset.participant));
      el.classList.toggle("online", on);
      el.setAttribute("data-online", on ? "true" : "false");
    });
    const count = document.getElementById("online-count");
    if (count) count.textContent = String(online.size);
  }
  document.addEventListener("lockstep:applied", showPresence);
  document.addEventListener("htmx:afterSettle", showPresence);
  document.addEventListener("htmx:oobAfterSwap", showPresence);

  function gone() {
    setConn("gone", "Board closed");
    if (source) source.close();
    document.body.dataset.gone = "true";
    flash("This board was deleted, or you were removed from it. Ask the facilitator for a link.");
  }

  function connect() {
    if (!live || !live.dataset.stream) return;
    const sep = live.dataset.stream.includes("?") ? "&" : "?";
    source = new EventSource(live.dataset.stream + sep + "since=" + lastSeq);
    source.onopen = () => { retryMs = 500; setConn("live", "Live"); };
    source.addEventListener("change", apply);
    source.addEventListener("refresh", apply);
    source.addEventListener("gone", gone);
    source.addEventListener("presence", (ev) => { online = new Set(JSON.parse(ev.data || "[]")); showPresence(); });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setConn("offline", "Reconnecting…");
        source = null;
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 10000);
      } else {
        setConn("offline", "Reconnecting…");
      }
    };
  }

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

  function flash(message, kind) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.innerHTML = "";
    const div = document.createElement("div");
    div.className = "flash flash-" + (kind || "error");
    const span = document.createElement("span");
    span.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "flash-close";
    close.dataset.dismiss = "";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    div.append(span, close);
    box.append(div);
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
            refresh(lastSeq, 0); // show what the board really holds
          }
        }))
        .catch(() => {
          flash("That change was not saved: the connection dropped. It is back when the badge says Live.");
          wanted.delete(id);
          refresh(lastSeq, 0);
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
    if (e.target.closest("[data-dismiss]")) { e.target.closest(".flash").remove(); return; }
    if (e.target.closest("[data-print]")) { window.print(); return; }
    if (e.target.closest("[data-close-drawer]")) { closeDrawer(); return; }
    if (menu && !menu.hidden && !e.target.closest("#cell-menu")) closeMenu(false);
  });

  // The drawer shows one activity's history beside the board.
  function closeDrawer() {
    const drawer = document.getElementById("drawer");
    if (drawer && drawer.firstChild) drawer.replaceChildren();
  }
  document.addEventListener("htmx:afterSwap", (e) => {
    if (e.target.id === "drawer") {
      const head = e.target.querySelector("h2");
      if (head) { head.tabIndex = -1; head.focus(); }
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { closeMenu(true); closeDrawer(); return; }
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
  document.addEventListener("lockstep:morphed", () => { showPhase(); syncMenu(); rove(); showPresence(); });

  // ---------- spotlight and timebox -----------------------------------------------------
  // The spotlight element says which activity is in focus and when the timebox ends (server
  // time); every screen scrolls to it when it changes and counts down from the same deadline.
  let spotted = null;
  function busy() {
    const el = document.activeElement;
    return (menu && !menu.hidden) || (el && isTextField(el)) || document.querySelector("details.act-more[open]") !== null;
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

  // Forms marked data-reset-on-success empty themselves after a successful request.
  document.addEventListener("htmx:afterRequest", (e) => {
    const form = e.detail.elt;
    const ok = e.detail.xhr && e.detail.xhr.status < 400;
    if (ok && form.matches && form.matches("form[data-reset-on-success]")) form.reset();
  });
  // A new answer clears an old error message.
  document.addEventListener("htmx:beforeRequest", () => {
    const flash = document.getElementById("flash");
    if (flash) flash.innerHTML = "";
  });
  // Copy buttons beside the links (the clipboard API needs a secure page; else select + copy).
  document.addEventListener("click", (e) => {
    const btn = e.target.closest && e.target.closest("[data-copy-from]");
    if (!btn) return;
    const input = document.getElementById(btn.dataset.copyFrom);
    if (!input) return;
    const done = () => { btn.textContent = "Copied ✓"; setTimeout(() => { btn.textContent = "Copy"; }, 1500); };
    input.select();
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, () => { document.execCommand("copy"); done(); });
    else { document.execCommand("copy"); done(); }
  });
  // Copy links with one click.
  document.addEventListener("focusin", (e) => {
    if (e.target.matches && e.target.matches("input[data-copy]")) e.target.select();
  });

  showPhase();
  rove();
  followSpotlight();
  connect();
})();
