"""Execute the notebooks the execution cache lacks, in parallel, before Sphinx reads them.

myst-nb (`execute_notebooks: cache`) executes the notebooks it finds stale one after another while
Sphinx reads them. This stage executes them first, one kernel per core, with jupyter-cache's
`local-parallel` executor, into the very cache myst-nb reads: the folder
`startup_capitalism.sphinxext.execution_cache` names after the inputs' fingerprint, each notebook
read by myst-nb's own reader (`myst_nb_md`), so that jupyter-cache keys it exactly as myst-nb
does and the build finds every executed notebook as a hit. A notebook that fails here is left
out of the cache: myst-nb executes it again in the build, which reports the error with its file.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..book import Book
from .console import ANSI, stage_log

# myst-nb's reader for MyST markdown notebooks, registered as a jupyter-cache reader plugin
MYST_NB_READER = {"name": "myst_nb_md", "type": "plugin"}
TIMEOUT = 300  # seconds per cell, as `execute: timeout` in _config.yml


@dataclass
class Executed:
    executed: list[str] = field(default_factory=list)  # paths relative to the book's root
    failed: dict[str, str] = field(default_factory=dict)  # path: the error the cell raised


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
            Path(uri).relative_to(book.root).as_posix(): error_of(cache, uri)
            for uri in result.excepted + result.errored
        },
    )


def error_of(cache, uri: str) -> str:
    """The error a failed notebook raised: the last line of the traceback jupyter-cache recorded
    for it (`KeyError: "unknown section ..."`)."""
    traceback = cache.get_project_record(uri).traceback or ""
    lines = [line.strip() for line in ANSI.sub("", traceback).splitlines() if line.strip()]
    return lines[-1] if lines else "no traceback recorded"
