// Show only the fields the chosen kind of step and languages use; without this file all show.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".own-step-form");
  if (!form) return;
  const shape = form.querySelector("select[name=shape]");
  const languages = form.querySelector("select[name=languages]");
  const update = () => {
    form.querySelectorAll("[data-shapes]").forEach((part) => {
      part.hidden = !part.dataset.shapes.split(" ").includes(shape.value);
    });
    const chosen = languages.value.split(" ");
    form.querySelectorAll("[data-lang]").forEach((column) => {
      column.hidden = !chosen.includes(column.dataset.lang);
    });
  };
  shape.addEventListener("change", update);
  languages.addEventListener("change", update);
  update();
});
