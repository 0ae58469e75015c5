"""Every page in Debian's Chromium, offline, on a phone and a desktop, light and dark, on screen and in
print: charts draw and fit, navigation opens, pages stay light, axe finds nothing serious."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from outside_checkers import AXE_JS, installed
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from conftest import ROOT, chapter_docnames, toc_docnames
from startup_capitalism.book import Book
from tests.support.site_server import CHARTS_DRAWN, CHARTS_SETTLED, serve_site, transferred_bytes_of

BOOK = Book(ROOT)

FIRST = BOOK.chapters()[0]  # a chapter with the book's standard sections

# Debian's chromium-headless-shell: the Blink of Debian's chromium (built from the same source
# package), as the headless shell that Playwright runs its own headless tests in. A page and its axe run take
# about 45 % less CPU than in `chromium --headless` (27 pages: 27 s against 47 s), and this module
# is the suite's largest. A tap is the exception: after one, the shell moves its emulated mouse to
# (0, 0), which closes the tooltip the tap opened (a phone sends no such event), so the tests that
# tap use Debian's chromium itself (TOUCH_CHROMIUM), as do the preview's reload and the bench.
CHROMIUM = shutil.which("chromium-headless-shell") or "/usr/bin/chromium-headless-shell"
TOUCH_CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# transferred bytes of one page with an empty cache, served as a static host serves it (gzip)
CHART_PAGE_LIMIT = 1_500_000
TEXT_PAGE_LIMIT = 800_000


@pytest.fixture(scope="module")
def site_url(built_book):
    with serve_site(built_book.site) as url:
        yield url


def launched(playwright, executable: str, package: str):
    assert os.path.exists(executable), (
        f"Debian's {package} is not installed: `make test` installs it (tools/ensure-debian-packages.sh)"
    )
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright):
    browser = launched(playwright, CHROMIUM, "chromium-headless-shell")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def touch_browser(playwright):
    """Debian's chromium, for the tests that tap (see CHROMIUM)."""
    browser = launched(playwright, TOUCH_CHROMIUM, "chromium")
    yield browser
    browser.close()


def view_context(browser, viewport=None, mode="light", **context_options):
    """A browser context (its own cache and storage) with the reader's choice of mode made."""
    context = browser.new_context(viewport=viewport or DESKTOP, **context_options)
    if mode == "dark":
        # the theme keeps the reader's choice in localStorage
        context.add_init_script("localStorage.setItem('mode', 'dark')")
    return context


def open_page(browser, site_url, viewport=None, mode="light", warnings=None, **context_options):
    """A page in a context of its own (an empty cache) that may ask only the site for anything:
    (page, context, refused requests, console errors); the console's warnings are added to
    `warnings` when a list is given."""
    context = view_context(browser, viewport, mode, **context_options)
    page = context.new_page()
    refused, errors = offline_listeners(page, site_url, warnings)
    return page, context, refused, errors


def offline_listeners(page, site_url, warnings=None):
    """(refused requests, console errors) of `page`, which may ask only the site for anything."""
    refused, errors = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site_url) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    if warnings is not None:
        page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    return refused, errors


def visit(browser, site_url, docname, viewport=None, mode="light", **context_options):
    """The page loaded (every chart drawn): (page, context, charts, refused requests, console errors)."""
    page, context, refused, errors = open_page(browser, site_url, viewport, mode, **context_options)
    page.goto(f"{site_url}/{docname}.html", wait_until="load")
    charts = page.locator(".startup-chart").count()
    if charts:
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
    return page, context, charts, refused, errors


# every chart of every page draws (the visit waits for each one's marks) on a phone and a desktop,
# light and dark; that the chapter pages hold at least twelve is tests/test_site.py's count of the
# same built pages
@pytest.mark.parametrize("docname", toc_docnames())
def test_page_draws_offline_without_errors(observed, docname):
    for device, mode in VIEWS:
        seen = observed(docname, device, mode)
        assert seen["refused"] == [], f"{docname} ({device}, {mode}) asked for {seen['refused']}"
        assert seen["errors"] == [], f"{docname} ({device}, {mode}) console errors: {seen['errors']}"
        assert seen["failed"] == 0, f"{docname} ({device}, {mode}): {seen['failed']} charts not drawn"


