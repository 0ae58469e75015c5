"""`make chapter MANUSCRIPT=...`: a new chapter imported from a manuscript, in a scratch copy.

The fixture `tests/fixtures/chapter-09-testland.txt` is a made-up chapter ("Chapter 9 Testland");
`evidence-09-testland.csv` and `scores-09-testland.csv` are its evidence rows and Figure 9.1
scores, appended to the copy's data files as an editor would after the import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, prose_text
from startup_capitalism import chapters, registry
from startup_capitalism.book import Book
from startup_capitalism.scratch import copy_of_the_files
from startup_capitalism.text.manuscript import read_manuscript

BOOK = Book(ROOT)

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE = FIXTURES / "chapter-09-testland.txt"
FIXTURE_ROWS = FIXTURES / "evidence-09-testland.csv"
FIXTURE_SCORES = FIXTURES / "scores-09-testland.csv"
FIXTURE_ACTORS = FIXTURES / "actors-09-testland.csv"
FIXTURE_UNCODED = FIXTURES / "uncoded-09-testland.csv"
SENTENCE_END = re.compile(r"(?<=[.?!”])\s+(?=[A-Z“(])")


def scratch_copy(destination: Path) -> Path:
    """The repository's files (tracked, or new and not ignored) copied to `destination`."""
    copy_of_the_files(destination, ROOT)
    # make chapter runs with this interpreter's .venv (VENV=...): the copy's dependency lists are
    # dated to the epoch so that make never takes that .venv for out of date and rebuilds it
    for name in ("requirements.txt", "requirements.lock", "pyproject.toml"):
        os.utime(destination / name, (0, 0))
    return destination


def in_copy(copy: Path) -> dict:
    """The environment of a command run in the copy (its book is the working folder's)."""
    return dict(os.environ)


def run_make_chapter(copy: Path, manuscript: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "chapter",
            f"MANUSCRIPT={manuscript}",
            f"VENV={Path(sys.executable).parent.parent}",
        ],
        cwd=copy,
        env=in_copy(copy),
        capture_output=True,
        text=True,
    )


