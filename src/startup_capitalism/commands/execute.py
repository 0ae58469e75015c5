"""Execute the notebooks the execution cache lacks, in parallel, before Sphinx reads them.

myst-nb (`execute_notebooks: cache`) executes the notebooks it finds stale one after another while
Sphinx reads them. This stage executes them first, one kernel per core, with jupyter-cache's
`local-parallel` executor, into the very cache myst-nb reads: the folder
`startup_capitalism.sphinxext.execution_cache` names after the inputs' fingerprint, each notebook
read by myst-nb's own reader (`myst_nb_md`), so that jupyter-cache keys it exactly as myst-nb
does and the build finds every executed notebook as a hit. A notebook that fails here stops the
build with its file, the line that raised and the error (`Failure`), read from the traceback
jupyter-cache recorded: executing it again in Sphinx would only repeat the error, with less said
about it (myst-nb names the file alone).
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..book import Book
from .console import ANSI, stage_log

# myst-nb's reader for MyST markdown notebooks, registered as a jupyter-cache reader plugin
MYST_NB_READER = {"name": "myst_nb_md", "type": "plugin"}
TIMEOUT = 300  # seconds per cell, as `execute: timeout` in _config.yml


@dataclass(frozen=True)
class Failure:
    """Where and why a notebook failed: the line of its file that raised (the failing cell's first
    line when the traceback names none), the error (the traceback's last line) and the whole
    traceback."""

    line: int
    error: str
    traceback: str


@dataclass
class Executed:
    executed: list[str] = field(default_factory=list)  # paths relative to the book's root
    failed: dict[str, Failure] = field(default_factory=dict)  # path relative to the root: its failure


def notebooks(book: Book) -> list[Path]:
    """The book's MyST notebooks: the pages under notebooks/ with a kernel in their front matter."""
    return sorted(
        p for p in book.notebooks_dir.rglob("*.md") if "\nkernelspec:" in p.read_text(encoding="utf-8")[:800]
    )


def execute_missing(book: Book, log: Path, starting: Callable[[str], None] = print) -> Executed:
    """Execute every notebook with no cached outputs for the current inputs, one process per core
    (jupyter-cache's pool); `starting` is told each one before they run; the kernels' output goes
    to `log`."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    from ..sphinxext.execution_cache import execution_cache_folder

    cache = get_cache(execution_cache_folder(book.build_dir / ".jupyter_cache", book.root))
    missing = []
    for notebook in notebooks(book):
        record = cache.add_nb_to_project(str(notebook), read_data=MYST_NB_READER)
        try:
            cache.match_cache_notebook(cache.get_project_notebook(record.pk).nb)
        except KeyError:
            missing.append(record)
    for record in missing:
        starting(Path(record.uri).relative_to(book.root).as_posix())
    if not missing:
        return Executed()
    quiet = logging.getLogger("startup_capitalism.execute")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    executor = load_executor("local-parallel", cache, logger=quiet)
    # the executor sends multiprocessing's log to stderr (the stage's log): only while it runs
    pool_log = multiprocessing.get_logger()
    handlers, level = list(pool_log.handlers), pool_log.level
    try:
        with stage_log(log):
            result = executor.run_and_cache(
                filter_pks=[r.pk for r in missing], timeout=TIMEOUT, allow_errors=False
            )
    finally:
        pool_log.handlers[:] = handlers
        pool_log.setLevel(level)
    return Executed(
        [Path(uri).relative_to(book.root).as_posix() for uri in result.succeeded],
        {
            Path(uri).relative_to(book.root).as_posix(): failure_of(cache, uri)
            for uri in result.excepted + result.errored
        },
    )


# nbclient's CellExecutionError: the failing cell's source between two rules, then IPython's
# traceback, whose first frame in a cell is the failing cell's ("Cell In[2], line 12")
FAILED_CELL = re.compile(r"executing the following cell:\n-{18}\n(.*?)\n-{18}\n", re.S)
CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


def failure_of(cache, uri: str) -> Failure:
    """The failure jupyter-cache recorded for the notebook at `uri`, located in its file: the cell
    whose source the traceback quotes, found after its `{code-cell}` line (the source map of
    myst-nb's reader), and the line within the cell that IPython names."""
    record = cache.get_project_record(uri)
    traceback = ANSI.sub("", record.traceback or "")
    lines = [line.strip() for line in traceback.splitlines() if line.strip()]
    error = lines[-1] if lines else "no traceback recorded"
    notebook = cache.get_project_notebook(record.pk).nb
    starts = notebook.metadata.get("source_map") or [0] * len(notebook.cells)
    text = Path(uri).read_text(encoding="utf-8").splitlines()
    source = FAILED_CELL.search(traceback)
    for cell, start in zip(notebook.cells, starts, strict=False):
        if cell.cell_type != "code" or source is None or cell.source != source.group(1):
            continue
        first = cell.source.splitlines()[0] if cell.source else None
        body = next((n for n in range(start + 1, len(text)) if text[n] == first), start)
        within = CELL_LINE.search(traceback, source.end())
        return Failure(body + (int(within.group(1)) if within else 1), error, traceback)
    return Failure(1, error, traceback)
