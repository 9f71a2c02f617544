// Presenter keys and the live panel; every control is also a plain form that works without this.
(() => {
  "use strict";
  const keys = {
    ArrowRight: "form-next", PageDown: "form-next", ArrowLeft: "form-prev", PageUp: "form-prev",
    o: "form-open", c: "form-close", r: "form-reveal", j: "form-join", q: "form-questions",
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    const form = document.getElementById(keys[event.key]);
    if (!form) return;
    const button = form.querySelector("[type=submit]");
    if (button && button.disabled) return;
    event.preventDefault();
    form.requestSubmit();
  });

  const panel = document.getElementById("panel");
  if (!panel) return;
  async function refresh() {
    try {
      const response = await fetch(panel.dataset.panelUrl, { credentials: "same-origin", cache: "no-store" });
      const html = response.ok ? await response.text() : null;
      if (html !== null && html !== panel.innerHTML) {
        // Keep the trainer's place: a button that had the focus gets it back after the swap.
        const focusedId = panel.contains(document.activeElement) ? document.activeElement.id : "";
        panel.innerHTML = html;
        const again = focusedId && document.getElementById(focusedId);
        if (again) again.focus();
      }
    } catch (error) { /* try again on the next round */ }
    window.setTimeout(refresh, 2000);
  }
  window.setTimeout(refresh, 2000);
})();
