// The evidence explorer: a link to one row (#row-<id>, from a works-cited page) searches the table
// for that row, so it shows whichever page of the table it is on, and marks it.
document.addEventListener("DOMContentLoaded", () => {
  if (!location.hash.startsWith("#row-")) return;
  const wanted = decodeURIComponent(location.hash.slice("#row-".length));
  let tries = 0;
  const timer = setInterval(() => {
    const input = document.querySelector(".dt-search input");
    if (!input && ++tries < 100) return;  // DataTables draws the table after the page loads
    clearInterval(timer);
    if (!input) return;
    input.value = wanted;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const cell = document.getElementById("row-" + wanted);
    if (cell) {
      cell.closest("tr").classList.add("evidence-row-target");
      cell.scrollIntoView({ block: "center" });
    }
  }, 100);
});
