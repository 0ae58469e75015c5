"""Builds in a scratch copy of the book: what re-executes, what a bad edit does, and that edits
undone leave the site a cold build makes.

The copy carries the execution cache of the suite's build, so it starts warm; every command, the
build's kernels included, finds the copy as its book (`--root`, the working folder).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXECUTION_CACHE, ROOT, chapter_docnames, copy_of_the_book, prose_text
from startup_capitalism.commands import checksums

# the build prints one line per notebook it executes
EXECUTED = re.compile(r"^    executing (\S+\.md)$", re.M)
NOTEBOOK_COUNT = len(list((ROOT / "notebooks").rglob("*.md")))


@pytest.fixture(scope="module")
def scratch_book(built_book, tmp_path_factory):
    return copy_of_the_book(tmp_path_factory.mktemp("book") / "book")


def in_copy(copy, **variables: str) -> dict[str, str]:
    """The environment of a command run in the copy: its own `_build`."""
    environment = {**os.environ, **variables}
    environment.pop("STARTUP_BUILD_DIR", None)
    return environment


def build(copy, *, expect_ok: bool = True, **variables: str) -> str:
    environment = in_copy(copy, **variables)
    result = subprocess.run(
        [sys.executable, "-m", "startup_capitalism", "build", "html", "--root", str(copy)],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
    )
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


def unquoted_words(page) -> str:
    """Three words of `page`, as it is, that no evidence row's quote, score's sentence or listed
    quantity's passage covers (an edit there breaks none)."""
    import csv

    from startup_capitalism.evidence.rules import page_paragraphs

    quotes = []
    for name in ("evidence.csv", "scores.csv", "uncoded-quantities.csv"):
        with (page.parents[2] / "data" / name).open(encoding="utf-8", newline="") as rows:
            quotes += [row.get("quote") or row["passage"] for row in csv.DictReader(rows)]
    text = page.read_text(encoding="utf-8")
    for paragraph in page_paragraphs(page):
        covered = set()
        for quote in quotes:
            at = paragraph.find(quote)
            while at >= 0:
                covered.update(range(at, at + len(quote)))
                at = paragraph.find(quote, at + 1)
        for found in re.finditer(r"\b[A-Za-z]+ [A-Za-z]+ [A-Za-z]+\b", paragraph):
            if covered.isdisjoint(range(found.start(), found.end())) and text.count(found.group()) == 1:
                return found.group()
    pytest.fail(f"{page}: every passage is quoted by a row")


