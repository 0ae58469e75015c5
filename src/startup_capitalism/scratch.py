"""A scratch copy of the repository's files, for the tests and the benchmark that change a book
without touching this one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def copy_of_the_files(destination: Path, source: Path) -> Path:
    """The files of the repository at `source` (tracked, or new and not ignored) copied to
    `destination`, with their modification times."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination / name)
    return destination
