"""An execution cache keyed on the evidence data and this package as well as on the code cells.

_config.yml names the cache's folder (`execute: cache:`); this module keeps one subfolder of it per
version of the inputs. Why code: jupyter-cache keys a notebook on its code cells only, and neither
jupyter-book nor myst-nb has a key for other inputs (the data files, the package the notebooks
import), so an edited CSV would otherwise be served stale outputs.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from .. import paths
from ..book import Book

LOGGER = logging.getLogger(__name__)
EXECUTION_CACHE_VERSIONS_KEPT = 4


PACKAGE = paths.PACKAGE


def inputs_fingerprint(root: Path) -> str:
    """sha256 over the book's data files and this package: what every notebook's outputs depend on
    (read from the files each time, so a long-running preview sees an edit)."""
    book = Book(root)
    digest = hashlib.sha256()
    # the data named under the book's root, the package under the folder it is installed in
    named = [(path, path.relative_to(book.root)) for path in sorted(book.data_dir.glob("*.csv"))]
    named.append((book.datapackage, book.datapackage.relative_to(book.root)))
    named += [(path, path.relative_to(PACKAGE.parent)) for path in sorted(PACKAGE.rglob("*.py"))]
    for path, name in named:
        digest.update(name.as_posix().encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def default_execution_cache(root: Path) -> Path:
    return paths.build_folder(Path(root)) / ".jupyter_cache"


def execution_cache_folder(base: Path | None, root: Path) -> Path:
    """The jupyter-cache folder for the current inputs of the book at `root`: one per version of
    its data/ and the package; under `base`, by default the book's own build folder."""
    return (base or default_execution_cache(root)) / f"inputs-{inputs_fingerprint(root)[:16]}"


def build_reference_outputs(notebook, folder: Path):
    """The notebook with the outputs the last build stored in its execution cache (`folder`: the
    current inputs' one, `execution_cache_folder`) merged in: what nbval compares a fresh execution
    with, and the executed `.ipynb` the site offers."""
    from jupyter_cache import get_cache

    cache = get_cache(folder)
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError as error:
        raise RuntimeError(
            f"no outputs of the published build for this notebook: run `make book` first ({error})"
        ) from error
    return merged


def _key_execution_cache_on_inputs(app: Sphinx, config) -> None:
    """One jupyter-cache per version of the inputs: new data or code re-executes the notebooks.

    jupyter-cache keys a notebook on its code cells only, so an edited CSV would be served stale
    outputs. The cache folder is named after the inputs' fingerprint instead; Sphinx sees the
    changed setting and re-reads the notebooks, which then execute against the new inputs. Prose
    edits leave the fingerprint alone, so they execute nothing.
    """
    root = Path(app.srcdir)
    base = Path(config.nb_execution_cache_path or default_execution_cache(root))
    if base.name.startswith("inputs-"):
        return
    if not base.is_absolute() and base.parts[0] == "_build":
        # the test suite's own build folder, if set (paths.build_folder)
        base = paths.build_folder(root).joinpath(*base.parts[1:])
    elif not base.is_absolute():
        base = root / base
    folder = execution_cache_folder(base, root)
    config.nb_execution_cache_path = str(folder)
    LOGGER.info("execution cache for the current data and package: %s", folder)
    if base.is_dir():
        versions = sorted(base.glob("inputs-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [v for v in versions if v != folder][EXECUTION_CACHE_VERSIONS_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)


def setup(app) -> dict:
    app.connect("config-inited", _key_execution_cache_on_inputs, priority=400)
    # set once, in the main process, before anything is read
    return {"parallel_read_safe": True, "parallel_write_safe": True}