# A glue key no notebook glued is a warning at the page's line like the undefined label below, and
# stops the build the same way: tests/test_glued.py checks its message on a fixture book in seconds.
BAD_EDITS = {
    "broken cross-reference": (  # before three words of the page as it is (None: see below)
        "chapters/02-japan/innovation.md",
        None,
        "{ref}`no-such-label` ",
        r"innovation\.md:(?P<line>\d+): WARNING: undefined label: 'no-such-label'",
    ),
    "failing notebook cell": (
        "notebooks/02-japan/social-purpose.md",
        'purpose = evidence.section_rows(rows, chapter, "social-purpose")',
        'purpose = evidence.section_rows(rows, chapter, "social-purposes")',
        r"social-purpose\.md:(?P<line>\d+): a cell failed: KeyError: \"unknown section 'social-purposes'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_a_bad_edit_stops_every_build_says_where_and_publishes_nothing(scratch_book, case):
    """Strict on every run: the second build, with nothing changed, fails the same way."""
    path, old, new, message = BAD_EDITS[case]
    if old is None:  # an insertion before words no row quotes
        old = unquoted_words(scratch_book / path)
        new += old
    with edited(scratch_book / path, old, new):
        for run in ("first", "second"):
            log = build(scratch_book, expect_ok=False)
            found = re.search(message, log)
            assert found, f"{run} build: {log[-3000:]}"
            # the line named is the one edited
            edited_line = (
                (scratch_book / path).read_text(encoding="utf-8").splitlines()[int(found["line"]) - 1]
            )
            assert new.strip() in edited_line, (found.group(), edited_line)
            assert "full log: _build/logs/" in log
            assert not (scratch_book / "_build" / "html").exists()
    build(scratch_book)  # fixed: the next build succeeds and publishes again
    assert (scratch_book / "_build" / "html" / "index.html").is_file()


def test_a_malformed_row_fails_the_build_and_leaves_no_site(scratch_book):
    build(scratch_book)
    assert (scratch_book / "_build" / "html" / "index.html").is_file()
    data = scratch_book / "data" / "evidence.csv"
    row = data.read_text(encoding="utf-8").splitlines()[1]
    year = row.split(",")[next(i for i, v in enumerate(row.split(",")) if re.fullmatch(r"(19|20)\d\d", v))]
    with edited(data, row, row.replace(f",{year},", f",{year[:2]}I{year[3:]},", 1)):
        log = build(scratch_book, expect_ok=False)
        assert re.search(r"data/evidence\.csv:2: ", log), log[-3000:]
        assert "did not validate" in log
        assert not (scratch_book / "_build" / "html").exists(), (
            "a site from before the failure is still published"
        )


def test_a_prose_edit_executes_no_notebook_and_is_in_the_site_and_on_the_changes_page(scratch_book):
    from startup_capitalism.chapters import all_chapters
    from startup_capitalism.text import manuscript_changes

    page = scratch_book / "chapters" / "02-japan" / "finance.md"
    words = unquoted_words(page)  # three words of the page as it is, no row quoting them
    first, word, last = words.split()
    with edited(page, words, f"{first} proseeditword {last}"):
        log = build(scratch_book)
        assert EXECUTED.findall(log) == [], "a prose edit re-executed notebooks"
        site = scratch_book / "_build" / "html" / "chapters" / "02-japan"
        assert "proseeditword" in (site / "finance.html").read_text(encoding="utf-8")
        changes = BeautifulSoup((site / "changes.html").read_text(encoding="utf-8"), "html.parser").find(
            "main"
        )
        edited_items = changes.select("ol.manuscript-edited-list > li")
        assert len(edited_items) == 1 and "1 edited, 0 added and 0 removed" in changes.get_text(" ")
        assert [s.get_text() for s in edited_items[0].select("strong")] == [word, "proseeditword"]
        # fidelity holds for the edited pages: each sentence of the copy's pages is in its site, in order
        chapter = all_chapters(scratch_book / "chapters")[0]
        page = BeautifulSoup((site / "finance.html").read_text(encoding="utf-8"), "html.parser").find("main")
        text = prose_text(page)
        position = 0
        for page_sentence in manuscript_changes.page_sentences(chapter, scratch_book):
            if page_sentence.docname.endswith("/finance"):
                position = text.find(page_sentence.text, position)
                assert position >= 0, page_sentence
    build(scratch_book)


def test_a_section_page_without_a_notebook_fails_the_structure_test_saying_what_to_add(scratch_book):
    page = scratch_book / "chapters" / "02-japan" / "new-topic.md"
    page.write_text("(ch02-new-topic)=\n# New Topic\n\nA paragraph the co-authors wrote.\n", encoding="utf-8")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-n",
                "0",
                "-p",
                "no:cacheprovider",
                str(scratch_book / "tests" / "test_structure.py"),
                "-k",
                "toc or notebook_per",
            ],
            cwd=scratch_book,
            env=in_copy(scratch_book),
            capture_output=True,
            text=True,
        )
    finally:
        page.unlink()
    log = result.stdout
    assert result.returncode == 1, log[-3000:]
    assert (
        "chapters/02-japan/new-topic.md has prose but no evidence notebook: "
        "add notebooks/02-japan/new-topic.md"
    ) in log, log[-3000:]
    assert (
        "chapters/02-japan/new-topic.md is in no table of contents: "
        "add `- file: chapters/02-japan/new-topic` to _toc.yml and _toc-pdf.yml"
    ) in log, log[-3000:]


def published_sums(copy) -> dict[str, str]:
    return checksums.read_sums(copy / "_build" / "html" / checksums.SUMS)