def test_a_tooltip_shows_the_evidence_behind_a_mark(browser, site_url):
    page, context, charts, _, _ = visit(browser, site_url, f"chapters/{FIRST.dirname}/employment")
    try:
        bars = page.locator(".startup-chart svg g.mark-rect path")
        bars.first.hover()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        text = tooltip.inner_text()
        assert "The chapter says" in text and "Citation" in text
    finally:
        context.close()


def assert_one_lane_shows(page, chart):
    page.wait_for_timeout(300)
    opacities = chart.locator("g.mark-symbol.role-mark path").evaluate_all(
        "paths => paths.map(p => parseFloat(p.getAttribute('opacity') ?? p.style.opacity ?? '1'))"
    )
    assert min(opacities) < 0.2 < max(opacities), "the legend filter did not dim the other lanes"


def test_the_legend_filters_the_timeline(browser, site_url):
    page, context, charts, _, _ = visit(browser, site_url, f"chapters/{FIRST.dirname}/index")
    try:
        chart = page.locator(".startup-chart").first
        symbol = chart.locator("g.role-legend-symbol path").first
        symbol.scroll_into_view_if_needed()
        box = symbol.bounding_box()
        # Vega listens on the whole SVG and picks the item under the pointer
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert_one_lane_shows(page, chart)
    finally:
        context.close()


CHART_FITS = """() => Array.from(document.querySelectorAll('.startup-chart:not(.startup-chart-failed)'))
.map(chart => {
  const box = chart.getBoundingClientRect();
  const svg = chart.querySelector('svg');
  const drawn = svg.getBoundingClientRect();
  const clipped = Array.from(svg.querySelectorAll('text')).filter(text => {
    const r = text.getBoundingClientRect();
    return r.width > 0 && (r.left < drawn.left - 1 || r.right > drawn.right + 1 || r.top < drawn.top - 1
                           || r.bottom > drawn.bottom + 1);
  }).map(text => text.textContent);
  return {id: chart.id, column: [box.left, box.right], drawn: [drawn.left, drawn.right],
          page: document.documentElement.clientWidth, clipped};
})"""


def chart_pages() -> list[str]:
    return [name for name in toc_docnames() if name.startswith(("chapters/", "notebooks/"))]


# a sweep: every chart page as one device and mode shows it, on screen or printed
SWEEPS = {
    "phone": ("phone", "light", "fits"),
    "desktop": ("desktop", "light", "fits"),
    "phone-dark": ("phone", "dark", "fits"),
    "desktop-dark": ("desktop", "dark", "fits"),
    "phone-print": ("phone", "light", "print_fits"),
    "desktop-print": ("desktop", "light", "print_fits"),
}


@pytest.fixture(scope="module")
def sweep(observed):
    """What every chart page shows in one sweep, read from the module's one visit of each page in
    that device and mode: {"fits": CHART_FITS's findings by page, "overlaps": OVERLAPS's (on
    screen), "warnings": the console's on screen, by page}."""

    def swept(name: str) -> dict:
        device, mode, fits = SWEEPS[name]
        found = {"fits": [], "overlaps": [], "warnings": []}
        for docname in chart_pages():
            seen = observed(docname, device, mode)
            found["fits"] += seen[fits]
            found["warnings"] += [(docname, warning) for warning in seen["warnings"]]
            if fits == "fits":
                found["overlaps"] += seen["overlaps"]
        return found

    return swept


@pytest.mark.parametrize("name", list(SWEEPS))
def test_every_chart_fits_its_column_with_nothing_clipped(sweep, name):
    problems = []
    for docname, chart in sweep(name)["fits"]:
        if chart is None:
            problems.append((docname, "not drawn again for print"))
            continue
        left, right = chart["column"]
        if chart["drawn"][0] < left - 1 or chart["drawn"][1] > right + 1 or right > chart["page"] + 1:
            problems.append((docname, chart["id"], "wider than its column", chart["column"], chart["drawn"]))
        if chart["clipped"]:
            problems.append((docname, chart["id"], "text outside the drawing", chart["clipped"]))
    assert problems == []


def test_the_menu_button_opens_the_navigation_on_a_phone(browser, site_url):
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/finance", PHONE)
    try:
        buttons = [button for button in page.locator(".primary-toggle").all() if button.is_visible()]
        assert buttons, "no visible menu button on a phone"
        buttons[0].click()
        navigation = page.locator("#pst-primary-sidebar-modal")
        navigation.wait_for(state="visible", timeout=5_000)
        assert navigation.locator("a[href*='employment']").first.is_visible()
    finally:
        context.close()


