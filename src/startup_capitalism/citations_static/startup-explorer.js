// The evidence explorer: search, filters and sort over the rows the page already holds (one
// <article> per evidence row, written when the book is built; see explorer.py for why this small
// script replaced DataTables). Without it the page still lists, prints and links every row.
(function () {
  "use strict";

  function start() {
    var explorer = document.querySelector(".evidence-explorer");
    if (!explorer) return;
    var form = explorer.querySelector("form.evidence-controls");
    var list = explorer.querySelector(".evidence-rows");
    var count = explorer.querySelector(".evidence-count");
    var none = explorer.querySelector(".evidence-none");
    var summary = form.querySelector(".evidence-filters > summary");
    var summaryText = summary.textContent;
    var rows = Array.prototype.slice.call(list.children);
    var total = rows.length;
    // each row's words, read once: search is a substring test on them
    var words = rows.map(function (row) { return row.textContent.toLowerCase().replace(/\s+/g, " "); });
    var filters = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var yearFrom = form.querySelector("select[data-years='year-from']");
    var yearTo = form.querySelector("select[data-years='year-to']");
    var sort = form.querySelector("select[data-sort]");
    var search = form.querySelector("input[type='search']");

    function matches(row, index, terms) {
      for (var i = 0; i < filters.length; i++) {
        var wanted = filters[i].value;
        if (wanted && row.getAttribute("data-" + filters[i].name) !== wanted) return false;
      }
      if (yearFrom.value || yearTo.value) {
        var year = parseInt(row.getAttribute("data-year"), 10);
        if (isNaN(year)) return false;
        if (yearFrom.value && year < parseInt(yearFrom.value, 10)) return false;
        if (yearTo.value && year > parseInt(yearTo.value, 10)) return false;
      }
      for (var t = 0; t < terms.length; t++) if (words[index].indexOf(terms[t]) < 0) return false;
      return true;
    }

    function byKey(key, descending) {
      return function (a, b) {
        var x = a.getAttribute(key), y = b.getAttribute(key);
        if (!x !== !y) return x ? -1 : 1; // undated rows last either way
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (descending) order = -order;
        return order || a.getAttribute("data-order") - b.getAttribute("data-order");
      };
    }

    var sorted = "book";
    function reorder() {
      if (sort.value === sorted) return;
      sorted = sort.value;
      var compare = sorted === "date" ? byKey("data-date", false)
        : sorted === "date-desc" ? byKey("data-date", true)
        : sorted === "id" ? byKey("id", false)
        : function (a, b) { return a.getAttribute("data-order") - b.getAttribute("data-order"); };
      var fragment = document.createDocumentFragment();
      rows.slice().sort(compare).forEach(function (row) { fragment.appendChild(row); });
      list.appendChild(fragment);
    }

    function update() {
      var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, index) {
        var show = matches(row, index, terms);
        row.hidden = !show;
        if (show) shown++;
      });
      reorder();
      var active = filters.filter(function (f) { return f.value; }).length + (yearFrom.value || yearTo.value ? 1 : 0);
      summary.textContent = active ? summaryText + " (" + active + " on)" : summaryText;
      count.textContent = shown === total
        ? total + " evidence rows"
        : "Showing " + shown + " of " + total + " evidence rows";
      none.hidden = shown > 0;
    }

    // a link to one row: when a filter hides it, clear the filters so the row shows
    function showTarget() {
      if (location.hash.indexOf("#row-") !== 0) return;
      var row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (!row || !row.hidden) return;
      form.reset();
      update();
      row.scrollIntoView({ block: "start" });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    window.addEventListener("hashchange", showTarget);
    form.querySelector("fieldset").disabled = false;
    // a reload keeps the controls' values: apply them
    if (search.value || sort.value !== "book" || yearFrom.value || yearTo.value ||
        filters.some(function (f) { return f.value; })) update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
