// Lockstep: live updates over server-sent events, applied by morphing so that nothing is
// taken from the person at the screen (what they type, focus, scroll, open menus).
(function (L) {
  "use strict";
  const isTextField = L.isTextField;
  const flash = L.flash;

  // ---------- keeping each person's state through live updates ------------------------
  // Live updates morph the page (idiomorph) instead of replacing it: elements stay the same
  // nodes, so focus, scroll positions, caret and open menus survive. On top of that, a text
  // field someone has typed into (or is in) keeps their text, and a disclosure keeps the
  // open/closed state its reader chose; everything else takes the server's new version.
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
        // A finding's fixes, once loaded, are reloaded by fixes.js, not emptied here.
        if (oldNode instanceof Element && oldNode.classList.contains("fix-body") && oldNode.dataset.loaded) return false;
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

  // ---------- the stream ---------------------------------------------------------
  const live = document.getElementById("live");
  const conn = document.getElementById("conn");
  let lastSeq = live ? Number(live.dataset.seq || 0) : 0;
  let source = null;
  let refreshing = false;
  let refreshAgain = false; // asked for while one was running: one more when it ends
  let buffered = [];
  let retryMs = 500;

  function setConn(state, text) {
    if (!conn) return;
    conn.dataset.state = state;
    conn.textContent = text;
  }

  function wantsRefresh(ev) {
    return ev.type === "refresh" || live.dataset.alwaysRefresh === "true";
  }

  function apply(ev) {
    const seq = Number(ev.lastEventId || 0);
    if (refreshing) { buffered.push(ev); return; }
    if (ev.type === "refresh") { refresh(seq, 0); return; } // never skipped: it may mean "start over"
    if (seq && seq <= lastSeq) return; // already shown (a refresh at lastSeq holds it too)
    if (wantsRefresh(ev)) { refresh(seq, 0); return; }
    htmx.swap(document.body, ev.data, { swapStyle: "none" }); // out-of-band parts: morphed below
    if (seq) lastSeq = seq;
    live.dataset.applied = String(lastSeq); // what this screen shows (tests wait on it)
    document.dispatchEvent(new CustomEvent("lockstep:applied", { detail: { seq: lastSeq } }));
  }

  // Reload the live part of the page; events arriving meanwhile wait, then apply in order.
  function refresh(seq, attempt) {
    refreshing = true;
    refreshAgain = false;
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
        // What arrived meanwhile: anything the refresh already holds is dropped; if the rest
        // needs a refresh, one refresh covers all of it (not one per event).
        const pending = buffered.filter((ev) => ev.type === "refresh" || !Number(ev.lastEventId || 0) || Number(ev.lastEventId) > lastSeq);
        buffered = [];
        const again = refreshAgain || pending.some(wantsRefresh);
        refreshAgain = false;
        if (again) refresh(lastSeq, 0);
        else pending.forEach(apply);
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
  document.addEventListener("lockstep:morphed", showPresence);
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

  // Another part of the page asks to show what the board really holds (after a failed save).
  L.refreshNow = () => {
    if (!live) return;
    if (refreshing) refreshAgain = true; // never two at once: an older answer could land last
    else refresh(lastSeq, 0);
  };
  L.showPresence = showPresence;

  connect();
})(window.Lockstep);
