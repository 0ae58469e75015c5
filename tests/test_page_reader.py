"""One reader per format, on small fixture books (no build of the real book).

A page is read by `prose.py` with the book's MyST parser, so the paragraph anchors, the quote
checks and the changes page agree on what is prose: a `:::{note}`, a named footnote and a `~~~`
fence are not. A manuscript is read by `manuscript.py`, for the import and the changes page alike.
The book is an object with a root: a scratch root gives the scratch root's chapters.
"""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, ROOTS
from startup_capitalism import chapters
from startup_capitalism.book import Book
from startup_capitalism.evidence import rules as evidence_rules
from startup_capitalism.text import manuscript_changes, paragraphs, prose
from startup_capitalism.text.manuscript import read_manuscript

PROSE = [
    "The first paragraph of prose, its footnote marker dropped.",
    "A second paragraph of prose follows the note.",
]
# none of these is prose: each stands where the MyST syntax makes it the edition's markup
NOT_PROSE = [
    "Words inside a note are the edition's.",
    "Words inside a tilde fence are code.",
    "Words of a directive's body are the edition's.",
    "Words of a numbered footnote are not prose.",
    "Words of a named footnote are not prose.",
]
# the fixture book's pages (tests/roots/test-page-reader), read here as text too
FIXTURE_ROOT = ROOTS / "test-page-reader"
FIXTURE_PAGE = (FIXTURE_ROOT / "chapters" / "09-testland" / "finance.md").read_text(encoding="utf-8")
OPENING_PAGE = (FIXTURE_ROOT / "chapters" / "09-testland" / "index.md").read_text(encoding="utf-8")


@pytest.fixture
def small_book(tmp_path) -> Book:
    """A book of one chapter, two pages, with this book's `_config.yml` (so its MyST extensions)."""
    shutil.copy2(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "index.md").write_text("# A small book\n", encoding="utf-8")
    folder = tmp_path / "chapters" / "09-testland"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(OPENING_PAGE, encoding="utf-8")
    (folder / "finance.md").write_text(FIXTURE_PAGE, encoding="utf-8")
    return Book(tmp_path)


BOOK_MYST = list(Book(ROOT).myst_extensions())


def line_of(text: str, source: str = FIXTURE_PAGE) -> int:
    return next(number for number, line in enumerate(source.splitlines(), 1) if line.startswith(text[:20]))


def test_the_reader_gives_prose_only_with_its_lines():
    read = prose.read_source(FIXTURE_PAGE)
    assert [block.text for block in read.paragraphs] == PROSE
    assert [block.line for block in read.paragraphs] == [line_of(text) for text in PROSE]
    everything = " ".join(block.source for block in read.blocks)
    assert not [text for text in NOT_PROSE if text in everything]


def test_the_front_matter_is_read_once_as_yaml(small_book):
    opening = small_book.chapters_dir / "09-testland" / "index.md"
    assert chapters.read_front_matter(opening)["chapter"]["slug"] == "testland"
    assert prose.read_page(opening).paragraphs[0].text == "The opening paragraph of the test chapter."
    opening.write_text(OPENING_PAGE.replace("number: 9", "number: [9"), encoding="utf-8")
    with pytest.raises(chapters.ChapterError, match=f"{opening}: front matter is not valid YAML"):
        chapters.read_front_matter(opening)


def test_a_scratch_root_gives_its_own_chapters_and_pages(small_book):
    chapter = small_book.chapter(9)
    assert chapter.folder == small_book.root / "chapters" / "09-testland"
    assert chapter.notebooks_folder == small_book.root / "notebooks" / "09-testland"
    assert chapter.sections() == ["opening", "finance"]
    assert small_book.pages(chapter) == [chapter.folder / "index.md", chapter.folder / "finance.md"]


def test_edits_are_seen_by_the_same_process(small_book):
    """The preview runs for hours: a new page, an edited page and a new chapter are read again."""
    chapter = small_book.chapter(9)
    before = paragraphs.chapter_paragraphs(chapter)
    with (chapter.folder / "finance.md").open("a", encoding="utf-8") as page:
        page.write("\nA paragraph added while the process runs.\n")
    after = paragraphs.chapter_paragraphs(small_book.chapter(9))
    assert [p.text for p in after] == [p.text for p in before] + ["A paragraph added while the process runs."]
    second = small_book.chapters_dir / "10-elsewhere"
    second.mkdir()
    (second / "index.md").write_text(
        OPENING_PAGE.replace("9", "10").replace("testland", "elsewhere"), encoding="utf-8"
    )
    assert [c.number for c in small_book.chapters()] == [9, 10]


