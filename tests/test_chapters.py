"""The book grows a chapter at a time: numbering by chapter, a PDF per chapter and the book's, data
by chapter, and nothing outside a chapter's own files naming a particular chapter."""

from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest

from conftest import ROOT, chapter_docnames
from startup_capitalism import evidence
from startup_capitalism.book import Book
from startup_capitalism.sphinxext.pdfs import BOOK_PDF, opening_docname

BOOK = Book(ROOT)

JAPAN = BOOK.chapter(2)
DIRECTIVE = re.compile(r"^```\{(glued-figure|glued-table)\}.*?^```[ \t]*$", flags=re.M | re.S)


def numbered_in_pages(chapter) -> dict[str, list[str]]:
    """The numbers a chapter's pages give their floats, counted from the pages as they are: each
    kind numbered N.1, N.2, ... (an author who adds a chart adds Exhibit N.k+1)."""
    found = {"Figure": 0, "Exhibit": 0, "Table": 0}
    for name in chapter_docnames():
        if name.startswith(f"chapters/{chapter.dirname}/"):
            for block in DIRECTIVE.finditer((ROOT / f"{name}.md").read_text(encoding="utf-8")):
                kind = "Table" if block.group(1) == "glued-table" else "Figure"
                if kind == "Figure" and ":kind: figure" not in block.group(0):
                    kind = "Exhibit"
                found[kind] += 1
    return {kind: [f"{kind} {chapter.number}.{k}" for k in range(1, n + 1)] for kind, n in found.items()}


JAPAN_NUMBERS = numbered_in_pages(JAPAN)
JAPAN_FIGURES, JAPAN_EXHIBITS, JAPAN_TABLES = (JAPAN_NUMBERS[k] for k in ("Figure", "Exhibit", "Table"))


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def japan_pages() -> list[str]:
    return [name for name in chapter_docnames() if name.startswith(f"chapters/{JAPAN.dirname}/")]


def test_the_floats_are_numbered_by_chapter_in_order_in_html(built_book):
    assert JAPAN_FIGURES and JAPAN_EXHIBITS and JAPAN_TABLES, "no figure, exhibit or table slot found"
    numbers = [
        n.get_text().strip()
        for name in japan_pages()
        for n in built_book.page(name).select("span.caption-number")
    ]
    assert sorted(n for n in numbers if n.startswith("Figure")) == JAPAN_FIGURES
    assert (
        sorted((n for n in numbers if n.startswith("Exhibit")), key=lambda n: int(n.split(".")[1]))
        == JAPAN_EXHIBITS
    )
    assert (
        sorted((n for n in numbers if n.startswith("Table")), key=lambda n: int(n.split(".")[1]))
        == JAPAN_TABLES
    )


@pytest.mark.parametrize("pdf_name", [BOOK_PDF, JAPAN.pdf_name])
def test_the_floats_keep_their_numbers_in_the_pdfs(built_book, pdf_name):
    text = pdf_text(built_book.pdf.with_name(pdf_name))
    captions = set(re.findall(r"\b((?:Figure|Exhibit|Table) \d+\.\d+):", text))
    assert captions == set(JAPAN_FIGURES + JAPAN_EXHIBITS + JAPAN_TABLES)


def test_the_book_pdf_numbers_the_appendix_apart_from_the_chapters(built_book):
    text = pdf_text(built_book.pdf)
    assert "Table A.1:" in text and "Table A.2:" in text


def test_a_pdf_per_chapter_and_the_books_exist_are_published_and_linked(built_book):
    index_links = [a.get("href") for a in built_book.page("index").find_all("a")]
    assert BOOK_PDF in index_links
    for chapter in BOOK.chapters():
        pdf = built_book.pdf.with_name(chapter.pdf_name)
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
        assert (built_book.site / chapter.pdf_name).read_bytes() == pdf.read_bytes()
        assert chapter.pdf_name in index_links
        opening = built_book.page(opening_docname(chapter))
        assert f"../../{chapter.pdf_name}" in [a.get("href") for a in opening.select(".pdf-download a")]
        assert chapter.heading in built_book.page("index").select_one(".chapter-list").get_text()
    assert (built_book.site / BOOK_PDF).read_bytes() == built_book.pdf.read_bytes()


