/* Draws the book's charts (specs in <script type="application/json" class="startup-chart-spec">)
   with the site's own Vega, which this script loads once the page has been painted. Charts follow
   the theme's light/dark mode, show a tooltip on a tap, and get keyboard controls for their legend
   filter. */
(function () {
  "use strict";

  var DARK_CONFIG = {
    background: "#14181e",
    view: { stroke: null },
    axis: { domainColor: "#8a8f98", tickColor: "#8a8f98", gridColor: "#2e343d", labelColor: "#d0d4da", titleColor: "#e6e8eb" },
    legend: { labelColor: "#d0d4da", titleColor: "#e6e8eb" },
    title: { color: "#e6e8eb", subtitleColor: "#b8bec6" },
    text: { color: "#e6e8eb" }
  };
  var charts = [];

  var printing = window.matchMedia ? window.matchMedia("print") : { matches: false };

  // on paper a chart is always dark on light, whatever the screen's mode
  function isDark() {
    return !printing.matches && document.documentElement.getAttribute("data-theme") === "dark";
  }

  function merged(base, extra) {
    var out = Object.assign({}, base);
    Object.keys(extra).forEach(function (key) {
      var value = extra[key];
      out[key] = value && typeof value === "object" && !Array.isArray(value) && base[key] && typeof base[key] === "object"
        ? merged(base[key], value) : value;
    });
    return out;
  }

  // below this width a chart's legend takes one column and long axis titles two lines, since
  // both hang off the plot's left edge and would run past the chart's right edge
  var NARROW = 520;

  function lines(text, width) {
    var most = Math.max(12, Math.floor(width / 24));
    if (typeof text !== "string" || text.length <= most) return text;
    var words = text.split(" "), out = [""];
    words.forEach(function (word) {
      var last = out.length - 1;
      if (out[last] && (out[last] + " " + word).length > most) out.push(word);
      else out[last] = out[last] ? out[last] + " " + word : word;
    });
    return out;
  }

  function wrapTitles(view, width) {
    (view.layer || []).forEach(function (layer) { wrapTitles(layer, width); });
    var encoding = view.encoding || {};
    ["x", "y", "color"].forEach(function (channel) {
      var definition = encoding[channel];
      if (!definition || typeof definition !== "object") return;
      ["axis", "legend"].forEach(function (guide) {
        if (definition[guide] && typeof definition[guide].title === "string") definition[guide].title = lines(definition[guide].title, width);
      });
      if (typeof definition.title === "string") definition.title = lines(definition.title, width);
    });
  }

  // names written across a bar chart (text at a fixed x, above each bar) break into lines. Vega
  // writes a text's further lines below its first, which would run into the bar and its value:
  // every name gets as many lines as the longest (blank ones first) and is lifted by the lines it
  // adds, so its last line sits just above its bar; the rows grow by the lines added.
  var LINE_HEIGHT = 13;

  function wrapWrittenNames(spec, width) {
    var datasets = spec.datasets || {};
    var rows = spec.data && datasets[spec.data.name];
    if (!rows) return;
    (spec.layer || []).forEach(function (layer) {
      var mark = typeof layer.mark === "string" ? { type: layer.mark } : (layer.mark || {});
      var encoding = layer.encoding || {};
      if (mark.type !== "text" || !encoding.x || !("value" in encoding.x) || !encoding.text || !encoding.text.field) return;
      var field = encoding.text.field, wrapped = field + "__lines", most = 1;
      var split = rows.map(function (row) {
        var parts = lines(String(row[field]), width * 3);
        parts = Array.isArray(parts) ? parts : [parts];
        most = Math.max(most, parts.length);
        return parts;
      });
      if (most === 1) return;
      rows.forEach(function (row, index) {
        var parts = split[index];
        while (parts.length < most) parts.unshift("");
        row[wrapped] = parts;
      });
      layer.mark = Object.assign({}, mark, { lineHeight: LINE_HEIGHT, dy: (mark.dy || 0) - LINE_HEIGHT * (most - 1) });
      encoding.text = Object.assign({}, encoding.text, { field: wrapped });
      if (spec.usermeta && spec.usermeta.rowStep) spec.usermeta.rowStep += LINE_HEIGHT * (most - 1);
    });
  }

  function dropLegends(view) {
    (view.layer || []).forEach(dropLegends);
    var encoding = view.encoding || {};
    Object.keys(encoding).forEach(function (channel) {
      var definition = encoding[channel];
      if (definition && typeof definition === "object" && definition.legend) definition.legend = null;
    });
  }

  function specFor(chart, dark) {
    var spec = JSON.parse(JSON.stringify(chart.spec));
    var config = spec.config || {};
    if (chart.narrow) {
      var width = chart.target.clientWidth;
      config.legend = Object.assign({}, config.legend, { columns: 1 });
      // a legend hangs off the plot's left edge, after the axis labels: on a phone the legend of a
      // chart that is not filtered through it is drawn in HTML below the chart instead, where it wraps
      if (!chart.filtered) {
        config.legend.disable = true;
        dropLegends(spec);  // a legend set on a channel is drawn whatever the config says
      }
      config.axisX = Object.assign({}, config.axisX, { titleAnchor: "end" });
      wrapTitles(spec, width);
      wrapWrittenNames(spec, width);
      if (JSON.stringify(spec.layer || []).indexOf('"type":"text"') >= 0) spec.padding = { left: 5, top: 5, bottom: 5, right: 72 };
    }
    // rows of a fixed height (rendering._fixed_height), grown for wrapped names
    if (spec.usermeta && spec.usermeta.rowStep) spec.height = spec.usermeta.rowStep * spec.usermeta.rowCount;
    if (dark) config = merged(config, DARK_CONFIG);
    spec.config = config;
    return spec;
  }

  // Vega shows tooltips on pointer movement; a tap on a touch screen has none, so a click shows it
  function showTooltipOnTap(view) {
    view.addEventListener("click", function (event, item) {
      var handler = view.tooltip();
      if (handler && item && item.tooltip != null) handler.call(view, view._handler, event, item, item.tooltip);
    });
  }

  // keyboard (and screen reader) access to the legend filter: one button per legend entry that
  // clicks the entry for the reader, and one that shows every entry again
  function legendButtons(chart) {
    var old = chart.block.querySelector(".startup-chart-filter");
    if (old) old.remove();
    if (!chart.filtered) return;
    var svg = chart.target.querySelector("svg");
    var labels = Array.from(chart.target.querySelectorAll("g.role-legend-label text"));
    if (!svg || !labels.length) return;
    var group = document.createElement("div");
    group.className = "startup-chart-filter";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Show only one group of the chart");
    var buttons = [];
    function press(active) {
      buttons.forEach(function (button) { button.setAttribute("aria-pressed", String(button === active)); });
    }
    labels.forEach(function (label, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label.textContent;
      button.addEventListener("click", function () {
        var symbol = chart.target.querySelectorAll("g.role-legend-symbol path")[index];
        if (!symbol) return;
        symbol.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
        press(button);
      });
      buttons.push(button);
      group.appendChild(button);
    });
    var all = document.createElement("button");
    all.type = "button";
    all.textContent = "Show all";
    all.addEventListener("click", function () {
      chart.target.querySelector("svg").dispatchEvent(new MouseEvent("dblclick", { bubbles: true, cancelable: true, view: window }));
      press(null);
    });
    group.appendChild(all);
    chart.target.insertAdjacentElement("afterend", group);
  }

  function colourTitle(view) {
    var found = null;
    (function walk(v) {
      var colour = (v.encoding || {}).color;
      if (!found && colour && colour.field) found = (colour.legend && colour.legend.title) || colour.title || colour.field;
      (v.layer || []).forEach(walk);
    })(view);
    return found;
  }

  // one list of a phone's HTML legend: a swatch per value, a ring for the values the chart draws
  // as rings (usermeta.rings), so the legend shows the marks the chart draws
  function legendList(title, values, colourOf, rings) {
    var part = document.createElement("div");
    if (title) {
      var heading = document.createElement("p");
      heading.className = "startup-chart-legend-title";
      heading.textContent = title;
      part.appendChild(heading);
    }
    var list = document.createElement("ul");
    values.forEach(function (value) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "startup-chart-swatch";
      if (rings.indexOf(value) >= 0) {
        swatch.classList.add("startup-chart-swatch-ring");
        swatch.style.borderColor = colourOf(value);
      } else {
        swatch.style.background = colourOf(value);
      }
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(String(value)));
      list.appendChild(item);
    });
    part.appendChild(list);
    return part;
  }

  function htmlLegend(chart, view) {
    var old = chart.block.querySelector(".startup-chart-legend");
    if (old) old.remove();
    if (!chart.narrow || chart.filtered) return;
    var scale;
    try { scale = view.scale("color"); } catch (error) { return; }
    if (!scale || !scale.domain) return;
    var rings = (chart.spec.usermeta && chart.spec.usermeta.rings) || [];
    var legend = document.createElement("div");
    legend.className = "startup-chart-legend";
    legend.appendChild(legendList(colourTitle(chart.spec), scale.domain(), scale, rings));
    // periods told apart by ring and dot rather than colour: a legend of their own, in grey
    var shapes = null;
    try { shapes = view.scale("shape"); } catch (error) { shapes = null; }
    var ringInColours = scale.domain().some(function (value) { return rings.indexOf(value) >= 0; });
    if (shapes && shapes.domain && rings.length && !ringInColours) {
      legend.appendChild(legendList("Period", shapes.domain(), function () { return "#6b6b6b"; }, rings));
    }
    chart.target.insertAdjacentElement("afterend", legend);
  }

  function nameTheMenu(chart) {
    chart.target.querySelectorAll("details > summary").forEach(function (summary) {
      summary.setAttribute("aria-label", "Chart menu: save the chart as an image");
    });
  }

  function draw(chart) {
    var dark = isDark();
    var options = Object.assign({}, chart.embed, { tooltip: { theme: dark ? "dark" : "light" } });
    chart.narrow = chart.target.clientWidth < NARROW;
    if (chart.view) chart.view.finalize();
    return window.vegaEmbed(chart.target, specFor(chart, dark), options).then(function (result) {
      chart.view = result.view;
      chart.dark = dark;
      chart.target.setAttribute("data-chart-mode", dark ? "dark" : "light");
      nameTheMenu(chart);
      showTooltipOnTap(result.view);
      legendButtons(chart);
      htmlLegend(chart, result.view);
    }).catch(function (error) {
      chart.target.textContent = "The chart could not be drawn: " + error;
      chart.target.classList.add("startup-chart-failed");
      console.error(error);
    });
  }

  // vega-tooltip puts its box beside the pointer and flips it to the other side at a window's edge,
  // which can still leave a wide box partly off screen: move it back inside the window
  var EDGE = 4;
  function keepOnScreen(tip) {
    if (!tip.classList.contains("visible")) return;
    var box = tip.getBoundingClientRect();
    var left = Math.min(Math.max(box.left, EDGE), Math.max(EDGE, window.innerWidth - box.width - EDGE));
    var top = Math.min(Math.max(box.top, EDGE), Math.max(EDGE, window.innerHeight - box.height - EDGE));
    if (Math.abs(left - box.left) > 0.5) tip.style.left = left + "px";
    if (Math.abs(top - box.top) > 0.5) tip.style.top = top + "px";
  }

  function watchTooltip() {
    var watched = null;
    function watch() {
      var tip = document.getElementById("vg-tooltip-element");
      if (!tip || tip === watched) return;
      watched = tip;
      new MutationObserver(function () { keepOnScreen(tip); })
        .observe(tip, { attributes: true, attributeFilter: ["style", "class"], childList: true, subtree: true });
    }
    watch();
    new MutationObserver(watch).observe(document.body, { childList: true });
  }

  // the site's Vega bundle, loaded once the page has been painted (see afterFirstPaint)
  var VEGA = document.currentScript ? document.currentScript.getAttribute("data-vega") : null;

  // the reader sees the text before the 0.9 MB bundle is fetched and run; a hidden tab, which
  // paints no frame, still draws within a second
  function afterFirstPaint(then) {
    var done = false;
    var once = function () { if (!done) { done = true; then(); } };
    window.requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 1000);
  }

  function loadVega(then) {
    if (typeof window.vegaEmbed === "function" || !VEGA) { then(); return; }
    var script = document.createElement("script");
    script.src = VEGA;
    script.onload = then;
    script.onerror = then;  // each chart then says that the bundle did not load
    document.head.appendChild(script);
  }

  function drawAll() {
    document.querySelectorAll("script.startup-chart-spec").forEach(function (script) {
      var target = document.getElementById(script.getAttribute("data-chart"));
      if (!target) return;
      var payload = JSON.parse(script.textContent);
      var chart = { target: target, block: target.parentElement, spec: payload.spec, embed: payload.embed,
                    filtered: script.textContent.indexOf('"bind":"legend"') >= 0 };
      if (typeof window.vegaEmbed !== "function") {
        target.textContent = "This chart needs the book's vega-offline.js, which did not load.";
        target.classList.add("startup-chart-failed");
        console.error("vegaEmbed is not loaded for #" + target.id);
        return;
      }
      charts.push(chart);
      draw(chart);
      // Vega follows the column's width itself; crossing NARROW changes the legend and titles
      new ResizeObserver(function () {
        if (chart.view && (chart.target.clientWidth < NARROW) !== chart.narrow) draw(chart);
      }).observe(target);
    });
  }

  function start() {
    watchTooltip();
    afterFirstPaint(function () { loadVega(drawAll); });
    // the reader switched between light and dark: draw the charts again in the new mode
    new MutationObserver(function () {
      var dark = isDark();
      charts.forEach(function (chart) { if (chart.dark !== dark) draw(chart); });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    // printing changes the column's width (no sidebars) without a resize event: draw again
    var redrawAll = function () { charts.forEach(function (chart) { if (chart.view) draw(chart); }); };
    if (printing.addEventListener) printing.addEventListener("change", redrawAll);
    // Escape closes an open chart menu and gives the focus back to its button
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".startup-chart details[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        var summary = menu.querySelector("summary");
        if (summary) summary.focus();
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
