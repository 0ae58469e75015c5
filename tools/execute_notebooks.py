"""Execute the notebooks the execution cache lacks, in parallel, before jupyter-book reads them.

    python tools/execute_notebooks.py        (the build driver runs it as a stage of its own)

myst-nb (`execute_notebooks: cache`) executes the notebooks it finds stale one after another while
Sphinx reads them. This stage executes them first, one kernel per core, with jupyter-cache's
`local-parallel` executor, into the very cache myst-nb reads: the folder
`startup_capitalism.sphinxext.execution_cache` names after the inputs' fingerprint, each notebook
read by myst-nb's own reader (`myst_nb_md`), so that jupyter-cache keys it exactly as myst-nb
does and the build finds every executed notebook as a hit. A notebook that fails here is left
out of the cache: myst-nb executes it again in the build, which reports the error with its file.

Prints one `executing <notebook>` line per notebook it executes (the build driver's format).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from startup_capitalism.paths import ROOT

# myst-nb's reader for MyST markdown notebooks, registered as a jupyter-cache reader plugin
MYST_NB_READER = {"name": "myst_nb_md", "type": "plugin"}
TIMEOUT = 300  # seconds per cell, as `execute: timeout` in _config.yml


def notebooks(root: Path = ROOT) -> list[Path]:
    """The book's MyST notebooks: the pages under notebooks/ with a kernel in their front matter."""
    return sorted(
        p
        for p in (root / "notebooks").rglob("*.md")
        if "\nkernelspec:" in p.read_text(encoding="utf-8")[:800]
    )


def execute_missing(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """Execute every notebook with no cached outputs for the current inputs, one process per core
    (jupyter-cache's pool); (executed, failed)."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    from startup_capitalism.paths import build_folder
    from startup_capitalism.sphinxext.execution_cache import execution_cache_folder

    cache = get_cache(execution_cache_folder(build_folder(root) / ".jupyter_cache"))
    missing = []
    for notebook in notebooks(root):
        record = cache.add_nb_to_project(str(notebook), read_data=MYST_NB_READER)
        try:
            cache.match_cache_notebook(cache.get_project_notebook(record.pk).nb)
        except KeyError:
            missing.append(record)
    for record in missing:
        print(f"    executing {Path(record.uri).relative_to(root)}", flush=True)
    if not missing:
        return [], []
    quiet = logging.getLogger("execute_notebooks")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    executor = load_executor("local-parallel", cache, logger=quiet)
    result = executor.run_and_cache(filter_pks=[r.pk for r in missing], timeout=TIMEOUT, allow_errors=False)
    relative = [str(Path(uri).relative_to(root)) for uri in result.succeeded]
    failed = [str(Path(uri).relative_to(root)) for uri in result.excepted + result.errored]
    return relative, failed


# the exit code when a notebook failed: the build goes on (myst-nb reports the error) but does not
# take the notebooks as executed
SOME_FAILED = 3


def main() -> int:
    executed, failed = execute_missing()
    for notebook in failed:
        print(
            f"    {notebook}: failed here; the HTML build executes it again and reports the error", flush=True
        )
    print(f"    {len(executed)} executed, {len(failed)} failed, on {os.cpu_count()} cores", flush=True)
    return SOME_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