def snapshot(copy: Path) -> dict[str, str]:
    """Every file of the copy (build output aside) and its hash: what an import may change."""
    return {
        str(path.relative_to(copy)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(copy.rglob("*"))
        if path.is_file() and "_build" not in path.parts
    }


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the import alone (no build) -------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A scratch copy with the fixture chapter imported by `make chapter`."""
    copy = scratch_copy(tmp_path_factory.mktemp("import") / "book")
    before = snapshot(copy)
    result = run_make_chapter(copy, FIXTURE)
    assert result.returncode == 0, result.stdout + result.stderr
    chapters._chapters_in.cache_clear()
    return copy, before, result


def test_the_import_writes_the_chapter_its_notebooks_and_its_manuscript(imported):
    copy, before, _ = imported
    added = sorted(set(snapshot(copy)) - set(before))
    pages = [
        "index",
        "antecedents",
        "thematic-analysis",
        "firm-size",
        "employment",
        "finance",
        "innovation",
        "social-purpose",
        "a-synthetic-interlude",
        "continuity-and-change",
        "changes",
        "works-cited",
    ]
    notebooks = [
        name for name in pages if name not in ("index", "thematic-analysis", "changes", "works-cited")
    ]
    assert added == sorted(
        [f"chapters/09-testland/{name}.md" for name in pages]
        + [f"notebooks/09-testland/{name}.md" for name in ["opening", *notebooks]]
        + ["sources/manuscript/chapter-09-testland.txt"]
    )
    assert (copy / "sources/manuscript/chapter-09-testland.txt").read_bytes() == FIXTURE.read_bytes()
    changed = sorted(name for name in before if snapshot(copy).get(name) != before[name])
    assert changed == ["_toc-pdf.yml", "_toc.yml", "data/datapackage.json", "data/uncoded-quantities.csv"]


def test_the_chapter_is_declared_once_in_its_opening_page(imported):
    copy, _, _ = imported
    declared = chapters.chapter(9, copy / "chapters")
    assert (declared.title, declared.country, declared.slug, declared.manuscript) == (
        "Testland",
        "Testland",
        "testland",
        "sources/manuscript/chapter-09-testland.txt",
    )


def test_the_pages_add_markup_only(imported):
    """Every paragraph of the manuscript is on its page verbatim; what else is there is markup."""
    copy, _, _ = imported
    manuscript = read_manuscript(FIXTURE)
    for page in manuscript.pages:
        name = "index" if page.section == "opening" else page.section
        text = (copy / "chapters" / "09-testland" / f"{name}.md").read_text(encoding="utf-8")
        assert f"(ch09-{page.section})=\n# {page.heading}\n" in text
        for block in page.blocks:
            assert (block if isinstance(block, str) else block.caption) in text
        for note in page.footnotes():
            assert f"[^{note}]: Note {note} of the chapter. Its text is in the print edition" in text
    continuity = (copy / "chapters/09-testland/continuity-and-change.md").read_text(encoding="utf-8")
    assert (
        "```{glued-figure} fig-9-1-scores\n:doc: ../../notebooks/09-testland/continuity-and-change.md\n"
        in continuity
    )
    for page in manuscript.pages:
        if page.has_prose:  # a first table of the page's rows, at once
            name = "index" if page.section == "opening" else page.section
            text = (copy / "chapters" / "09-testland" / f"{name}.md").read_text(encoding="utf-8")
            slot = f"```{{glued-table}} {page.section}-rows\n"
            slot += (
                f":doc: ../../notebooks/09-testland/{page.section}.md\n:name: tbl-ch09-{page.section}-rows\n"
            )
            assert slot in text
    notebook = (copy / "notebooks/09-testland/continuity-and-change.md").read_text(encoding="utf-8")
    assert 'glue("fig-9-1-scores", figure' in notebook
    assert "chapter = book.chapter(9)" in notebook
    assert 'evidence.section_rows(rows, chapter, "continuity-and-change")' in notebook
    assert (copy / "chapters/09-testland/changes.md").read_text(encoding="utf-8") == (
        "(ch09-changes)=\n# Changes since the received manuscript\n\n```{manuscript-changes}\n```\n"
    )
    assert (copy / "chapters/09-testland/works-cited.md").read_text(encoding="utf-8") == (
        "(ch09-works-cited)=\n# Works cited\n\n```{works-cited}\n```\n"
    )


def test_the_tocs_and_the_data_package_match_the_declared_chapters():
    assert registry.registration_problems(ROOT) == []


def test_the_import_registers_the_chapter(imported):
    copy, _, _ = imported
    assert registry.registration_problems(copy) == []
    site, _ = registry.read_toc(copy / "_toc.yml")
    captions = [part["caption"] for part in site["parts"]]
    assert captions[:4] == [
        "Chapter 2 Japan",
        "Chapter 2 Japan: evidence notebooks",
        "Chapter 9 Testland",
        "Chapter 9 Testland: evidence notebooks",
    ]
    package = json.loads((copy / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {field["name"]: field for field in package["resources"][0]["schema"]["fields"]}
    assert "Testland" in fields["country"]["constraints"]["enum"]
    assert "a-synthetic-interlude" in fields["section"]["constraints"]["enum"]
    assert fields["chapter"]["constraints"]["enum"] == [2, 9]


def test_a_chapter_is_imported_once(imported):
    copy, _, _ = imported
    before = snapshot(copy)
    result = run_make_chapter(copy, FIXTURE)
    assert result.returncode != 0
    assert f"{FIXTURE}:1: chapter 9 exists already (chapters/09-testland)" in result.stderr
    assert snapshot(copy) == before


def test_a_manuscript_received_into_sources_manuscript_is_imported_in_place(tmp_path):
    """CONTRIBUTING's recipe: the manuscript saved as sources/manuscript/chapter-NN-slug.txt first."""
    copy = scratch_copy(tmp_path / "book")
    received = copy / "sources" / "manuscript" / FIXTURE.name
    received.write_bytes(FIXTURE.read_bytes())
    result = run_make_chapter(copy, Path("sources") / "manuscript" / FIXTURE.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert received.read_bytes() == FIXTURE.read_bytes()
    assert (copy / "chapters" / "09-testland" / "index.md").is_file()
    assert not list(copy.glob(".new-chapter-*"))


def test_re_importing_japan_is_refused(imported):
    copy, _, _ = imported
    japan = copy / "sources" / "manuscript" / "chapter-02-japan.txt"
    result = run_make_chapter(copy, japan)
    assert f"{japan}:1: chapter 2 exists already (chapters/02-japan)" in result.stderr


# --- bad manuscripts -------------------------------------------------------------------------


def fixture_with(old: str, new: str) -> bytes:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


BAD_MANUSCRIPTS = {
    "no Chapter N first line": (
        fixture_with("Chapter 9 Testland\n", "Testland, a chapter\n"),
        1,
        'the first line must be "Chapter N Country"',
    ),
    "a number already taken": (
        fixture_with("Chapter 9 Testland\n", "Chapter 2 Testland\n"),
        1,
        "chapter 2 exists already (chapters/02-japan)",
    ),
    "footnote digits out of sequence": (
        fixture_with("(Example 2020, 12).2 ", "(Example 2020, 12).3 "),
        5,
        "footnote 3 out of sequence: expected footnote 2 here",
    ),
    "a FIGURE line of another chapter": (
        fixture_with("FIGURE 9.1.", "FIGURE 8.1."),
        21,
        "FIGURE 8.1 in chapter 9: a figure of this chapter is numbered 9.k",
    ),
    "an empty file": (b"", 1, "the file is empty"),
    "not UTF-8": (
        FIXTURE.read_bytes().replace(b"A second synthetic", b"A second synth\xe9tic", 1),
        3,
        "not UTF-8: byte 0xe9 at column 15",
    ),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A scratch copy without the fixture chapter."""
    return scratch_copy(tmp_path_factory.mktemp("pristine") / "book")


@pytest.mark.parametrize("case", list(BAD_MANUSCRIPTS))
def test_a_bad_manuscript_is_refused_with_file_line_and_reason_and_leaves_nothing(pristine, tmp_path, case):
    copy = pristine
    content, line, message = BAD_MANUSCRIPTS[case]
    manuscript = tmp_path / "chapter.txt"
    manuscript.write_bytes(content)
    before = snapshot(copy)
    result = run_make_chapter(copy, manuscript)
    assert result.returncode != 0
    assert f"{manuscript}:{line}: {message}" in result.stderr, result.stderr
    assert snapshot(copy) == before, "a refused import changed the repository"


def test_make_chapter_without_a_manuscript_says_how_to_use_it(pristine):
    result = subprocess.run(
        ["make", "--no-print-directory", "chapter"],
        cwd=pristine,
        env=in_copy(pristine),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "usage: make chapter MANUSCRIPT=path/to/chapter.txt" in result.stderr


def test_a_failure_while_moving_into_place_undoes_the_moves_made(tmp_path, monkeypatch):
    """All or nothing: the third move fails, and the two made before it are undone."""
    from startup_capitalism.commands import chapter as tool

    copy = scratch_copy(tmp_path / "book")
    before = snapshot(copy)
    moves = []
    real_replace = os.replace

    def failing_replace(source, target):
        moves.append(target)
        if len(moves) == 3:
            raise OSError("disk full (simulated)")
        return real_replace(source, target)

    monkeypatch.setattr(tool.os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulated"):
        tool.import_chapter(FIXTURE, root=copy)
    monkeypatch.undo()
    chapters._chapters_in.cache_clear()
    assert snapshot(copy) == before
    assert not list(copy.glob(".new-chapter-*"))


# --- the book with the new chapter, built strictly -------------------------------------------


@pytest.fixture(scope="module")
def built_with_fixture(built_book, tmp_path_factory):
    """A scratch copy with the fixture imported, its rows and scores appended, and
    `python -m startup_capitalism build book` run strictly."""
    copy = scratch_copy(tmp_path_factory.mktemp("chapter") / "book")
    result = run_make_chapter(copy, FIXTURE)
    assert result.returncode == 0, result.stdout + result.stderr
    appended_to = (
        (FIXTURE_ROWS, BOOK.evidence_csv),
        (FIXTURE_SCORES, BOOK.scores_csv),
        (FIXTURE_ACTORS, BOOK.actors_csv),
        (FIXTURE_UNCODED, BOOK.uncoded_csv),
    )
    for fragment, data in appended_to:
        with (copy / data.relative_to(ROOT)).open("a", encoding="utf-8") as appended:
            appended.write(fragment.read_text(encoding="utf-8"))
    build = subprocess.run(
        [sys.executable, "-m", "startup_capitalism", "build", "book", "--root", str(copy)],
        cwd=copy,
        env=in_copy(copy),
        capture_output=True,
        text=True,
    )
    return copy, build, built_book


def site_of(built_with_fixture) -> Path:
    copy, build, _ = built_with_fixture
    assert build.returncode == 0, "the build with the new chapter failed (see the test of the strict build)"
    return copy / "_build" / "html"


def article(site: Path, docname: str) -> BeautifulSoup:
    page = BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    return page.select_one("article") or page.find("main")


def test_the_strict_build_with_the_new_chapter_passes(built_with_fixture):
    _, build, _ = built_with_fixture
    assert build.returncode == 0, (build.stdout + build.stderr)[-6000:]


def test_the_new_chapter_is_numbered_by_its_own_number(built_with_fixture):
    site = site_of(built_with_fixture) / "chapters" / "09-testland"
    figure = normalise(article(site, "continuity-and-change").select_one("figure figcaption").get_text(" "))
    assert figure.startswith("Figure 9.1"), figure
    # the first page's table, then the next page's: numbered by chapter, in reading order
    tables = [
        normalise(article(site, name).select_one("table caption").get_text(" "))
        for name in ("index", "antecedents")
    ]
    assert tables[0].startswith("Table 9.1") and tables[1].startswith("Table 9.2"), tables


def test_the_new_chapter_has_its_pdf(built_with_fixture):
    site = site_of(built_with_fixture)
    assert (site.parent / "pdf" / "chapter-09-testland.pdf").is_file()


def test_every_sentence_of_the_manuscript_is_in_the_site(built_with_fixture):
    copy, site = built_with_fixture[0], site_of(built_with_fixture)
    texts = []
    for docname in registry.chapter_pages(copy, chapters.chapter(9, copy / "chapters")):
        texts.append(prose_text(article(site, docname)))
    text = normalise(" ".join(texts))
    for page in read_manuscript(FIXTURE).pages:
        assert normalise(page.heading) in text
        for block in page.blocks:
            paragraph = re.sub(r"\[\^\d+\]", "", block if isinstance(block, str) else block.caption)
            for sentence in SENTENCE_END.split(paragraph):
                assert normalise(sentence) in text, sentence


def japan_pages(site: Path) -> dict[str, tuple[str, list[str]]]:
    """Japan's chapter pages as a reader sees them: the text (captions and numbers included) and
    the charts' specifications (their element ids aside)."""
    pages = {}
    for docname in registry.chapter_pages(ROOT, BOOK.chapter(2)):
        main = article(site, docname)
        charts = [
            re.sub(r"chart-[0-9a-f]+", "chart-id", script.extract().get_text())
            for script in main.select("script")
        ]
        pages[docname] = (normalise(main.get_text(" ")), charts)
    return pages


def test_japan_reads_the_same_before_and_after(built_with_fixture):
    before, after = japan_pages(built_with_fixture[2].site), japan_pages(site_of(built_with_fixture))
    assert before.keys() == after.keys()
    for docname in before:
        assert after[docname] == before[docname], f"{docname} changed when chapter 9 was added"


def test_no_row_of_the_new_chapter_is_in_a_japan_chart(built_with_fixture):
    site = site_of(built_with_fixture)
    # the row ids and the facts' titles (all "Testland fixture: ..."); the navigation names Testland
    rows = [line.split(",", 1)[0] for line in FIXTURE_ROWS.read_text(encoding="utf-8").splitlines()]
    for docname in registry.chapter_pages(ROOT, BOOK.chapter(2)):
        html = (site / f"{docname}.html").read_text(encoding="utf-8")
        leaked = [row for row in rows if row in html] + (
            ["Testland fixture"] if "Testland fixture" in html else []
        )
        assert not leaked, f"{docname} shows the fixture's rows {leaked}"
