// Lesson pages: ArrowLeft / ArrowRight go to the previous / next step. The Previous and Next links
// work without this file; it only adds the keys, and never while a form field has the focus (arrow
// keys move between radio buttons and through text there).
document.addEventListener("DOMContentLoaded", () => {
  // After an answer, the page opens at #answer-feedback: move focus there so it is read out.
  if (window.location.hash === "#answer-feedback" && !document.getElementById("error-summary")) {
    const feedback = document.getElementById("answer-feedback");
    if (feedback) feedback.focus();
  }

  const FIELDS = "input, textarea, select, button, [contenteditable]:not([contenteditable='false'])";
  document.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest(FIELDS)) return;
    const rel = event.key === "ArrowLeft" ? "prev" : "next";
    const link = document.querySelector(`a[data-step-nav][rel~="${rel}"]`);
    if (!link) return;
    event.preventDefault();
    window.location.assign(link.href);
  });
});
