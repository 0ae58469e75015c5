/* The theme binds its sidebar toggles to the FIRST `.primary-toggle` / `.secondary-toggle` on the
   page, a button its header hides at most widths; the visible duplicates do nothing. Every other
   toggle passes its click on to the one the theme listens to. Also names the navigation's icon-only
   section toggles for screen readers. */
(function () {
  "use strict";
  function forwardToggles() {
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var toggles = Array.from(document.querySelectorAll(selector));
      var bound = toggles[0];
      toggles.slice(1).forEach(function (toggle) {
        toggle.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          bound.click();
        }, true);
      });
    });
  }
  // the navigation's expand/collapse toggles are icons only: name them after their section
  function nameSectionToggles() {
    document.querySelectorAll("nav details > summary").forEach(function (summary) {
      if (summary.getAttribute("aria-label") || summary.textContent.trim()) return;
      var link = summary.parentElement.parentElement.querySelector(":scope > a");
      var section = link ? link.textContent.trim() : "this section";
      summary.setAttribute("aria-label", "Show or hide the pages of " + section);
    });
  }
  function start() {
    forwardToggles();
    nameSectionToggles();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
