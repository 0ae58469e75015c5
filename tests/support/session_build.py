"""The suite's one build of the book, shared by every test and every worker of a run.

The suite builds in a folder of its own, never in what `make book` built and published: every
build the tests start (`python -m startup_capitalism build|reproduce|reexecute`) works there.
A scratch copy of the book is another tree and keeps its own `_build` (see paths.build_folder).

The suite runs on two workers (pytest-xdist, `--dist loadfile`: pyproject.toml's addopts), each a
process with its own session fixtures. The book is still built once per run: the first worker to
need it (a test's `built_book`, or nbval's first notebook) builds it under a lock and writes the
outcome beside the build, under this run's id; the others wait on the lock and read it. Nothing
else in the suite builds in BUILD, so the tests that compare its files with a cold build's
(test_reproducibility, test_epub) see the session's build whichever worker runs them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

# the book these tests are in (in a scratch copy, the copy: its tests test it)
ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build" / "test"
os.environ["STARTUP_BUILD_DIR"] = str(BUILD)
SITE = BUILD / "html"
PDF_DIR = BUILD / "pdf"
PDF = PDF_DIR / "book.pdf"  # the whole book: every chapter and the appendix
EXECUTION_CACHE = ".jupyter_cache"


SESSION_BUILD = BUILD / "session-build.json"
RUN_ID = "STARTUP_TEST_RUN"


def build_command(root: Path, target: str) -> list[str]:
    """The one command every test uses to build a book at `root` as `make html` (target "html") or
    `make book` ("book") builds it: strict, published only when every stage succeeded."""
    return [sys.executable, "-m", "startup_capitalism", "build", target, "--root", str(root)]


def run_build(root: Path, target: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root, target), cwd=root, env=env, capture_output=True, text=True)


def start_run() -> None:
    """This run's id, set once by the controlling process; the workers it starts inherit it, and so
    does a pytest that a test starts (it shares the run's build rather than making its own)."""
    os.environ.setdefault(RUN_ID, uuid.uuid4().hex)


def this_runs_outcome() -> dict | None:
    if not SESSION_BUILD.is_file():
        return None
    outcome = json.loads(SESSION_BUILD.read_text(encoding="utf-8"))
    return outcome if outcome["run"] == os.environ.get(RUN_ID) else None


def book_build_outcome() -> dict:
    """{"run", "returncode", "log", "problems"} of this run's build, built now if no worker has:
    its first build starts from a copy of the execution cache of `make book` when there is one
    (only read), so it executes what that did not."""
    BUILD.mkdir(parents=True, exist_ok=True)
    with (BUILD / "session-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        outcome = this_runs_outcome()
        if outcome is not None:
            return outcome
        published_cache = ROOT / "_build" / EXECUTION_CACHE
        if not (BUILD / EXECUTION_CACHE).is_dir() and published_cache.is_dir():
            shutil.copytree(published_cache, BUILD / EXECUTION_CACHE)
        result = run_build(ROOT, "book")
        log = result.stdout + result.stderr
        problems = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        outcome = {
            "run": os.environ[RUN_ID],
            "returncode": result.returncode,
            "log": log,
            "problems": (problems or log.splitlines()[-40:]) if result.returncode else [],
        }
        SESSION_BUILD.write_text(json.dumps(outcome), encoding="utf-8")
        return outcome
