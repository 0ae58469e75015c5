/* The theme binds its sidebar toggles to the FIRST `.primary-toggle` / `.secondary-toggle` on the
   page, a button its header hides at most widths; the visible duplicates do nothing. Every other
   toggle passes its click on to the one the theme listens to. Also names the navigation's icon-only
   section toggles for screen readers, gives the search button a name that holds its visible
   label, and prints a page in the light theme. */
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
  // the theme names its search button "Search" while it shows "Search Ctrl+K": a speech-input user
  // says what they see, so the name must contain the visible label (WCAG 2.5.3)
  function nameSearchButtons() {
    document.querySelectorAll(".search-button__button[aria-label]").forEach(function (button) {
      var visible = button.textContent.replace(/\s+/g, " ").replace(/ ?\+ ?/g, "+").trim();
      if (visible) button.setAttribute("aria-label", visible);
    });
  }
  // paper is light: a page printed from dark mode is printed in the light theme, without storing
  // a choice (the charts follow the attribute and are drawn again)
  function printLight() {
    var saved = null;
    window.addEventListener("beforeprint", function () {
      saved = document.documentElement.dataset.theme;
      if (saved === "dark") document.documentElement.dataset.theme = "light";
    });
    window.addEventListener("afterprint", function () {
      if (saved === "dark") document.documentElement.dataset.theme = saved;
      saved = null;
    });
  }
  function start() {
    printLight();
    forwardToggles();
    nameSectionToggles();
    nameSearchButtons();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
