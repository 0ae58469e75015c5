"""Identical rebuilds: the dates a build writes pinned to the commit's, and the SHA256SUMS of what it
publishes (`make reproduce` compares them with a cold build's: `commands.reproduce`).

A build is reproducible when two cold builds of one commit give the same bytes. What would differ
otherwise, and how it is pinned:
- dates (Sphinx's copyright and "last updated", the PDF's CreationDate/ModDate and its trailer
  /ID, LaTeX's \\today): SOURCE_DATE_EPOCH is the commit's date, with FORCE_SOURCE_DATE=1 for TeX;
- the build's own paths and the hashes of `_static` files are the same in any clone, since the
  scratch build runs the same commit with the same locked packages.
An incremental build writes what a cold build writes (startup_capitalism.sphinxext.reproducible
says how), so the tree's build is compared as it is, however many builds made it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

SUMS = "SHA256SUMS"
# relative path in the site or PDF folder -> why it may differ from a cold build (none may)
EXPECTED_DIFFERENCES: dict[str, str] = {}


def source_date_epoch(root: Path) -> str:
    """The last commit's time (seconds since 1970), or the already-set SOURCE_DATE_EPOCH."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
    # outside a git checkout (an unpacked archive) the date is pinned to the epoch, still stable
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "0"


def pin_build_dates(root: Path) -> None:
    """Make every date the build writes the commit's date (inherited by Sphinx, the kernels and TeX)."""
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(root)
    os.environ["FORCE_SOURCE_DATE"] = "1"  # TeX's \today and the PDF's dates and /ID
    os.environ.setdefault("TZ", "UTC")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sums_of(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file in folder but the SHA256SUMS itself, in sorted order."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    return {p.relative_to(folder).as_posix(): digest(p) for p in files}


def write_sums(folder: Path) -> Path:
    """folder/SHA256SUMS in `sha256sum -c` format."""
    out = folder / SUMS
    out.write_text("".join(f"{h}  {name}\n" for name, h in sums_of(folder).items()), encoding="utf-8")
    return out


def read_sums(path: Path) -> dict[str, str]:
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {name: h for h, name in pairs}


def write_all(*folders: Path | None) -> list[Path]:
    return [write_sums(folder) for folder in folders if folder is not None and folder.is_dir()]


def compare(ours: dict[str, str], theirs: dict[str, str], folder: str = "html") -> list[str]:
    """One line per file that is missing on one side or differs, unless expected (with the reason)."""
    lines = []
    for name in sorted(ours.keys() | theirs.keys()):
        if ours.get(name) == theirs.get(name):
            continue
        why = (
            "only in this build"
            if name not in theirs
            else "only in the scratch build"
            if name not in ours
            else "differs"
        )
        if f"{folder}/{name}" in EXPECTED_DIFFERENCES:
            print(f"    expected: {name} {why}: {EXPECTED_DIFFERENCES[f'{folder}/{name}']}")
            continue
        lines.append(f"{name}: {why}")
    return lines
