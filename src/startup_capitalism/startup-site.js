/* The theme binds its sidebar toggles to the FIRST `.primary-toggle` / `.secondary-toggle` on the
   page, a button its header hides at most widths; the visible duplicates do nothing. Every other
   toggle passes its click on to the one the theme listens to. */
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", forwardToggles);
  else forwardToggles();
})();
