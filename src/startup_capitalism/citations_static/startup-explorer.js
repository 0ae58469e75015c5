// The evidence explorer (DataTables, drawn by itables after the page loads).

// SearchPanes names its search boxes by title only; screen readers need a label.
const labelPaneSearches = () => {
  document.querySelectorAll("input.dtsp-search:not([aria-label])").forEach((input) => {
    input.setAttribute("aria-label", input.getAttribute("title") || "Search this filter");
  });
};
new MutationObserver(labelPaneSearches).observe(document.documentElement, { childList: true, subtree: true });

// A link to one row (#row-<id>, from a works-cited page) searches the table for that row, so it
// shows whichever page of the table it is on, and marks it.
document.addEventListener("DOMContentLoaded", () => {
  labelPaneSearches();
  if (!location.hash.startsWith("#row-")) return;
  const wanted = decodeURIComponent(location.hash.slice("#row-".length));
  let tries = 0;
  const timer = setInterval(() => {
    const input = document.querySelector(".dt-search input");
    if (!input && ++tries < 100) return;
    clearInterval(timer);
    if (!input) return;
    input.value = wanted;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    // the table redraws after the search: mark the row once it is drawn and shown
    let waits = 0;
    const mark = setInterval(() => {
      const cell = document.getElementById("row-" + wanted);
      if (cell && cell.offsetParent !== null) {
        clearInterval(mark);
        cell.closest("tr").classList.add("evidence-row-target");
        cell.scrollIntoView({ block: "center" });
      } else if (++waits > 100) {
        clearInterval(mark);
      }
    }, 100);
  }, 100);
});
