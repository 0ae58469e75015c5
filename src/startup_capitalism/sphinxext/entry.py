"""Sphinx: a plain `jupyter-book build .` stops with one line saying what to run instead.

Run bare, jupyter-book writes its output to `_build/html` (or `_build/latex`) under the book: the
first is the folder `make html` publishes only after the data validated and every stage passed,
and the bare command validates nothing and is not strict. `tools/build_book.py` (`make html`,
`make book`) and `tools/preview.py` (`make preview`) build into work folders of their own
(`_build/work*/_build/...`), so an output folder directly under the book's `_build/` is the mark
of a bare run. Checked in `setup`, before anything is read or written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.application import Sphinx

INSTEAD = (
    "this book is built with `make html` (the site) or `make book` (site and PDF), which validate the "
    "data first and build strictly; `make preview` for a live preview. `jupyter-book build .` would "
    "write over the published _build/html unchecked, so it stops here."
)


def is_bare_run(srcdir: Path, outdir: Path) -> bool:
    """True when the output folder is jupyter-book's default one, `<book>/_build/<builder>`."""
    return Path(outdir).resolve().parent == (Path(srcdir) / "_build").resolve()


def setup(app: Sphinx) -> dict:
    if is_bare_run(app.srcdir, app.outdir):
        # SystemExit, not a Sphinx error: jupyter-book prints a Sphinx error with its traceback
        sys.exit(f"startup_capitalism: {INSTEAD}")
    return {"parallel_read_safe": True, "parallel_write_safe": True}  # a check in setup, no state
