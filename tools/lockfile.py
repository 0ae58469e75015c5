"""The lock file: every package in .venv, pinned with its hashes, resolved from requirements.txt.

    python tools/lockfile.py compile   # `make lock`: resolve requirements.txt into requirements.lock
    python tools/lockfile.py check     # stop (exit 1) when the lock is out of date with requirements.txt

requirements.txt is the short, human list; requirements.lock is what `make book` and `make test`
install, with `pip install --require-hashes`. The lock's first line records the SHA-256 of the
requirements.txt it was resolved from, so an edit to requirements.txt without `make lock` is
caught before anything is installed or built.

The resolver is uv (`uv pip compile`), run with `--no-config` so that no index or find-links of
the machine it runs on enters the lock: it resolves against the public package index only, with
the hashes of every file that index serves for each pinned version (any Linux machine, any CI).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

# the two files, in the tree the command runs in (make's folder); `make lock-check` runs this with
# the system Python before .venv and the package exist, so the book's root is that folder
REQUIREMENTS = "requirements.txt"
LOCK = "requirements.lock"
PYTHON_VERSION = "3.11"  # the lock's target: the Python of the Debian machines and of CI
STAMP = "# requirements.txt sha256: "


def requirements_digest(requirements: Path) -> str:
    return hashlib.sha256(requirements.read_bytes()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    if not lock.is_file():
        return None
    first = lock.read_text(encoding="utf-8").partition("\n")[0]
    return first.removeprefix(STAMP).strip() if first.startswith(STAMP) else None


def staleness(requirements: Path, lock: Path) -> str | None:
    """Why the lock cannot be installed as it is, or None when it matches requirements.txt."""
    name = lock.name
    if not lock.is_file():
        return f"{name} is missing"
    recorded = recorded_digest(lock)
    if recorded is None:
        return f"{name}:1: no '{STAMP.strip('# :')}' line: it was not written by `make lock`"
    if recorded != requirements_digest(requirements):
        return f"{name} is out of date with {requirements.name} (edited since the last `make lock`)"
    return None


def uv() -> str:
    """uv from .venv (it is in the lock itself), else from PATH."""
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.is_file() else shutil.which("uv")
    if found is None:
        sys.exit(
            "lockfile: uv is not installed: run `make deps` (it installs uv from the lock) "
            "or `pip install uv`"
        )
    return found


def compile_lock(requirements: Path, lock: Path) -> None:
    command = [
        uv(),
        "pip",
        "compile",
        "--no-config",
        "--generate-hashes",
        "--python-version",
        PYTHON_VERSION,
        "--custom-compile-command",
        "make lock",
        # jsonschema's optional IRI checker (jupyter-events asks for jsonschema[format-nongpl]):
        # importing it builds about 39 parsers, 0.9-1.4 s of CPU in every process that imports
        # jsonschema (each notebook kernel through altair, jupyter-book on every build), for a
        # format ("iri") no schema of ours or of our tools uses; jsonschema imports it only if
        # installed (python-jsonschema/jsonschema#1428, #1521). lark is there only for it.
        "--no-emit-package",
        "rfc3987-syntax",
        "--no-emit-package",
        "lark",
        str(requirements.relative_to(lock.parent)),
    ]
    # no index or find-links from the machine's environment either (see the docstring)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_INDEX", "UV_EXTRA_INDEX", "UV_FIND_LINKS", "PIP_"))
    }
    result = subprocess.run(command, cwd=lock.parent, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(f"lockfile: uv could not resolve {requirements.name} (see above); {lock.name} unchanged")
    text = f"{STAMP}{requirements_digest(requirements)}\n{result.stdout}"
    pins = sum(1 for line in result.stdout.splitlines() if "==" in line and not line.startswith(" "))
    if lock.is_file() and lock.read_text(encoding="utf-8") == text:
        # left untouched, so that make does not take it for a new lock and rebuild .venv
        print(f"lockfile: {lock.name} is up to date ({pins} packages pinned with their hashes)")
        return
    lock.write_text(text, encoding="utf-8")
    print(f"lockfile: {lock.name} written: {pins} packages pinned with their hashes")


def main(argv: list[str]) -> int:
    if argv not in (["compile"], ["check"]):
        print(__doc__, file=sys.stderr)
        return 2
    requirements, lock = Path.cwd() / REQUIREMENTS, Path.cwd() / LOCK
    if not requirements.is_file():
        print(f"lockfile: no {REQUIREMENTS} in {Path.cwd()}: run it in the book's folder", file=sys.stderr)
        return 2
    if argv == ["compile"]:
        compile_lock(requirements, lock)
        return 0
    problem = staleness(requirements, lock)
    if problem:
        print(
            f"lockfile: {problem}.\nlockfile: run `make lock` to resolve {REQUIREMENTS} "
            f"again, then commit both files.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
