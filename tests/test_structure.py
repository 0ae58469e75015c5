"""The book's structure: every TOC page built, no page left out, numbering as Chapter 2."""

from __future__ import annotations

import re

from conftest import ROOT, chapter_docnames, toc_docnames
from startup_capitalism.chapters import BACK_MATTER_PAGES


def test_every_page_in_the_toc_is_built(built_book):
    for docname in toc_docnames():
        assert (built_book.site / f"{docname}.html").is_file(), f"{docname} is in _toc.yml but was not built"


def test_no_page_or_notebook_is_left_out_of_the_toc():
    listed = set(toc_docnames())
    for folder in ("chapters", "notebooks"):
        for page in (ROOT / folder).rglob("*.md"):
            docname = page.relative_to(ROOT).with_suffix("").as_posix()
            assert docname in listed, f"{docname} is not in _toc.yml"


def test_one_notebook_per_chapter_page_with_content():
    chapter_pages = {p.stem for p in (ROOT / "chapters" / "02-japan").glob("*.md")} - {"thematic-analysis"} \
        - set(BACK_MATTER_PAGES)
    notebooks = {p.stem for p in (ROOT / "notebooks" / "02-japan").glob("*.md")}
    assert notebooks == (chapter_pages - {"index"}) | {"opening"}


def test_strict_build_reports_no_warning(built_book):
    assert built_book.returncode == 0
    sphinx_problems = re.findall(r"^.*(?:WARNING|ERROR|CRITICAL): .*$", built_book.log, flags=re.M)
    assert sphinx_problems == []


def test_the_authors_figure_is_figure_2_1_and_edition_charts_are_exhibits(built_book):
    page = built_book.page("chapters/02-japan/continuity-and-change")
    assert page.find(id="fig-2-1").find("span", class_="caption-number").get_text().strip() == "Figure 2.1"
    exhibits = []
    for docname in chapter_docnames():
        for number in built_book.page(docname).select("figure span.caption-number"):
            exhibits.append(number.get_text().strip())
    edition = [n for n in exhibits if n != "Figure 2.1"]
    assert edition and all(n.startswith("Exhibit 2.") for n in edition)
    assert [int(n.split(".")[1]) for n in edition] == list(range(1, len(edition) + 1))
