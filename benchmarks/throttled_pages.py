"""Load pages of a built site in Chromium on a throttled link: bytes transferred, time to the last
chart drawn. A reusable module (the benchmark runner and anyone measuring a page can call it).

    from benchmarks.throttled_pages import measure_pages
    measure_pages(Path("_build/html"), ["chapters/02-japan/finance.html"], runs=3)

Each load is in a fresh browser context with the cache disabled, the link throttled through the
Chrome DevTools Protocol (`Network.emulateNetworkConditions`: 10 Mbit/s down and up, 40 ms
latency by default). Transfer size is the sum of `encodedDataLength` over every response the page
loaded (what crossed the wire, headers included). "Last chart drawn" is the time since navigation
start at which every `.startup-chart` on the page holds its SVG (vega-embed's output); for a page
without charts it is the load event. The site is served as a static host serves it (text files
gzip-compressed, as GitHub Pages and nginx do: `tests.support.site_server`).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.site_server import serve_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# resolves (the time since navigation start) once every chart holds its SVG, polled every frame
ALL_CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.startup-chart')];
  if (charts.length === 0) return document.readyState === 'complete' ? performance.now() : false;
  return charts.every(chart => chart.querySelector('svg')) ? performance.now() : false;
}"""


def throttle(context, page, *, mbit: float, latency_ms: float):
    """The page's link throttled and its cache disabled (CDP); returns the CDP session."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    throughput = mbit * 1e6 / 8  # bytes per second
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency_ms,
            "downloadThroughput": throughput,
            "uploadThroughput": throughput,
        },
    )
    return session


def load_once(browser, url: str, *, mbit: float, latency_ms: float, timeout_ms: int = 180_000) -> dict:
    context = browser.new_context()
    page = context.new_page()
    session = throttle(context, page, mbit=mbit, latency_ms=latency_ms)
    transferred: dict[str, float] = {}
    session.on(
        "Network.loadingFinished",
        lambda event: transferred.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    page.goto(url, wait_until="load", timeout=timeout_ms)
    drawn = page.wait_for_function(ALL_CHARTS_DRAWN, polling="raf", timeout=timeout_ms).json_value()
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    charts = page.evaluate("document.querySelectorAll('.startup-chart').length")
    context.close()
    return {
        "bytes": sum(transferred.values()),
        "seconds_to_last_chart": drawn / 1000,
        "charts": charts,
        "requests": len(transferred),
    }


def measure_pages(
    site: Path, pages: list[str], *, runs: int = 3, mbit: float = 10, latency_ms: float = 40
) -> dict:
    """{page: [one dict per run]} for each page (paths relative to the site)."""
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict]] = {}
    with serve_site(site, gzip=True) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            for name in pages:
                results[name] = [
                    load_once(browser, f"{base}/{name}", mbit=mbit, latency_ms=latency_ms)
                    for _ in range(runs)
                ]
        finally:
            browser.close()
    return results


def chapter_pages(site: Path, chapter_dirname: str) -> list[str]:
    """The built pages of one chapter (`chapters/<dirname>/*.html`), in name order."""
    return sorted(
        p.relative_to(site).as_posix() for p in (site / "chapters" / chapter_dirname).glob("*.html")
    )
