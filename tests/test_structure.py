"""The book's structure: every TOC page built, no page left out, each chapter numbered by its own number."""

from __future__ import annotations

import re

from conftest import ROOT, chapter_docnames, toc_docnames

from startup_capitalism.chapters import OPENING_SECTION, all_chapters


def test_every_page_in_the_toc_is_built(built_book):
    for docname in toc_docnames():
        assert (built_book.site / f"{docname}.html").is_file(), f"{docname} is in _toc.yml but was not built"


def test_no_page_or_notebook_is_left_out_of_the_toc():
    listed = set(toc_docnames())
    for folder in ("chapters", "notebooks", "book"):
        for page in (ROOT / folder).rglob("*.md"):
            docname = page.relative_to(ROOT).with_suffix("").as_posix()
            assert docname in listed, f"{docname} is not in _toc.yml"


def test_one_notebook_per_chapter_page_with_content():
    for chapter in all_chapters():
        # a page with content pastes from its notebook; a heading-only page (Thematic Analysis) has none
        with_content = {section for section in chapter.sections()
                        if f"notebooks/{chapter.dirname}/" in chapter.page_for_section(section).read_text(encoding="utf-8")}
        notebooks = {p.stem for p in chapter.notebooks_folder.glob("*.md")}
        assert OPENING_SECTION in notebooks
        assert with_content <= notebooks <= set(chapter.sections()), chapter.dirname


def test_strict_build_reports_no_warning(built_book):
    assert built_book.returncode == 0
    sphinx_problems = re.findall(r"^.*(?:WARNING|ERROR|CRITICAL): .*$", built_book.log, flags=re.M)
    assert sphinx_problems == []


def caption_numbers(built_book, docnames: list[str], selector: str = "span.caption-number") -> list[str]:
    return [number.get_text().strip() for docname in docnames for number in built_book.page(docname).select(selector)]


def test_each_chapter_numbers_its_figures_exhibits_and_tables_by_its_own_number(built_book):
    for chapter in all_chapters():
        pages = [name for name in chapter_docnames() if name.startswith(f"chapters/{chapter.dirname}/")]
        figures = caption_numbers(built_book, pages, "figure span.caption-number")
        authors = [n for n in figures if n.startswith("Figure ")]
        assert authors and all(n.startswith(f"Figure {chapter.number}.") for n in authors), authors
        edition = [n for n in figures if n not in authors]
        assert edition and all(n.startswith(f"Exhibit {chapter.number}.") for n in edition)
        assert [int(n.split(".")[1]) for n in edition] == list(range(1, len(edition) + 1))
        tables = caption_numbers(built_book, pages, "table span.caption-number")
        assert [n for n in tables] == [f"Table {chapter.number}.{k}" for k in range(1, len(tables) + 1)]
