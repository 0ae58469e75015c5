"""Save a page under a running `make preview` and wait, in Chromium, for the browser to reload.

Used by `make bench` (benchmarks/run.py) (which prints the time from the save to the reloaded page) and by
tests/test_preview.py (which checks that the reload happens, with no timed assert). A helper of the
bench and the tests, not a command of the book: it stays out of the package.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# the edit: a paragraph added at the end of the first chapter's opening page (restored after)
ADDED = "Preview check: this paragraph was saved while the preview was open."


def edited_page(root: Path) -> Path:
    from startup_capitalism.chapters import OPENING_SECTION, all_chapters

    first = all_chapters(root / "chapters")[0]
    return root / first.page_for_section(OPENING_SECTION).relative_to(first.root)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_preview(root: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    """`python -m startup_capitalism preview` of the book at `root`, once it serves; its output lines
    so far (what a person would read in the terminal: this helper is that person)."""
    environment = dict(os.environ)
    environment.pop("STARTUP_BUILD_DIR", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "startup_capitalism",
            "preview",
            "--root",
            str(root),
            "--port",
            str(port),
        ],
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    for line in process.stdout:
        output.append(line.rstrip("\n"))
        if line.startswith("preview: serving"):
            return process, output
    raise RuntimeError("the preview stopped before serving:\n" + "\n".join(output[-40:]))


def save_and_wait_for_reload(root: Path) -> dict:
    """Open the page, save a paragraph added at its end, wait until the browser shows it after a
    reload; the page is restored afterwards. Returns what happened and how long it took."""
    page_file = edited_page(root)
    docname = page_file.relative_to(root).with_suffix("").as_posix()
    original = page_file.read_text(encoding="utf-8")
    port = free_port()
    process, output = start_preview(root, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/{docname}.html", wait_until="load")
            page.evaluate("window.beforeTheSave = true")
            saved = time.monotonic()
            page_file.write_text(original.rstrip("\n") + f"\n\n{ADDED}\n", encoding="utf-8")
            page.wait_for_function(
                # the page has no body for a moment while it reloads
                "edited => !window.beforeTheSave && document.body !== null"
                " && document.body.innerText.includes(edited)",
                arg=ADDED,
                timeout=120_000,
                polling=50,
            )
            seconds = time.monotonic() - saved
            reloaded = page.evaluate("window.beforeTheSave === undefined")
            browser.close()
    finally:
        page_file.write_text(original, encoding="utf-8")
        process.terminate()
        rest, _ = process.communicate(timeout=30)
        output += rest.splitlines()
    return {"seconds": seconds, "reloaded": reloaded, "output": output}
