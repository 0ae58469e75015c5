"""Identical rebuilds: SHA256SUMS of the published site and PDFs, and a cold rebuild to compare.

    python tools/checksums.py write       # (the build calls it) _build/html/SHA256SUMS, _build/pdf/SHA256SUMS
    python tools/checksums.py reproduce   # `make reproduce`: a cold build of HEAD in a scratch clone,
                                          # compared file by file with this tree's SHA256SUMS
    python tools/checksums.py reproduce --working-tree   # the same, with uncommitted files (the tests)

A build is reproducible when two cold builds of one commit give the same bytes. What would differ
otherwise, and how it is pinned:
- dates (Sphinx's copyright and "last updated", the PDF's CreationDate/ModDate and its trailer
  /ID, LaTeX's \\today): SOURCE_DATE_EPOCH is the commit's date, with FORCE_SOURCE_DATE=1 for TeX;
- the build's own paths and the hashes of `_static` files are the same in any clone, since the
  scratch build runs the same commit with the same locked packages.
An incremental build writes what a cold build writes (startup_capitalism.sphinxext.reproducible
says how), so the tree's build is compared as it is, however many builds made it, with nothing
expected to differ.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from startup_capitalism.paths import ROOT, build_folder

BUILD = build_folder(ROOT)  # `_build`, or the test suite's own build folder
SITE = BUILD / "html"
PDF_DIR = BUILD / "pdf"
SUMS = "SHA256SUMS"
# relative path in the site or PDF folder -> why it may differ from a cold build (none may)
EXPECTED_DIFFERENCES: dict[str, str] = {}


def source_date_epoch(root: Path = ROOT) -> str:
    """The last commit's time (seconds since 1970), or the already-set SOURCE_DATE_EPOCH."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
    # outside a git checkout (an unpacked archive) the date is pinned to the epoch, still stable
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "0"


def pin_build_dates(root: Path = ROOT) -> None:
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


def write_all(site: Path = SITE, pdf_dir: Path | None = PDF_DIR) -> list[Path]:
    return [write_sums(folder) for folder in (site, pdf_dir) if folder is not None and folder.is_dir()]


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


def cold_build(tree: Path, target: str = "book") -> float:
    """Build `tree` from nothing with this .venv's Python and the tree's own package; seconds taken."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))  # the clone's package, not the editable one
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(tree / "tools" / "build_book.py"), target], cwd=tree, env=env
    )
    if result.returncode:
        sys.exit(f"checksums: the build of {tree} failed (see above)")
    return time.monotonic() - started


def reproduce(working_tree: bool = False) -> int:
    """Compare this tree's published build with a cold build of HEAD in a scratch clone (with
    `working_tree`, of HEAD with this tree's uncommitted files copied over it: what the tests
    compare their own incremental builds with, so that an author's edit in progress is no failure)."""
    if not (SITE / SUMS).is_file() or not (PDF_DIR / SUMS).is_file():
        print("==> [1/3] no published build with SHA256SUMS here: building this tree first", flush=True)
        cold_build(ROOT)
    else:
        sums = ", ".join(str((folder / SUMS).relative_to(ROOT)) for folder in (SITE, PDF_DIR))
        print(f"==> [1/3] this tree's build: {sums}")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    if (
        not working_tree
        and subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    ):
        print(
            "checksums: note: uncommitted changes in this tree are not in the scratch clone of HEAD",
            file=sys.stderr,
        )
    differing = []
    with tempfile.TemporaryDirectory(prefix="reproduce-") as scratch:
        tree = Path(scratch) / "clone"
        print(f"==> [2/3] cold build of {head[:12]} in a scratch clone ({tree})", flush=True)
        subprocess.run(
            ["git", "clone", "--quiet", "--no-local", "--no-checkout", str(ROOT), str(tree)], check=True
        )
        subprocess.run(["git", "checkout", "--quiet", head], cwd=tree, check=True)
        if working_tree:
            from startup_capitalism.scratch import copy_of_the_files

            copy_of_the_files(tree, ROOT)
        seconds = cold_build(tree)
        print(f"    done in {seconds:.1f} s", flush=True)
        print("==> [3/3] comparing SHA256SUMS, file by file")
        for ours, folder in ((SITE, "html"), (PDF_DIR, "pdf")):
            theirs = read_sums(tree / "_build" / folder / SUMS)
            print(f"    {ours.relative_to(ROOT)}: {len(theirs)} files")
            found = compare(read_sums(ours / SUMS), theirs, folder)
            differing += [f"{ours.relative_to(ROOT)}/{line}" for line in found]
    for line in differing:
        print(f"DIFFERS {line}")
    if differing:
        print(
            f"reproduce: {len(differing)} file(s) differ between this build and a cold build of {head[:12]}",
            file=sys.stderr,
        )
        return 1
    print(f"reproduce: a cold build of {head[:12]} is identical to this one, file by file")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["write"]:
        for path in write_all():
            print(f"    {path.relative_to(ROOT)}")
        return 0
    if argv == ["reproduce"]:
        return reproduce()
    if argv == ["reproduce", "--working-tree"]:
        return reproduce(working_tree=True)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
