"""A bare `jupyter-book build .` stops with one line saying what to run instead (README, "Two commands")."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from startup_capitalism.sphinxext import entry


def test_a_bare_jupyter_book_build_stops_and_says_what_to_run(tmp_path):
    """A one-page book with this book's `_config.yml` (so its extension), built as a user would."""
    shutil.copy2(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("# A page\n\nSome words.\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    said = [line for line in (result.stdout + result.stderr).splitlines() if "startup_capitalism:" in line]
    assert len(said) == 1 and "make html" in said[0] and "make book" in said[0], result.stdout + result.stderr
    assert not (tmp_path / "_build" / "html").exists()


def test_the_drivers_work_folders_are_not_a_bare_run(tmp_path):
    assert entry.is_bare_run(tmp_path, tmp_path / "_build" / "html")
    assert entry.is_bare_run(tmp_path, tmp_path / "_build" / "latex")
    # tools/build_book.py and tools/preview.py: `--path-output _build/work*`
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work" / "_build" / "html")
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work-pdf" / "_build" / "latex")
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work-preview" / "_build" / "html")
