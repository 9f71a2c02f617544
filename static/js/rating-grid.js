// The rating grid saves each change at once; without this script the form's button saves the page.
(() => {
  const form = document.querySelector(".rating-form");
  if (!form) return;
  const status = document.getElementById("grid-status");
  const labels = document.getElementById("code-labels").content;
  const revision = form.querySelector("input[name=revision]");
  const token = form.querySelector("input[name=csrf_token]").value;
  const message = (key) => labels.querySelector(`[data-msg="${key}"]`).textContent;

  // Saves go one after another: each sends the revision the previous one returned, and no
  // slower answer to an earlier change can overwrite the cell a later one produced.
  let queue = Promise.resolve();
  form.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-criterion]");
    if (!select) return;
    select.setAttribute("aria-busy", "true");
    queue = queue.then(() => save(select));
  });

  async function save(select) {
    const row = select.closest("tr");
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token,
                   "Accept": "application/json" },
        body: JSON.stringify({ account_id: row.dataset.account, criterion: select.dataset.criterion,
                               value: select.value, revision: revision.value }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        status.textContent = data.error || message("error");
        status.classList.add("is-error");
        return;
      }
      revision.value = data.revision;
      row.querySelector("[data-score]").textContent =
        data.score === null ? "–" : Number(data.score).toLocaleString(document.documentElement.lang,
          { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      // The server renders the cell (escaped), so knock-outs and what is still to rate show now.
      row.querySelector("[data-code]").innerHTML = data.code_cell;
      status.textContent = message("saved");
      status.classList.remove("is-error");
    } catch (error) {
      status.textContent = message("error");
      status.classList.add("is-error");
    } finally {
      select.removeAttribute("aria-busy");
    }
  }
})();