def test_the_chapter_pdf_holds_its_chapter_and_the_running_head_shows_it(built_book):
    text = pdf_text(built_book.pdf.with_name(JAPAN.pdf_name))
    lines = [line.strip() for line in text.splitlines()]
    assert lines.count(JAPAN.heading) >= 10, "the running head of the chapter's pages names the chapter"
    assert "Codebook" not in text, "the appendix belongs to the book's PDF"


def test_the_comparison_page_shows_every_scored_chapter(built_book):
    page = built_book.page("book/comparison")
    assert page.select("figure .startup-chart")
    assert page.select_one("figure span.caption-number").get_text().strip() == "Exhibit A.1"
    shown = set(re.findall(r'"chapter_label":\s*"(Chapter \d+ [^"]+)"', str(page)))
    scored = set(evidence.load_scores(BOOK)["chapter"].astype(int))
    assert shown == {f"Chapter {c.number} {c.country}" for c in BOOK.chapters() if c.number in scored}
    assert "fills in as the book's other chapters are added" in page.get_text(" ")


# --- data by chapter --------------------------------------------------------------------------

ROWS = evidence.load_evidence(BOOK)


def with_another_chapter(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows plus a copy of each under another chapter's number, as a second chapter would add."""
    return pd.concat([rows, rows.assign(chapter=rows["chapter"] + 90)], ignore_index=True)


def test_section_rows_refuses_an_unknown_chapter_or_section():
    with pytest.raises(KeyError, match="no chapter 98"):
        evidence.section_rows(ROWS, BOOK.chapter(98), "finance")
    with pytest.raises(KeyError, match="unknown section 'economy' of chapter 2"):
        evidence.section_rows(ROWS, JAPAN, "economy")


@pytest.mark.parametrize("chapter", BOOK.chapters(), ids=lambda c: c.dirname)
def test_section_rows_never_returns_another_chapters_rows(chapter):
    mixed = with_another_chapter(ROWS)
    for section in chapter.sections():
        rows = evidence.section_rows(mixed, chapter, section)
        assert set(rows["chapter"]) <= {chapter.number}
        assert len(rows) == int(((ROWS["chapter"] == chapter.number) & (ROWS["section"] == section)).sum())
    assert set(evidence.chapter_rows(mixed, chapter)["chapter"]) == {chapter.number}


def test_every_notebook_of_a_chapter_reads_only_its_chapters_rows():
    for chapter in BOOK.chapters():
        for notebook in chapter.notebooks_folder.glob("*.md"):
            code = notebook.read_text(encoding="utf-8")
            assert "evidence.load_evidence(book)" not in code.replace(
                "evidence.chapter_rows(evidence.load_evidence(book)", ""
            ), f"{notebook.relative_to(ROOT)} reads every chapter's rows"
            assert "evidence.load_scores(book)" not in code, (
                f"{notebook.relative_to(ROOT)} reads every chapter's scores"
            )


# --- nothing outside a chapter's own files names a chapter -------------------------------------

SHARED_FILES = ["_config.yml", "Makefile", "pyproject.toml", "CITATION.cff", "index.md", "conftest.py"]


def shared_files() -> list:
    files = [ROOT / name for name in SHARED_FILES]
    files += [
        p for p in (ROOT / "src").rglob("*") if p.is_file() and p.suffix in (".py", ".css", ".js", ".yml")
    ]
    files += [p for p in (ROOT / "tools").rglob("*") if p.is_file() and p.suffix in (".py", ".sh")]
    return files


@pytest.mark.parametrize("chapter", BOOK.chapters(), ids=lambda c: c.dirname)
def test_no_shared_code_or_config_names_a_chapter(chapter):
    n = chapter.number
    names = re.compile(
        "|".join(
            [
                rf"\b{re.escape(chapter.country)}\b",
                rf"\b{re.escape(chapter.title)}\b",
                re.escape(chapter.dirname),
                rf"\b{chapter.label_prefix}\b",
                re.escape(chapter.pdf_name.removesuffix(".pdf")),
                rf"(?:Figure|Exhibit|Table) {n}\.",
                rf"\b{n}\.%s",
                rf"figure[-_]{n}[-_]1\b",
            ]
        ),
        flags=re.I,
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in shared_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if names.search(line)
    ]
    assert found == [], "\n".join(found)


def test_the_book_has_one_title_setting_and_it_is_not_a_chapters():
    import yaml

    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert title and all(c.title not in title and c.country not in title for c in BOOK.chapters())
    assert (ROOT / "index.md").read_text(encoding="utf-8").startswith(f"# {title}\n")