DRAWN_BACKGROUND = """chart => {
  const colour = getComputedStyle(chart.querySelector('svg')).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255;
}"""


def test_charts_are_dark_in_dark_mode_and_follow_a_switch(browser, site_url):
    page, context, charts, _, _ = visit(browser, site_url, "chapters/02-japan/finance", DESKTOP, "dark")
    try:
        assert charts
        luminances = page.locator(".startup-chart").evaluate_all(f"charts => charts.map({DRAWN_BACKGROUND})")
        assert max(luminances) < 0.2, f"chart backgrounds in dark mode: {luminances}"
        # the reader switches to light mode: every chart is drawn again, light
        page.evaluate("document.documentElement.setAttribute('data-theme', 'light')")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.startup-chart'))"
            ".every(c => c.dataset.chartMode === 'light')",
            timeout=10_000,
        )
        luminances = page.locator(".startup-chart").evaluate_all(f"charts => charts.map({DRAWN_BACKGROUND})")
        assert min(luminances) > 0.8, f"chart backgrounds after switching to light: {luminances}"
    finally:
        context.close()


@pytest.mark.parametrize("docname", toc_docnames())
def test_page_weight_with_an_empty_cache(observed, docname):
    seen = observed(docname, *WEIGHED)
    limit = CHART_PAGE_LIMIT if seen["charts"] else TEXT_PAGE_LIMIT
    assert seen["moved"] <= limit, (
        f"{docname} moved {seen['moved']} bytes ({seen['charts']} charts; limit {limit})"
    )
    # the theme's icons are still drawn without its 1.5 MB icon script
    assert seen["icon"] != "none"


def test_a_tap_shows_the_whole_quote_inside_a_phone_screen(touch_browser, site_url):
    page, context, _, _, _ = visit(
        touch_browser, site_url, "chapters/02-japan/finance", PHONE, has_touch=True, is_mobile=True
    )
    try:
        tooltip = page.locator("#vg-tooltip-element.visible")
        # the first chart on the page whose marks carry the evidence behind them
        for bar in page.locator(".startup-chart svg g.mark-rect path").all():
            bar.scroll_into_view_if_needed()
            bar.tap()
            tooltip.wait_for(state="visible", timeout=5_000)
            if "The chapter says" in tooltip.inner_text():
                break
        box = tooltip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
        # every value cell shows all its text: nothing cut off or hidden
        cut = tooltip.locator("td.value").evaluate_all(
            "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)"
        )
        assert cut == []
        assert "The chapter says" in tooltip.inner_text()
    finally:
        context.close()


def test_the_legend_filter_and_the_chart_menu_work_from_the_keyboard(browser, site_url):
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/index")
    try:
        chart = page.locator(".startup-chart").first
        block = page.locator(".startup-chart-block").first
        button = block.locator(".startup-chart-filter button").first
        button.focus()
        page.keyboard.press("Enter")
        assert_one_lane_shows(page, chart)
        assert button.get_attribute("aria-pressed") == "true"
        assert button.evaluate("b => getComputedStyle(b).outlineStyle") != "none", "no visible focus"
        menu = chart.locator("details summary").first
        menu.focus()
        page.keyboard.press("Enter")
        assert chart.locator("details[open]").count() == 1
        page.keyboard.press("Escape")
        assert chart.locator("details[open]").count() == 0
    finally:
        context.close()


def test_each_chart_has_its_data_in_a_table(built_book):
    for docname in chapter_docnames():
        for block in built_book.page(docname).select(".startup-chart-block"):
            table = block.select_one("details.startup-chart-data table")
            assert table is not None and table.select("tbody tr"), f"{docname}: a chart without its data"


def test_pages_have_one_title_one_viewport_and_a_description(built_book):
    for docname in toc_docnames():
        page = built_book.page(docname)
        assert len(page.find_all("meta", attrs={"name": "viewport"})) == 1, docname
        title = page.title.get_text()
        assert len(page.find_all("title")) == 1 and title.count("executable edition") == 1, title
        description = page.find("meta", attrs={"name": "description"})["content"]
        assert (
            len(description) > 40 and page.find("meta", property="og:description")["content"] == description
        )
        assert "By Text:" not in page.get_text()


@pytest.fixture(scope="module")
def axe_script():
    """axe-core as npm publishes it (the copy in axe-playwright-python is older and misses rules)."""
    return installed(AXE_JS).read_text(encoding="utf-8")


