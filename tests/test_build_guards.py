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


def build(copy, *, expect_ok: bool = True) -> str:
    environment = {**os.environ, "PYTHONPATH": str(copy / "src")}
    result = subprocess.run([sys.executable, str(copy / "tools" / "build_book.py"), "html"], cwd=copy,
                            env=environment, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert (result.returncode == 0) == expect_ok, log[-5000:]
    return log


def edit(path, old: str, new: str) -> str:
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    return original


def test_a_warm_rebuild_executes_nothing(scratch_book):
    build(scratch_book)  # the copy's first build: new paths, same cache
    log = build(scratch_book)
    assert EXECUTED.findall(log) == []


def test_a_prose_edit_executes_no_notebook(scratch_book):
    page = scratch_book / "chapters" / "02-japan" / "finance.md"
    original = edit(page, "By the mid-1990s, excitement", "By the mid-1990s, ProseEditMarker excitement")
    try:
        log = build(scratch_book)
        assert EXECUTED.findall(log) == [], "a prose edit re-executed notebooks"
        assert "ProseEditMarker" in (scratch_book / "_build" / "html" / "chapters" / "02-japan" / "finance.html").read_text()
    finally:
        page.write_text(original, encoding="utf-8")


def test_a_data_edit_executes_the_notebooks_that_read_it_and_changes_the_chart(scratch_book):
    data = scratch_book / "data" / "evidence.csv"
    row = next(line for line in data.read_text(encoding="utf-8").splitlines() if "Average job tenure in Japan" in line)
    original = edit(data, row, row.replace(",12.5,years,", ",13.75,years,"))
    try:
        log = build(scratch_book)
        executed = EXECUTED.findall(log)
        print("executed:", *executed, sep="\n  ")
        assert len(executed) == NOTEBOOK_COUNT, "every notebook reads the evidence, so each re-executes"
        page = (scratch_book / "_build" / "html" / "chapters" / "02-japan" / "employment.html").read_text()
        assert '"value":13.75' in page and '"value":12.5' not in page
    finally:
        data.write_text(original, encoding="utf-8")


def test_a_broken_cross_reference_stops_the_build_and_publishes_nothing(scratch_book):
    page = scratch_book / "chapters" / "02-japan" / "innovation.md"
    original = edit(page, "As these statements illustrate,", "{ref}`no-such-label` As these statements illustrate,")
    try:
        log = build(scratch_book, expect_ok=False)
        assert re.search(r"innovation\.md:\d+: WARNING: undefined label: 'no-such-label'", log), log[-3000:]
        assert not (scratch_book / "_build" / "html").exists()
    finally:
        page.write_text(original, encoding="utf-8")


def test_a_missing_glue_key_stops_the_build(scratch_book):
    page = scratch_book / "chapters" / "02-japan" / "employment.md"
    original = edit(page, "{glued-figure} employment-tenure\n", "{glued-figure} employment-no-such-key\n")
    try:
        log = build(scratch_book, expect_ok=False)
        assert re.search(r"employment\.md:\d+: WARNING: Glue reference 'employment-no-such-key' not found", log), log[-3000:]
        assert not (scratch_book / "_build" / "html").exists()
    finally:
        page.write_text(original, encoding="utf-8")


def test_a_failing_notebook_cell_stops_the_build(scratch_book):
    notebook = scratch_book / "notebooks" / "02-japan" / "social-purpose.md"
    original = edit(notebook, 'purpose = evidence.section_rows(rows, "social-purpose")',
                    'purpose = evidence.section_rows(rows, "social-purposes")')
    try:
        log = build(scratch_book, expect_ok=False)
        assert "social-purpose.md" in log and "unknown section 'social-purposes'" in log, log[-3000:]
    finally:
        notebook.write_text(original, encoding="utf-8")


def test_reviewers_get_binder_repository_and_download_buttons(scratch_book):
    environment = {**os.environ, "PYTHONPATH": str(scratch_book / "src"),
                   "REPOSITORY_URL": "https://github.com/example-org/chapter-02-japan"}
    result = subprocess.run([sys.executable, str(scratch_book / "tools" / "build_book.py"), "html"],
                            cwd=scratch_book, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    page = (scratch_book / "_build" / "html" / "notebooks" / "02-japan" / "finance.html").read_text()
    assert ("https://mybinder.org/v2/gh/example-org/chapter-02-japan/main"
            "?urlpath=lab/tree/notebooks/02-japan/finance.md") in page
    assert 'href="https://github.com/example-org/chapter-02-japan"' in page
    assert "_sources/notebooks/02-japan/finance.md" in page  # download the MyST source
