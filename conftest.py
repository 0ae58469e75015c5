"""Let nbval test the MyST notebooks themselves, read through jupytext (no .ipynb copies on disk).

With `--nbval-lax` (what `make test` uses) every notebook under notebooks/ is executed in a fresh
kernel and a failing cell fails the run, named by notebook and cell. With `--nbval` and
`NBVAL_REFERENCE=build` (what `make reproduce` uses) each notebook is first given the outputs the
published build stored in its execution cache, and nbval compares every output it re-computes
against them.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import jupytext
from nbval.plugin import IPyNbFile

from startup_capitalism.sphinxext.execution_cache import build_reference_outputs


def is_myst_notebook(path: Path) -> bool:
    """A MyST notebook: markdown with a jupytext header (the chapter pages have none)."""
    if path.suffix != ".md":
        return False
    head = path.read_text(encoding="utf-8")[:400]
    return head.startswith("---") and "format_name: myst" in head and "kernelspec" in head


class MystNotebookFile(IPyNbFile):
    """nbval's notebook collector, reading a MyST markdown notebook with jupytext."""

    def collect(self):
        notebook = jupytext.read(self.path)
        if os.environ.get("NBVAL_REFERENCE") == "build":
            notebook = build_reference_outputs(notebook)
        # IPyNbFile.collect reads the file with nbformat; hand it the notebook made above instead
        with mock.patch("nbval.plugin.nbformat.read", return_value=notebook):
            yield from super().collect()


def pytest_collect_file(file_path: Path, parent):
    options = parent.config.option
    if (getattr(options, "nbval", False) or getattr(options, "nbval_lax", False)) and is_myst_notebook(
        file_path
    ):
        return MystNotebookFile.from_parent(parent, path=file_path)
    return None
