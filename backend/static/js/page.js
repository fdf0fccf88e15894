// Lockstep: what every page shares — messages, copy buttons, forms, the history drawer.
// No inline script anywhere: these files (page, live, matrix, spotlight) are the only
// behaviour. They share a few helpers through window.Lockstep.
window.Lockstep = (function () {
  "use strict";

  // Text someone types: inputs of text kinds and textareas.
  function isTextField(el) {
    return (el instanceof HTMLTextAreaElement) ||
      (el instanceof HTMLInputElement && !["hidden", "checkbox", "radio", "submit", "button"].includes(el.type));
  }

  // A message at the top of the page ("error" or "info"), dismissable.
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
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDrawer(); });
  document.addEventListener("click", (e) => {
    if (!e.target.closest) return;
    if (e.target.closest("[data-dismiss]")) { e.target.closest(".flash").remove(); return; }
    if (e.target.closest("[data-print]")) { window.print(); return; }
    if (e.target.closest("[data-close-drawer]")) closeDrawer();
  });


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


  return { isTextField: isTextField, flash: flash };
})();
