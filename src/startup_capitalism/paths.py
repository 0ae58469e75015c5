"""The layout of a book (each path relative to its root: `Book` joins them to the root it is given),
the package's own folder, and the repository the package is installed from."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # this package's folder (its code, its static files)
# the repository this package is installed from (editable): Book.from_here() and the benchmarks
ROOT = PACKAGE.parents[1]
DATA_DIR = Path("data")
DATAPACKAGE = DATA_DIR / "datapackage.json"
EVIDENCE_CSV = DATA_DIR / "evidence.csv"
ACTORS_CSV = DATA_DIR / "actors.csv"
SCORES_CSV = DATA_DIR / "scores.csv"
UNCODED_CSV = DATA_DIR / "uncoded-quantities.csv"
CHAPTERS_DIR = Path("chapters")
NOTEBOOKS_DIR = Path("notebooks")


def build_folder(root: Path) -> Path:
    """Where the build puts its work folders, caches and published site: `_build`, or the folder
    STARTUP_BUILD_DIR names when it is inside the book at `root`. The test suite sets it for its session,
    so that `make test` never changes what `make book` built; a scratch copy of the book that a
    test builds is another tree, and keeps its own `_build`."""
    chosen = os.environ.get("STARTUP_BUILD_DIR")
    if chosen and Path(chosen).resolve().is_relative_to(root.resolve()):
        return Path(chosen).resolve()
    return root / "_build"
