"""Every path of the project, resolved from this file so that it holds from any working folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"
EVIDENCE_CSV = DATA_DIR / "evidence.csv"
ACTORS_CSV = DATA_DIR / "actors.csv"
SCORES_CSV = DATA_DIR / "scores.csv"
UNCODED_CSV = DATA_DIR / "uncoded-quantities.csv"
CHAPTERS_DIR = ROOT / "chapters"
NOTEBOOKS_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "_build"
