"""Lighthouse on the built site, as a reader's browser sees it: the front page, the chapter page with
the most charts and the evidence explorer, on a phone (Lighthouse's default: a mid-range phone on a
slow 4G link, simulated) and a desktop (`--preset=desktop`). Also how soon the explorer shows its
rows on the bench's throttled link. A reusable module (the benchmark runner calls `figures`):

    from benchmarks.lighthouse import figures
    figures(Path("_build/html"), runs=1)

Lighthouse is npm's `lighthouse`, pinned, installed by the bench into `_build/lighthouse` (never by
`make test`, never into the tree) and run with Debian's Chromium. It is installed without a lock
file: one of its dependencies asks for another's "latest", so a lock is out of date as soon as that
package publishes (`npm ci` then refuses it). The site is served as a static host serves it (gzip,
`tests.support.site_server`), so the scores are those of the published site, not of
Python's uncompressed http.server.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks import throttled_pages
from benchmarks.report import Figure
from startup_capitalism.evidence.explorer import PAGE as EXPLORER
from startup_capitalism.paths import ROOT
from tests.support.site_server import serve_site

LIGHTHOUSE_VERSION = "12.8.2"  # the last 12.x: 13 wants Node 22, Debian's is 20
INSTALL_DIR = ROOT / "_build" / "lighthouse"
CLI = INSTALL_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best Practices",
    "seo": "SEO",
}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}
FORM_FACTORS = ("mobile", "desktop")
GOAL = 90  # the goal for every score (Performance ≥ 90 on a phone, the others 100)
# the explorer on the bench's link (10 Mbit/s, 40 ms): the goal for both figures
EXPLORER_GOAL_S = 1.5


def install() -> Path:
    """`lighthouse` at LIGHTHOUSE_VERSION in _build/lighthouse (about 30 s the first time)."""
    installed = INSTALL_DIR / "node_modules" / "lighthouse" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return CLI
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed: `apt-get install npm` (Debian) brings Node and npm")
    INSTALL_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(INSTALL_DIR),
            "--no-save",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            "--save-exact",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return CLI


def chart_page(site: Path) -> str:
    """The chapter page that draws the most charts (the heaviest a reader opens)."""
    pages = sorted(site.glob("chapters/*/*.html"))
    return (
        max(pages, key=lambda p: p.read_text(encoding="utf-8").count('class="startup-chart"'))
        .relative_to(site)
        .as_posix()
    )


def audit(url: str, form_factor: str) -> dict:
    """One Lighthouse run: {category: score 0-100, metric: value in s (CLS unitless)}."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report = Path(folder) / "report.json"
        command = [
            "node",
            str(CLI),
            url,
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        subprocess.run(
            command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, cwd=folder, timeout=300
        )
        result = json.loads(report.read_text(encoding="utf-8"))
    measured = {key: round(100 * result["categories"][key]["score"]) for key in CATEGORIES}
    # what costs a score points, beside the performance metrics: the audits that failed
    measured["failed"] = sorted(
        {
            ref["id"]
            for key in CATEGORIES
            if key != "performance"
            for ref in result["categories"][key]["auditRefs"]
            if ref["weight"]
            and (result["audits"][ref["id"]]["score"] or 0) < 1
            and result["audits"][ref["id"]]["scoreDisplayMode"] in ("binary", "numeric")
        }
    )
    for key in METRICS:
        value = result["audits"][key]["numericValue"]
        measured[key] = value if key == "cumulative-layout-shift" else value / 1000
    return measured


def _key(page: str) -> str:
    return {"index.html": "front", f"{EXPLORER}.html": "explorer"}.get(page, "chart")


def lighthouse_figures(site: Path, runs: int = 1) -> tuple[list[Figure], list[str]]:
    install()
    pages = ["index.html", chart_page(site), f"{EXPLORER}.html"]
    figures, notes = [], []
    with serve_site(site, gzip=True) as base:
        for page in pages:
            for form_factor in FORM_FACTORS:
                results = [audit(f"{base}/{page}", form_factor) for _ in range(runs)]
                for key, name in CATEGORIES.items():
                    scores = [r[key] for r in results]
                    goal = 100 if key != "performance" else GOAL
                    figures.append(
                        Figure(
                            f"lighthouse_{_key(page)}_{form_factor}_{key.replace('-', '_')}",
                            f"Lighthouse {name}, {form_factor}: {page}",
                            "points",
                            scores,
                            goal,
                            f"≥ {goal}",
                            higher_is_better=True,
                        )
                    )
                medians = {
                    short: statistics.median(r[key] for r in results) for key, short in METRICS.items()
                }
                metrics = ", ".join(
                    f"{short} {value:.3g}{'' if short == 'CLS' else ' s'}" for short, value in medians.items()
                )
                failed = sorted({audit_id for r in results for audit_id in r["failed"]})
                notes.append(
                    f"Lighthouse {LIGHTHOUSE_VERSION}, {form_factor}, {page}: {metrics}; failed audits "
                    f"outside Performance: {', '.join(failed) or 'none'}"
                )
    return figures, notes


# When the first row of the explorer is painted, and when a `#row-` link's row is on screen: polled
# at every frame from before the page's first byte (an init script). The frame that first finds the
# row laid out in the viewport paints it; its paint can come later than the frame's callbacks, so
# the time taken is the later of that frame and the page's first contentful paint.
ROW_ON_SCREEN = """(() => {
  window.__rowOnScreen = null;
  const wanted = location.hash.startsWith('#row-') ? decodeURIComponent(location.hash.slice(1)) : null;
  const poll = () => {
    const row = wanted ? document.getElementById(wanted) : document.querySelector('.evidence-row');
    const box = row && row.getBoundingClientRect();
    const shown = box && box.height > 0 && box.top >= 0 && box.top < innerHeight;
    if (shown) window.__rowOnScreen = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})()"""


ROW_PAINTED = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return window.__rowOnScreen !== null && paint ? Math.max(window.__rowOnScreen, paint.startTime) : false;
}"""


def explorer_times(
    site: Path, runs: int, *, mbit: float = 10, latency_ms: float = 40
) -> dict[str, list[float]]:
    """Seconds from navigation start to the first row on screen, and to a `#row-` link's row (a row
    half-way down the page), each load in a fresh context on the bench's throttled link."""
    from playwright.sync_api import sync_playwright

    html = (site / f"{EXPLORER}.html").read_text(encoding="utf-8")
    ids = [part.split('"', 1)[0] for part in html.split('<article class="evidence-row" id="')[1:]]
    targets = {"first_row": "", "row_link": f"#{ids[len(ids) // 2]}"}
    times: dict[str, list[float]] = {name: [] for name in targets}
    with serve_site(site, gzip=True) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=throttled_pages.CHROMIUM_FLAGS, headless=True
        )
        try:
            # a static host compresses a file once, not per request: compress them all before timing
            warm = browser.new_page()
            warm.goto(f"{base}/{EXPLORER}.html", wait_until="load")
            warm.close()
            for _ in range(runs):
                for name, fragment in targets.items():
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    context.add_init_script(ROW_ON_SCREEN)
                    page = context.new_page()
                    throttled_pages.throttle(context, page, mbit=mbit, latency_ms=latency_ms)
                    page.goto(f"{base}/{EXPLORER}.html{fragment}", wait_until="load")
                    shown = page.wait_for_function(ROW_PAINTED, polling="raf", timeout=60_000)
                    times[name].append(shown.json_value() / 1000)
                    context.close()
        finally:
            browser.close()
    return times


