"""Builds in a scratch copy of the book: what re-executes, and what a bad edit does.

The copy carries the execution cache and the work folder of the real build, so it starts warm;
PYTHONPATH points the package (and so every path it resolves) at the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager

import pytest

from conftest import ROOT

EXECUTED = re.compile(r"^(\S+\.md): Executing notebook", re.M)
NOTEBOOK_COUNT = len(list((ROOT / "notebooks").rglob("*.md")))


@pytest.fixture(scope="module")
def scratch_book(built_book, tmp_path_factory):
    copy = tmp_path_factory.mktemp("book") / "book"
    ignore = shutil.ignore_patterns(".venv", ".git", ".pytest_cache", ".hypothesis", "work-pdf", "html", "pdf", "*.egg-info")
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


def build(copy, *, expect_ok: bool = True, **variables: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(copy / "src"), **variables}
    result = subprocess.run([sys.executable, str(copy / "tools" / "build_book.py"), "html"], cwd=copy,
                            env=environment, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert (result.returncode == 0) == expect_ok, log[-5000:]
    return log


@contextmanager
def edited(path, old: str, new: str):
    """The file with its first `old` replaced by `new`, restored afterwards."""
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    try:
        yield path
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_warm_rebuild_executes_nothing(scratch_book):
    build(scratch_book)  # the copy's first build: new paths, same cache
    log = build(scratch_book)
    assert EXECUTED.findall(log) == []


def test_a_prose_edit_executes_no_notebook(scratch_book):
    page = scratch_book / "chapters" / "02-japan" / "finance.md"
    with edited(page, "By the mid-1990s, excitement", "By the mid-1990s, ProseEditMarker excitement"):
        log = build(scratch_book)
        assert EXECUTED.findall(log) == [], "a prose edit re-executed notebooks"
        assert "ProseEditMarker" in (scratch_book / "_build" / "html" / "chapters" / "02-japan" / "finance.html").read_text()


def test_a_data_edit_executes_the_notebooks_that_read_it_and_changes_the_chart(scratch_book):
    data = scratch_book / "data" / "evidence.csv"
    row = next(line for line in data.read_text(encoding="utf-8").splitlines() if "Average job tenure in Japan" in line)
    with edited(data, row, row.replace(",12.5,years,", ",13.75,years,")):
        log = build(scratch_book)
        executed = EXECUTED.findall(log)
        print("executed:", *executed, sep="\n  ")
        assert len(executed) == NOTEBOOK_COUNT, "every notebook reads the evidence, so each re-executes"
        page = (scratch_book / "_build" / "html" / "chapters" / "02-japan" / "employment.html").read_text()
        assert '"value":13.75' in page and '"value":12.5' not in page


BAD_EDITS = {
    "broken cross-reference": ("chapters/02-japan/innovation.md", "As these statements illustrate,",
                               "{ref}`no-such-label` As these statements illustrate,",
                               r"innovation\.md:\d+: WARNING: undefined label: 'no-such-label'"),
    "missing glue key": ("chapters/02-japan/employment.md", "{glued-figure} employment-tenure\n",
                         "{glued-figure} employment-no-such-key\n",
                         r"employment\.md:\d+: WARNING: Glue reference 'employment-no-such-key' not found"),
    "failing notebook cell": ("notebooks/02-japan/social-purpose.md",
                              'purpose = evidence.section_rows(rows, chapter, "social-purpose")',
                              'purpose = evidence.section_rows(rows, chapter, "social-purposes")',
                              r"social-purpose\.md(.|\n)*unknown section 'social-purposes'"),
}


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_a_bad_edit_stops_the_build_says_where_and_publishes_nothing(scratch_book, case):
    path, old, new, message = BAD_EDITS[case]
    with edited(scratch_book / path, old, new):
        log = build(scratch_book, expect_ok=False)
        assert re.search(message, log), log[-3000:]
        assert not (scratch_book / "_build" / "html").exists()


def test_reviewers_get_binder_repository_and_download_buttons(scratch_book):
    build(scratch_book, REPOSITORY_URL="https://github.com/example-org/startup-capitalism")
    page = (scratch_book / "_build" / "html" / "notebooks" / "02-japan" / "finance.html").read_text()
    assert ("https://mybinder.org/v2/gh/example-org/startup-capitalism/main"
            "?urlpath=lab/tree/notebooks/02-japan/finance.md") in page
    assert 'href="https://github.com/example-org/startup-capitalism"' in page
    assert "_sources/notebooks/02-japan/finance.md" in page  # download the MyST source