# what a reader's visit is checked in: every page of the TOC is loaded once in each, in a context of
# its own (an empty cache), and every check that only reads the page reads that one visit
VIEWS = {
    ("phone", "light"): PHONE,
    ("phone", "dark"): PHONE,
    ("desktop", "light"): DESKTOP,
    ("desktop", "dark"): DESKTOP,
}
# the page weight is counted on a desktop, light (the limits below are set for it)
WEIGHED = ("desktop", "light")
ALL_CHARTS = "Array.from(document.querySelectorAll('.startup-chart'))"
PRINT_REDRAWN = f"() => {ALL_CHARTS}.every(c => c.dataset.chartMode) && ({CHARTS_DRAWN})()"
TRANSITIONS_ENDED = (
    "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
)
ICON = ".theme-switch-button i:visible, .search-button i:visible"


def observe(context, site_url, axe_script, docname, device, mode) -> dict:
    """One visit of `docname` in a new tab of `context` and what it shows: {"moved": bytes moved
    until the network is idle and "icon": the theme icon's mask image (WEIGHED only), "charts",
    "refused", "errors", "failed": charts that could not be drawn, "warnings": the console's,
    "overlaps": OVERLAPS's, "fits": CHART_FITS's, "axe": serious and critical violations,
    "print_fits": CHART_FITS's after the same page is switched to print (light visits)}."""
    warnings: list = []
    page = context.new_page()
    refused, errors = offline_listeners(page, site_url, warnings)
    found: dict = {"moved": None, "icon": None, "overlaps": [], "fits": [], "print_fits": []}
    try:
        if (device, mode) == WEIGHED:
            session = context.new_cdp_session(page)
            session.send("Network.enable")
            with transferred_bytes_of(session) as moved:
                page.goto(f"{site_url}/{docname}.html", wait_until="load")
                page.wait_for_load_state("networkidle")
            found["moved"] = moved.bytes
        else:
            page.goto(f"{site_url}/{docname}.html", wait_until="load")
        charts = found["charts"] = page.locator(".startup-chart").count()
        if charts:
            page.wait_for_function(CHARTS_SETTLED, timeout=20_000)
        found["failed"] = page.locator(".startup-chart.startup-chart-failed").count()
        found["refused"], found["errors"], found["warnings"] = list(refused), list(errors), list(warnings)
        if (device, mode) == WEIGHED:
            found["icon"] = page.locator(ICON).first.evaluate(
                "i => getComputedStyle(i).maskImage || getComputedStyle(i).webkitMaskImage"
            )
        if charts:
            found["overlaps"] = [(docname, *overlap) for overlap in page.evaluate(OVERLAPS)]
            found["fits"] = [(docname, chart) for chart in page.evaluate(CHART_FITS)]
        # in dark mode the theme's buttons fade from their light colours for 0.15 s after the load:
        # axe reads the colours the reader is left with, not a frame of the fade
        page.wait_for_function(TRANSITIONS_ENDED, timeout=5_000)
        page.add_script_tag(content=axe_script)
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
        found["axe"] = [
            (VIEWS[device, mode]["width"], mode, v["id"], v["impact"], v["nodes"][0]["html"][:120])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if charts and mode == "light" and not found["failed"]:
            # the charts are drawn again for the printed column's width: each sets its mode when it
            # is drawn, so the mark taken off before the switch comes back with the new drawing
            page.evaluate(f"() => {ALL_CHARTS}.forEach(c => c.removeAttribute('data-chart-mode'))")
            page.emulate_media(media="print")
            try:
                page.wait_for_function(PRINT_REDRAWN, timeout=20_000)
                found["print_fits"] = [(docname, chart) for chart in page.evaluate(CHART_FITS)]
            except PlaywrightTimeout:
                found["print_fits"] = [(docname, None)]
    finally:
        page.close()
    return found


@pytest.fixture(scope="module")
def observed(browser, site_url, axe_script):
    """observed(docname, device, mode): `observe`'s findings, each page visited once per device and
    mode in the whole module, when a test first asks for it.

    The weighed view opens each page in a context of its own, so its bytes are those of a first
    visit with an empty cache. The other views are a reader going from page to page: one context
    per view, whose cache keeps the theme's and Vega's scripts from one page to the next (measured:
    the module's CPU time went from 277 s to 257 s; what is left is mostly layout, drawing and axe)."""
    done: dict[tuple[str, str, str], dict] = {}
    contexts: dict[tuple[str, str], object] = {}

    def findings(docname: str, device: str, mode: str) -> dict:
        if (docname, device, mode) not in done:
            if (device, mode) == WEIGHED:
                context = view_context(browser, VIEWS[device, mode], mode)
            elif (device, mode) in contexts:
                context = contexts[device, mode]
            else:
                context = contexts[device, mode] = view_context(browser, VIEWS[device, mode], mode)
            try:
                done[docname, device, mode] = observe(context, site_url, axe_script, docname, device, mode)
            finally:
                if (device, mode) == WEIGHED:
                    context.close()
        return done[docname, device, mode]

    yield findings
    for context in contexts.values():
        context.close()


def test_the_axe_core_is_a_current_release(axe_script):
    version = re.search(r"axe v(\d+)\.(\d+)", axe_script)
    assert version and (int(version.group(1)), int(version.group(2))) >= (4, 14), version


@pytest.mark.parametrize("docname", toc_docnames())
def test_whole_page_has_no_serious_accessibility_violation(observed, docname):
    """axe-core over the whole page (theme included) on a phone and a desktop, light and dark."""
    found = [violation for device, mode in VIEWS for violation in observed(docname, device, mode)["axe"]]
    assert found == [], f"{docname}: {found}"


TOOLTIP_LINES = """tooltip => {
  // every line of text in the tooltip, as the browser lays it out, with the row it belongs to
  const lines = [];
  tooltip.querySelectorAll('tr').forEach((row, index) => {
    row.querySelectorAll('td').forEach((cell, column) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0)
        .forEach(r => lines.push({row: index, column, text: cell.textContent.slice(0, 40),
                                  left: r.left, right: r.right, top: r.top, bottom: r.bottom}));
    });
  });
  const box = tooltip.getBoundingClientRect();
  const hidden = Array.from(tooltip.querySelectorAll('td')).filter(c => c.scrollHeight > c.clientHeight + 1
    || c.scrollWidth > c.clientWidth + 1).map(c => c.textContent);
  return {lines, box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
          background: getComputedStyle(tooltip).backgroundColor, hidden,
          scrolls: tooltip.scrollHeight > tooltip.clientHeight + 1};
}"""


def longest_quote_tooltip(page, touch: bool):
    """Points at (or taps) every mark of the page's charts and leaves open the tooltip with the
    longest text: the mark whose passage is the longest."""
    tooltip = page.locator("#vg-tooltip-element")
    marks = page.locator(".startup-chart svg g.role-mark path")
    longest, best = -1, None
    for index in range(marks.count()):
        mark = marks.nth(index)
        mark.scroll_into_view_if_needed()
        if touch:
            mark.tap()
        else:
            mark.hover()
        page.wait_for_timeout(60)
        text = tooltip.inner_text() if "visible" in (tooltip.get_attribute("class") or "") else ""
        if len(text) > longest:
            longest, best = len(text), index
    mark = marks.nth(best)
    mark.scroll_into_view_if_needed()
    mark.tap() if touch else mark.hover()
    page.wait_for_timeout(150)
    return tooltip


TABLET = {"width": 768, "height": 900}


def overlapping_lines(lines: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of laid-out lines (TOOLTIP_LINES) of different cells that overlap on screen."""
    return [
        (a, b)
        for i, a in enumerate(lines)
        for b in lines[i + 1 :]
        if (a["row"], a["column"]) != (b["row"], b["column"])
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
        and min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_long_field_name_in_a_tooltip_wraps_beside_its_value(browser, site_url, viewport):
    """The bars' tooltips name their count with the axis title, a long one: it wraps in its own cell."""
    page, context, _, _, _ = visit(browser, site_url, f"chapters/{FIRST.dirname}/finance", viewport)
    try:
        bar = page.locator(".startup-chart svg g.mark-rect path").first
        bar.scroll_into_view_if_needed()
        bar.hover()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        lines = tooltip.evaluate(TOOLTIP_LINES)["lines"]
        assert max(len(line["text"]) for line in lines if line["column"] == 0) >= 30, "no long name"
        assert overlapping_lines(lines) == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["phone", "tablet", "desktop"])
def test_the_longest_quote_reads_line_by_line_in_an_opaque_tooltip_on_screen(
    browser, touch_browser, site_url, viewport
):
    touch = viewport is PHONE
    page, context, _, _, _ = visit(
        touch_browser if touch else browser,
        site_url,
        f"chapters/{FIRST.dirname}/finance",
        viewport,
        has_touch=touch,
        is_mobile=touch,
    )
    try:
        tooltip = longest_quote_tooltip(page, touch)
        assert "The chapter says" in tooltip.inner_text()
        laid_out = tooltip.evaluate(TOOLTIP_LINES)
        lines = laid_out["lines"]
        # the quote never runs under the citation, nor a long name over its value
        assert overlapping_lines(lines) == []
        assert laid_out["hidden"] == [], "a value is cut off"
        box = laid_out["box"]
        assert box["left"] >= 0 and box["right"] <= viewport["width"]
        assert box["top"] >= 0 and box["bottom"] <= viewport["height"]
        # every line is inside the tooltip's box (wrapped, not running past its edge)
        assert all(
            line["left"] >= box["left"] - 0.5 and line["right"] <= box["right"] + 0.5 for line in lines
        )
        assert laid_out["background"].startswith("rgb("), f"see-through tooltip: {laid_out['background']}"
    finally:
        context.close()


OVERLAPS = """() => {
  // pairs of texts that overlap each other, and texts that overlap a bar, in every drawn chart
  const found = [];
  const box = el => el.getBoundingClientRect();
  const meets = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                          && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const shown = el => !el.closest('[opacity="0"]') && getComputedStyle(el).opacity !== '0';
  document.querySelectorAll('.startup-chart:not(.startup-chart-failed)').forEach(chart => {
    const texts = Array.from(chart.querySelectorAll('svg text'))
      .filter(t => t.textContent.trim() && box(t).width > 0 && shown(t));
    const bars = Array.from(chart.querySelectorAll('svg g.mark-rect.role-mark path'))
      .filter(b => box(b).width > 0);
    texts.forEach((t, i) => {
      texts.slice(i + 1).forEach(u => {
        if (meets(box(t), box(u))) found.push([chart.id, t.textContent, u.textContent]);
      });
      bars.forEach(b => { if (meets(box(t), box(b))) found.push([chart.id, t.textContent, 'a bar']); });
    });
  });
  return found;
}"""


@pytest.mark.parametrize("name", ["phone", "desktop"])
def test_no_chart_label_overlaps_a_bar_a_value_or_another_label(sweep, name):
    assert sweep(name)["overlaps"] == []


@pytest.mark.parametrize("name", ["phone", "desktop"])
def test_charts_draw_without_vega_warnings(sweep, name):
    assert sweep(name)["warnings"] == []


THEME = "() => document.documentElement.dataset.theme"


@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_site_follows_the_system_setting_until_the_reader_chooses(browser, site_url, system):
    context = browser.new_context(viewport=DESKTOP, color_scheme=system)
    page = context.new_page()
    try:
        page.goto(f"{site_url}/chapters/{FIRST.dirname}/finance.html", wait_until="load")
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
        assert page.evaluate(THEME) == system
        assert page.evaluate("() => localStorage.getItem('mode')") in (None, "auto"), "a choice was stored"
        modes = page.locator(".startup-chart").evaluate_all("charts => charts.map(c => c.dataset.chartMode)")
        assert set(modes) == {system}
        # the reader's first click on the theme button changes what they see
        [button] = [b for b in page.locator(".theme-switch-button").all() if b.is_visible()][:1]
        button.click()
        other = "light" if system == "dark" else "dark"
        page.wait_for_function(f"() => document.documentElement.dataset.theme === '{other}'", timeout=5_000)
    finally:
        context.close()


def test_printing_from_dark_mode_prints_dark_on_light_charts(browser, site_url):
    page, context, _, _, _ = visit(browser, site_url, f"chapters/{FIRST.dirname}/finance", DESKTOP, "dark")
    try:
        assert page.evaluate(THEME) == "dark"
        page.emulate_media(media="print")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.startup-chart'))"
            ".every(c => c.dataset.chartMode === 'light')",
            timeout=10_000,
        )
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
        backgrounds = page.locator(".startup-chart").evaluate_all(f"charts => charts.map({DRAWN_BACKGROUND})")
        assert min(backgrounds) > 0.8, backgrounds
        labels = page.locator(".startup-chart svg g.role-axis-label text").evaluate_all(
            "texts => texts.map(t => getComputedStyle(t).fill.match(/\\d+/g).map(Number))"
        )
        assert labels and all(sum(colour) / 3 < 128 for colour in labels), "light labels on paper"
    finally:
        context.close()
