"""Let nbval test the MyST notebooks themselves, read through jupytext (no .ipynb copies on disk).

`make test` runs nbval strictly (`--nbval`, pyproject's addopts): before a notebook's first cell
runs, each code cell is given the outputs and execution count the published build stored for it
(the build's execution cache, keyed on the current data and package), so nbval re-executes the
notebook in a fresh kernel and compares every output with what the build published; a changed
output fails, named by notebook and cell. The sanitizers are in tests/nbval-sanitize.cfg.
`NBVAL_REFERENCE_CACHE` names another jupyter-cache folder to take the reference from.
With `--nbval-lax` nothing is compared: a notebook only has to run without error.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import jupytext
from nbval.plugin import IPyNbFile

from startup_capitalism.book import Book
from startup_capitalism.sphinxext.execution_cache import build_reference_outputs, execution_cache_folder
from tests.support import session_build

# the fixtures of Sphinx's own test kit (`app`, `make_app`, `@pytest.mark.sphinx`): the extension's
# tests build small fixture books (tests/roots/) with them, in seconds (pytest wants a plugin
# declared in the top-level conftest)
pytest_plugins = ("sphinx.testing.fixtures",)


def is_myst_notebook(path: Path) -> bool:
    """A MyST notebook: markdown with a jupytext header (the chapter pages have none)."""
    if path.suffix != ".md":
        return False
    head = path.read_text(encoding="utf-8")[:400]
    return head.startswith("---") and "format_name: myst" in head and "kernelspec" in head


def reference_outputs(notebook, path: Path):
    """The notebook as the build executed it (outputs, execution counts), from the execution cache."""
    folder = os.environ.get("NBVAL_REFERENCE_CACHE")
    try:
        book = Book.containing(path)
        return build_reference_outputs(
            notebook, Path(folder) if folder else execution_cache_folder(None, book.root)
        )
    except RuntimeError as error:
        raise RuntimeError(
            f"{path}: {error}; the suite builds the book before it runs the notebooks"
        ) from None


class MystNotebookFile(IPyNbFile):
    """nbval's notebook collector, reading a MyST markdown notebook with jupytext."""

    def collect(self):
        self.notebook = jupytext.read(self.path)
        # IPyNbFile.collect reads the file with nbformat; hand it the notebook read above instead
        with mock.patch("nbval.plugin.nbformat.read", return_value=self.notebook):
            self.cell_items = list(super().collect())
        yield from self.cell_items

    def setup(self):
        # the reference is read when the notebook's first cell is about to run, not at collection:
        # from the suite's build of the book, made now if no test of this run has made it yet
        if self.compare_outputs:
            if session_build.book_build_outcome()["returncode"] != 0:
                raise RuntimeError(
                    f"{self.path}: no reference outputs: the book's build failed (its problems are "
                    "printed under 'book build' at the end of this run)"
                )
            built = reference_outputs(self.notebook, self.path)
            code_cells = [cell for cell in built.cells if cell.cell_type == "code"]
            for item, reference in zip(self.cell_items, code_cells, strict=True):
                item.cell.outputs = reference.outputs
                item.cell.execution_count = reference.execution_count
        super().setup()


def pytest_configure(config):
    # this run's id (tests/support/session_build.py), set once by the controlling process, before
    # it starts its workers, which inherit it
    if not hasattr(config, "workerinput"):
        session_build.start_run()


def pytest_collect_file(file_path: Path, parent):
    options = parent.config.option
    if (getattr(options, "nbval", False) or getattr(options, "nbval_lax", False)) and is_myst_notebook(
        file_path
    ):
        return MystNotebookFile.from_parent(parent, path=file_path)
    return None