def test_edits_undone_leave_the_site_a_cold_build_makes(scratch_book):
    """A prose edit, two data edits, a notebook's code edit and a page added, built incrementally
    (`make html`), then undone and built again: the site is then file for file what a cold build of
    the same files makes (the notebooks' outputs from the execution cache, keyed on their code and
    inputs: what differs is Sphinx's incremental state, and a stale file or byte would show), also
    when the undoing build is dated a day later, as after a new commit. The edits are made
    together: each takes its own way through the incremental build (a page read again, notebooks
    executed again, a page added and removed) in the same two builds.

    The edited build also shows what a data edit does: an evidence row's title reworded executes
    every notebook (each reads the evidence) and reaches the chart that shows the row."""
    page = scratch_book / f"{chapter_docnames()[0]}.md"
    datapackage = scratch_book / "data" / "datapackage.json"
    evidence_csv = scratch_book / "data" / "evidence.csv"
    notebook = sorted((scratch_book / "notebooks").rglob("*.md"))[0]
    probe = scratch_book / "guard-probe.md"
    # the row's title (a value must stay one its quote states: the validator checks it)
    title = ",Average job tenure in Japan,"
    edits = [
        (evidence_csv, evidence_csv.read_text(encoding="utf-8").replace(title, title[:-1] + " (edited),", 1)),
        (page, page.read_text(encoding="utf-8") + "\nA paragraph added for a moment by the build guard.\n"),
        (
            datapackage,
            datapackage.read_text(encoding="utf-8").replace(
                '"description": "', '"description": "Edited. ', 1
            ),
        ),
        (notebook, notebook.read_text(encoding="utf-8") + "\n```{code-cell} ipython3\nprint('guard')\n```\n"),
        (probe, "---\norphan: true\n---\n# Build guard probe\n\nA page that is there for one build.\n"),
    ]
    build(scratch_book)
    originals = [(path, path.read_bytes() if path.exists() else None) for path, _ in edits]
    for path, edited_text in edits:
        path.write_text(edited_text, encoding="utf-8")
    try:
        log = build(scratch_book)
        executed = EXECUTED.findall(log)
        assert len(executed) == NOTEBOOK_COUNT, f"a data edit executed only {executed}: each reads the data"
        chart_page = scratch_book / "_build" / "html" / "chapters" / "02-japan" / "employment.html"
        assert "Average job tenure in Japan (edited)" in chart_page.read_text(encoding="utf-8")
    finally:
        for path, original in originals:
            if original is None:
                path.unlink()
            else:
                path.write_bytes(original)
    # undone, and built as after a commit of the next day (the build's dates are the commit's)
    next_day = {"SOURCE_DATE_EPOCH": str(int(checksums.source_date_epoch(scratch_book)) + 86_400)}
    build(scratch_book, **next_day)
    incremental = published_sums(scratch_book)
    for built in (scratch_book / "_build").iterdir():
        if built.name != EXECUTION_CACHE:
            shutil.rmtree(built) if built.is_dir() else built.unlink()
    build(scratch_book, **next_day)
    cold = published_sums(scratch_book)
    differing = sorted(
        name for name in incremental.keys() | cold.keys() if incremental.get(name) != cold.get(name)
    )
    assert not differing, f"the incremental build differs from a cold one in: {differing}"


def test_a_plain_jupyter_book_build_leaves_the_published_site_alone(scratch_book):
    """`jupyter-book build .` would write into `_build/html` in place: it stops in one line that
    says what to run instead, and the published files are as they were."""
    build(scratch_book)
    site = scratch_book / "_build" / "html"
    before = checksums.sums_of(site)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", "."],
        cwd=scratch_book,
        env=in_copy(scratch_book),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("startup_capitalism:") and "make html" in last_line, result.stderr
    assert checksums.sums_of(site) == before


# last: its build sets the repository's address, a new configuration that writes every page again
def test_reviewers_get_binder_repository_and_download_buttons(scratch_book):
    build(scratch_book, REPOSITORY_URL="https://github.com/example-org/startup-capitalism")
    page = (scratch_book / "_build" / "html" / "notebooks" / "02-japan" / "finance.html").read_text()
    assert (
        "https://mybinder.org/v2/gh/example-org/startup-capitalism/main"
        "?urlpath=lab/tree/notebooks/02-japan/finance.md"
    ) in page
    assert 'href="https://github.com/example-org/startup-capitalism"' in page
    assert "_sources/notebooks/02-japan/finance.md" in page  # download the MyST source