def test_anchors_are_given_to_prose_only(small_book):
    found = paragraphs.chapter_paragraphs(small_book.chapter(9))
    assert [(p.docname, p.text) for p in found] == [
        ("chapters/09-testland/index", "The opening paragraph of the test chapter."),
        *[("chapters/09-testland/finance", text) for text in PROSE],
    ]
    assert len({p.anchor for p in found}) == len(found)


def test_the_validator_accepts_quotes_from_prose_only(small_book):
    header = ["id", "chapter", "section", "quote", "citation"]
    quotes = [text[:-1] for text in PROSE + NOT_PROSE]  # a quote may stop before the full stop
    rows = [[f"r{n}", "9", "finance", quote, ""] for n, quote in enumerate(quotes)]
    context = evidence_rules.Context("evidence.csv", small_book.chapters_dir)
    problems = evidence_rules.check_rules(header, rows, list(range(2, len(rows) + 2)), context)
    assert sorted((p.row_id, p.column) for p in problems) == sorted(
        (f"r{n}", "quote") for n in range(len(PROSE), len(quotes))
    )
    assert all("not found verbatim in its section page" in p.message for p in problems)


def test_the_changes_page_reads_the_same_prose_and_the_headings():
    read = [text for _, text in manuscript_changes.page_paragraphs(FIXTURE_PAGE)]
    assert read == ["Finance", *PROSE]


@pytest.mark.sphinx("html", testroot="page-reader", confoverrides={"myst_enable_extensions": BOOK_MYST})
def test_the_site_gives_anchors_to_the_prose_paragraphs_only(app):
    """The fixture book built by Sphinx with the book's extension and MyST settings."""
    app.build()
    assert not app._warning.getvalue(), app._warning.getvalue()
    page = BeautifulSoup(
        (app.outdir / "chapters/09-testland/finance.html").read_text(encoding="utf-8"), "html.parser"
    )
    anchored = page.select("p.authors-paragraph")
    expected = paragraphs.page_paragraphs(app.srcdir / "chapters" / "09-testland" / "finance.md")
    assert [p["id"] for p in anchored] == [p.anchor for p in expected]
    for reference in page.select("a.footnote-reference"):
        reference.decompose()  # the HTML shows each footnote reference as its number
    assert [" ".join(p.get_text().split()) for p in anchored] == PROSE
    shown = " ".join(page.get_text().split())
    for text in NOT_PROSE:
        assert text in shown, f"the fixture's {text!r} is not on the page"
        assert not [p for p in anchored if text in p.get_text()]


# --- the manuscript: one reader for the import and the changes page ----------------------------


def test_a_footnote_after_a_question_mark_is_a_footnote_for_both(tmp_path):
    manuscript = tmp_path / "chapter-09-testland.txt"
    manuscript.write_text(
        "Chapter 9 Testland\nCould the import fail?1 Nobody knows (Example 2020).\n", encoding="utf-8"
    )
    imported = read_manuscript(manuscript)
    assert imported.pages[0].blocks == ["Could the import fail?[^1] Nobody knows (Example 2020)."]
    chapter = chapters.Chapter(9, "Testland", "Testland", "testland", manuscript.name, root=tmp_path)
    assert manuscript_changes.manuscript_sentences(chapter) == [
        "Chapter 9 Testland",
        "Could the import fail?",
        "Nobody knows (Example 2020).",
    ]


def test_a_chapter_imported_just_now_lists_no_changes(tmp_path):
    from startup_capitalism.commands import chapter as new_chapter
    from startup_capitalism.scratch import copy_of_the_files

    copy = copy_of_the_files(tmp_path / "book", ROOT)
    fixture = (ROOT / "tests" / "fixtures" / "chapter-09-testland.txt").read_text(encoding="utf-8")
    # the manuscript form's trickiest footnote: a number right after a question mark
    manuscript = tmp_path / "chapter-09-testland.txt"
    manuscript.write_text(fixture.replace("can be tested.1 ", "can be tested?1 ", 1), encoding="utf-8")
    assert "tested?1 " in manuscript.read_text(encoding="utf-8")
    new_chapter.import_chapter(manuscript, copy)
    chapter = Book(copy).chapter(9)
    assert manuscript_changes.page_sentences(chapter), "the imported chapter has no prose"
    assert manuscript_changes.changes_since_manuscript(chapter) == []