def explorer_figures(site: Path, runs: int) -> list[Figure]:
    times = explorer_times(site, runs)
    return [
        Figure(
            "explorer_first_row_s",
            "evidence explorer: first row on screen at 390 px (10 Mbit/s, 40 ms)",
            "s",
            times["first_row"],
            EXPLORER_GOAL_S,
            f"≤ {EXPLORER_GOAL_S} s",
        ),
        Figure(
            "explorer_row_link_s",
            "evidence explorer: a `#row-` link's row on screen at 390 px (10 Mbit/s, 40 ms)",
            "s",
            times["row_link"],
            EXPLORER_GOAL_S,
            f"≤ {EXPLORER_GOAL_S} s",
            "a row half-way down the page",
        ),
    ]


def figures(site: Path, runs: int = 1) -> tuple[list[Figure], list[str]]:
    """The explorer's times (`runs` loads each) and Lighthouse's four scores for each page and form
    factor (`runs` audits each, median)."""
    explorer = explorer_figures(site, runs)
    scores, notes = lighthouse_figures(site, runs)
    return explorer + scores, notes


if __name__ == "__main__":  # python -m benchmarks.lighthouse [site]: print the figures alone
    import sys

    from benchmarks import report

    found, found_notes = figures(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html")
    print(report.table(found))
    print("\n".join(found_notes))
