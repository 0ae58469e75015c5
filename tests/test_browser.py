"""Every page in Debian's Chromium with every request off the site refused: charts draw, no errors."""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from conftest import chapter_docnames, toc_docnames

from startup_capitalism.chapters import all_chapters

FIRST = all_chapters()[0]  # a chapter with the book's standard sections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# a chart has drawn when its SVG holds at least one mark group with shapes in it
CHARTS_DRAWN = """() => {
  const charts = Array.from(document.querySelectorAll('.startup-chart'));
  return charts.every(c => c.querySelector('svg g[class*="mark-"] path, svg g[class*="mark-"] line'));
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_book):
    handler = functools.partial(QuietHandler, directory=str(built_book.site))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert shutil.which("chromium") or __import__("os").path.exists(CHROMIUM), \
        "Debian's chromium is not installed: `make test` installs it (tools/ensure-debian-packages.sh)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def visit(browser, site_url, docname):
    context = browser.new_context()
    page = context.new_page()
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
    page.goto(f"{site_url}/{docname}.html", wait_until="load")
    charts = page.locator(".startup-chart").count()
    if charts:
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
    return page, context, charts, refused, errors


@pytest.mark.parametrize("docname", toc_docnames())
def test_page_draws_offline_without_errors(browser, site_url, docname):
    page, context, charts, refused, errors = visit(browser, site_url, docname)
    try:
        assert refused == [], f"{docname} asked for {refused}"
        assert errors == [], f"{docname} console errors: {errors}"
        failed = page.locator(".startup-chart:has-text('could not be drawn')").count()
        assert failed == 0
    finally:
        context.close()


def test_at_least_twelve_charts_draw_across_the_book(browser, site_url):
    drawn = 0
    for docname in chapter_docnames():
        page, context, charts, _, _ = visit(browser, site_url, docname)
        drawn += charts
        context.close()
    assert drawn >= 12


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


def test_the_legend_filters_the_timeline(browser, site_url):
    page, context, charts, _, _ = visit(browser, site_url, f"chapters/{FIRST.dirname}/index")
    try:
        chart = page.locator(".startup-chart").first
        symbol = chart.locator("g.role-legend-symbol path").first
        symbol.scroll_into_view_if_needed()
        box = symbol.bounding_box()
        # Vega listens on the whole SVG and picks the item under the pointer
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
        opacities = chart.locator("g.mark-symbol.role-mark path").evaluate_all(
            "paths => paths.map(p => parseFloat(p.getAttribute('opacity') ?? p.style.opacity ?? '1'))")
        assert min(opacities) < 0.2 < max(opacities), "clicking a legend entry did not dim the other lanes"
    finally:
        context.close()


@pytest.mark.parametrize("docname", toc_docnames())
def test_page_content_has_no_serious_accessibility_violation(browser, site_url, docname):
    """axe-core over each page's main content (the theme's navigation is not this book's code)."""
    page, context, _, _, _ = visit(browser, site_url, docname)
    try:
        violations = Axe().run(page, context="main").response["violations"]
        serious = [(v["id"], v["impact"], v["nodes"][0]["html"][:120]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{docname}: {serious}"
    finally:
        context.close()
