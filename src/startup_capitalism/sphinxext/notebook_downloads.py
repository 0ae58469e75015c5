"""The executed notebook (`.ipynb`, with its outputs) offered beside each notebook page's `.md`.

sphinx-book-theme adds an `.ipynb` entry to its download button when the page context names one
(`ipynb_source`, under `_sources/`); nothing in jupyter-book 1.x sets it for MyST notebooks, and
myst-nb's own copies (`_build/jupyter_execute`) lack the outputs of notebooks served from the
execution cache. So each notebook page's executed notebook is taken from the execution cache the
build used (the outputs the page shows) and written into the site's `_sources/` beside the `.md`.
One thing is left out: the PNG copy of each glued chart (a glue record no notebook viewer shows,
kept for the PDF), which would double the download's size; the displayed charts keep theirs.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from sphinx.application import Sphinx
from sphinx.util import logging

from .execution_cache import build_reference_outputs

LOGGER = logging.getLogger(__name__)
# what a cell keeps: its tags (hide-input, ...); execution timestamps would differ between builds
KEPT_CELL_METADATA = ("tags",)
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info")
GLUED_PNG = "application/papermill.record/image/png"


def executed_notebook(source: Path, cache_folder: str):
    """The notebook read from its MyST source, with the outputs the build's cache holds for it."""
    merged = build_reference_outputs(jupytext.read(source), Path(cache_folder))
    merged.metadata = {k: v for k, v in merged.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    for number, cell in enumerate(merged.cells):
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        cell.id = f"cell-{number}"  # jupytext's ids are random: the same build, the same bytes
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(GLUED_PNG, None)
    return merged


def _offer_ipynb(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    source = Path(app.env.doc2path(pagename))
    try:
        notebook = executed_notebook(source, app.config.nb_execution_cache_path)
    except RuntimeError:
        LOGGER.warning(
            "no executed outputs of %s in the execution cache: no .ipynb download [startup.ipynb]",
            source.name,
            location=pagename,
            type="startup",
            subtype="ipynb",
        )
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target, version=4)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict:
    # before the theme's download button reads the context (sphinx-book-theme connects at 501)
    app.connect("html-page-context", _offer_ipynb, priority=400)
    # a file per page, written by whichever process writes the page; no shared state
    return {"parallel_read_safe": True, "parallel_write_safe": True}
