"""Every path of the project, resolved from this file so that it holds from any working folder."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # this package's folder (its code, its static files)
ROOT = PACKAGE.parents[1]
DATA_DIR = ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"
EVIDENCE_CSV = DATA_DIR / "evidence.csv"
ACTORS_CSV = DATA_DIR / "actors.csv"
SCORES_CSV = DATA_DIR / "scores.csv"
UNCODED_CSV = DATA_DIR / "uncoded-quantities.csv"
CHAPTERS_DIR = ROOT / "chapters"
NOTEBOOKS_DIR = ROOT / "notebooks"


def build_folder(root: Path) -> Path:
    """Where the build puts its work folders, caches and published site: `_build`, or the folder
    STARTUP_BUILD_DIR names when it is inside the book at `root`. The test suite sets it for its session,
    so that `make test` never changes what `make book` built; a scratch copy of the book that a
    test builds is another tree, and keeps its own `_build`."""
    chosen = os.environ.get("STARTUP_BUILD_DIR")
    if chosen and Path(chosen).resolve().is_relative_to(root.resolve()):
        return Path(chosen).resolve()
    return root / "_build"
