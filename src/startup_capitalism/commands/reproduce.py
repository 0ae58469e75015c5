"""`make reproduce`: a cold build of HEAD in a scratch clone, compared file by file with this tree's
published build (its SHA256SUMS; `checksums` says what is pinned so that they can agree).

With `working_tree`, the clone gets this tree's uncommitted files copied over HEAD: what the tests
compare their own incremental builds with, so that an author's edit in progress is no failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..book import Book
from .checksums import SUMS, compare, read_sums


def cold_build(tree: Path, target: str = "book") -> float:
    """Build `tree` from nothing with this .venv's Python and the tree's own package; seconds taken."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))  # the clone's package, not the editable one
    env.pop("STARTUP_BUILD_DIR", None)  # the clone builds in its own _build
    started = time.monotonic()
    command = [sys.executable, "-m", "startup_capitalism", "build", target, "--root", str(tree)]
    if subprocess.run(command, cwd=tree, env=env).returncode:
        sys.exit(f"reproduce: the build of {tree} failed (see above)")
    return time.monotonic() - started


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=True).stdout


def reproduce(book: Book, working_tree: bool = False) -> int:
    """0 when a cold build of HEAD is identical to this tree's published build, 1 otherwise."""
    from .build import build

    root, site, pdf = book.root, book.site_dir, book.pdf_dir
    if not (site / SUMS).is_file() or not (pdf / SUMS).is_file():
        print("==> [1/3] no published build with SHA256SUMS here: building this tree first", flush=True)
        if build(book, "book"):
            return 1
    else:
        sums = ", ".join(str((folder / SUMS).relative_to(root)) for folder in (site, pdf))
        print(f"==> [1/3] this tree's build: {sums}")
    head = git(root, "rev-parse", "HEAD").strip()
    if not working_tree and git(root, "status", "--porcelain", "--untracked-files=no"):
        print(
            "reproduce: note: uncommitted changes in this tree are not in the scratch clone of HEAD",
            file=sys.stderr,
        )
    differing = []
    with tempfile.TemporaryDirectory(prefix="reproduce-") as scratch:
        tree = Path(scratch) / "clone"
        print(f"==> [2/3] cold build of {head[:12]} in a scratch clone ({tree})", flush=True)
        subprocess.run(
            ["git", "clone", "--quiet", "--no-local", "--no-checkout", str(root), str(tree)], check=True
        )
        subprocess.run(["git", "checkout", "--quiet", head], cwd=tree, check=True)
        if working_tree:
            from ..scratch import copy_of_the_files

            copy_of_the_files(tree, root)
        seconds = cold_build(tree)
        print(f"    done in {seconds:.1f} s", flush=True)
        print("==> [3/3] comparing SHA256SUMS, file by file")
        for ours, folder in ((site, "html"), (pdf, "pdf")):
            theirs = read_sums(tree / "_build" / folder / SUMS)
            print(f"    {ours.relative_to(root)}: {len(theirs)} files")
            found = compare(read_sums(ours / SUMS), theirs, folder)
            differing += [f"{ours.relative_to(root)}/{line}" for line in found]
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
