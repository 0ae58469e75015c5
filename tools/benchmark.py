"""`make benchmark`: print how long the common builds take and how big the outputs are.

Measures, on this machine: a rebuild with nothing changed, a rebuild after a prose edit, the time
from saving a page under `make preview` to the reloaded page in Chromium, the
execution of every notebook in a fresh kernel, and the sizes of the environment, the site, the
PDF and the offline Vega bundle. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from startup_capitalism.chapters import all_chapters

ROOT = Path(__file__).resolve().parent.parent
# a page of prose whose edit executes no notebook: the first chapter's last section
FIRST_CHAPTER = all_chapters()[0]
PROSE_PAGE = FIRST_CHAPTER.page_for_section(FIRST_CHAPTER.sections()[-1])


def size(path: Path) -> str:
    if not path.exists():
        return "absent"
    total = (
        path.stat().st_size
        if path.is_file()
        else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    )
    return f"{total / 1e6:.1f} MB"


def timed(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def main() -> None:
    build = [sys.executable, str(ROOT / "tools" / "build_book.py")]
    print("==> measuring (each build is strict, as `make book` runs it)", flush=True)
    figures = {"site and PDF, up to date first": timed(build + ["book"])}
    figures["site rebuild, nothing changed"] = timed(build + ["html"])
    original = PROSE_PAGE.read_text(encoding="utf-8")
    try:
        PROSE_PAGE.write_text(original + "\n", encoding="utf-8")
        figures["site rebuild after a prose edit"] = timed(build + ["html"])
    finally:
        PROSE_PAGE.write_text(original, encoding="utf-8")
    sys.path.insert(0, str(ROOT / "tools"))
    from preview_reload import save_and_wait_for_reload

    figures["make preview: save to reloaded page in Chromium"] = save_and_wait_for_reload(ROOT)["seconds"]
    figures["every notebook in a fresh kernel (nbval)"] = timed(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks"]
    )
    figures["site and PDF again (restores the published PDF)"] = timed(build + ["book"])
    print(f"{'what':<52} {'seconds':>8}")
    for what, seconds in figures.items():
        print(f"{what:<52} {seconds:>8.1f}")
    print()
    print(f"{'output':<52} {'size':>10}")
    for what, path in (
        ("Python environment (.venv)", ROOT / ".venv"),
        ("site (_build/html)", ROOT / "_build" / "html"),
        ("PDFs, the book's and one per chapter (_build/pdf)", ROOT / "_build" / "pdf"),
        (
            "offline Vega bundle (_static/vega-offline.js)",
            ROOT / "_build" / "html" / "_static" / "vega-offline.js",
        ),
        ("execution cache (_build/.jupyter_cache)", ROOT / "_build" / ".jupyter_cache"),
    ):
        print(f"{what:<52} {size(path):>10}")


if __name__ == "__main__":
    main()
