"""The book's command line, `python -m startup_capitalism COMMAND`; and a bare `jupyter-book build .`
stops with one line saying what to run instead (README, "Two commands")."""

from __future__ import annotations

import re
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
    # the build and the preview (startup_capitalism.commands): work folders `_build/work*`
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work" / "_build" / "html")
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work-pdf" / "_build" / "latex")
    assert not entry.is_bare_run(tmp_path, tmp_path / "_build" / "work-preview" / "_build" / "html")


def entry_point(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "startup_capitalism", *arguments], cwd=ROOT, capture_output=True, text=True
    )


def test_an_unknown_command_prints_the_usage_and_exits_2():
    result = entry_point("no-such-command")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python -m startup_capitalism"), result.stderr
    assert "invalid choice: 'no-such-command'" in result.stderr


def test_validate_names_the_file_and_line_of_a_bad_row(tmp_path):
    """A year cell made malformed in a copy of the evidence: the problem at `file:line: `."""
    rows = (ROOT / "data" / "evidence.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    line, row = next(
        (number, row) for number, row in enumerate(rows[1:], start=2) if re.search(r",(19|20)\d\d,", row)
    )
    year = re.search(r",((19|20)\d\d),", row).group(1)
    rows[line - 1] = row.replace(f",{year},", f",{year[:2]}I{year[3:]},", 1)
    bad = tmp_path / "evidence.csv"
    bad.write_text("".join(rows), encoding="utf-8")
    result = entry_point("validate", "--evidence", str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(rf"^{re.escape(str(bad))}:{line}: ", result.stderr, re.M), result.stderr
