"""`make reproduce`: re-execute every notebook in a fresh kernel and compare it with the build.

1. Brings the published build up to date (`build_book.py html`): its execution cache holds the
   outputs the site shows, keyed on the current data and package.
2. Runs nbval strictly (`--nbval`) on every MyST notebook, each in a fresh kernel, after giving
   each notebook the outputs of the build (`NBVAL_REFERENCE=build`, see conftest.py). The only
   sanitizer is in tests/nbval-sanitize.cfg, with the reason for it.
3. Prints a table per notebook (cells, outputs compared, mismatches, seconds) and exits non-zero
   on any mismatch or error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import jupytext
import pytest

from startup_capitalism.paths import ROOT
from startup_capitalism.sphinxext.execution_cache import build_reference_outputs

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.md"))


class Tally:
    """A pytest plugin that counts nbval's cell results per notebook."""

    def __init__(self) -> None:
        self.cells: dict[str, int] = defaultdict(int)
        self.failed: dict[str, list[str]] = defaultdict(list)
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report) -> None:
        notebook, _, cell = report.nodeid.partition("::")
        if report.when == "call":
            self.cells[notebook] += 1
            self.seconds[notebook] += report.duration
        if report.failed:
            self.failed[notebook].append(f"{cell} ({report.when})")


def outputs_compared(path: Path) -> int:
    notebook = build_reference_outputs(jupytext.read(path))
    return sum(len(cell.get("outputs", [])) for cell in notebook.cells if cell.cell_type == "code")


def main() -> int:
    print("==> [1/3] bringing the published build up to date", flush=True)
    if subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "book"], cwd=ROOT).returncode:
        print("reproduce: the build failed; nothing to compare against", file=sys.stderr)
        return 1
    print("==> [2/3] re-executing every notebook in a fresh kernel (nbval, strict)", flush=True)
    os.environ["NBVAL_REFERENCE"] = "build"
    tally = Tally()
    started = time.monotonic()
    code = pytest.main(
        [
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval-sanitize.cfg"),
            "-o",
            "addopts=",
            *map(str, NOTEBOOKS),
        ],
        plugins=[tally],
    )
    print(f"==> [3/3] comparison ({time.monotonic() - started:.1f} s in all)")
    header = f"{'notebook':<44} {'cells':>5} {'outputs':>8} {'mismatches':>10} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    mismatches = 0
    for path in NOTEBOOKS:
        name = path.relative_to(ROOT).as_posix()
        failed = tally.failed.get(name, [])
        mismatches += len(failed)
        print(
            f"{name:<44} {tally.cells.get(name, 0):>5} {outputs_compared(path):>8} {len(failed):>10} "
            f"{tally.seconds.get(name, 0.0):>8.1f}"
        )
        for cell in failed:
            print(f"    mismatch or error: {cell}")
    print("-" * len(header))
    if code != 0 or mismatches:
        print(f"reproduce: {mismatches} cell(s) differ from the published build", file=sys.stderr)
        return 1
    print("reproduce: every output matches the published build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
