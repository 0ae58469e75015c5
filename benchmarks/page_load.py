"""Print each page's transferred bytes and the time until its charts are drawn, in Chromium over
an emulated 10 Mbit/s link with 40 ms latency (Chrome DevTools Protocol network emulation).

    .venv/bin/python benchmarks/page_load.py            # serves _build/html itself

Pages are visited one after another in one browser context, as a reader clicks through, so the
Vega bundle comes from the browser's cache after the first chart page; the first chart page is
also measured with an empty cache. The site is served as a static host serves it (gzip for text
files, as GitHub Pages, Netlify and nginx's usual configuration do); `--no-gzip` serves it raw.
It prints figures; it asserts nothing (tests/test_browser.py checks the weights).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from site_server import CHARTS_DRAWN, serve_site, transferred_bytes_of  # noqa: E402

LINK = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pages() -> list[str]:
    from conftest import toc_docnames

    return toc_docnames()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gzip", action="store_true", help="serve the files uncompressed")
    args = parser.parse_args()
    site = ROOT / "_build" / "html"
    with serve_site(site, gzip=not args.no_gzip) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", LINK)
        print(f"{'page':<48} {'charts':>6} {'kB moved':>9} {'responses':>9} {'charts drawn (s)':>17}")
        first_chart_page_cold = True
        for docname in pages():
            if first_chart_page_cold and docname.startswith("chapters/"):
                session.send("Network.clearBrowserCache")
            with transferred_bytes_of(session) as moved:
                page.goto(f"{url}/{docname}.html", wait_until="load")
                charts = page.locator(".startup-chart").count()
                drawn = ""
                if charts:
                    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
                    # seconds from the navigation's start to the moment every chart has marks
                    drawn = f"{page.evaluate('performance.now()') / 1000:.2f}"
                    first_chart_page_cold = False
                page.wait_for_load_state("networkidle")
            print(f"{docname:<48} {charts:>6} {moved.bytes / 1000:>9.0f} {moved.requests:>9} {drawn:>17}")
        browser.close()


if __name__ == "__main__":
    main()
