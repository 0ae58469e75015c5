"""The book's structure: every TOC page built, no page left out, each chapter numbered by its own number."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, chapter_docnames, toc_docnames
from startup_capitalism.book import Book
from startup_capitalism.chapters import BACK_MATTER_PAGES
from startup_capitalism.text.manuscript_changes import page_paragraphs

BOOK = Book(ROOT)


def test_every_page_in_the_toc_is_built(built_book):
    for docname in toc_docnames():
        assert (built_book.site / f"{docname}.html").is_file(), f"{docname} is in _toc.yml but was not built"


def toc_files(toc_name: str) -> set[str]:
    """Every document a TOC file names, however it nests them (parts, chapters, sections)."""
    names: set[str] = set()

    def walk(entry):
        if isinstance(entry, dict):
            for key, value in entry.items():
                if key in ("file", "root"):
                    names.add(str(value).removesuffix(".md"))
                else:
                    walk(value)
        elif isinstance(entry, list):
            for item in entry:
                walk(item)

    walk(yaml.safe_load((ROOT / toc_name).read_text(encoding="utf-8")))
    return names


def test_no_page_or_notebook_is_left_out_of_the_toc():
    """Chapter pages belong in the site's TOC and the PDF's; notebooks in the site's only."""
    site, pdf = toc_files("_toc.yml"), toc_files("_toc-pdf.yml")
    problems = []
    for folder, tocs in (
        ("chapters", {"_toc.yml": site, "_toc-pdf.yml": pdf}),
        ("notebooks", {"_toc.yml": site}),
        ("book", {"_toc.yml": site}),
    ):
        for page in sorted((ROOT / folder).rglob("*.md")):
            docname = page.relative_to(ROOT).with_suffix("").as_posix()
            absent = [name for name, listed in tocs.items() if docname not in listed]
            if absent:
                problems.append(
                    f"{page.relative_to(ROOT)} is in no table of contents: add `- file: {docname}` "
                    f"to {' and '.join(absent)} (next to its chapter's other pages)"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", BOOK.chapters(), ids=lambda c: c.dirname)
def test_one_notebook_per_chapter_page_with_prose(chapter):
    """A page with text of its own (not only a heading) has an evidence notebook of the same name
    (the opening page's is `opening.md`) that builds its charts and tables."""
    problems = []
    for page in sorted(chapter.folder.glob("*.md")):
        if page.stem in BACK_MATTER_PAGES or len(page_paragraphs(page.read_text(encoding="utf-8"))) < 2:
            continue
        name = "opening" if page.name == "index.md" else page.stem
        notebook = chapter.notebooks_folder / f"{name}.md"
        if not notebook.is_file():
            problems.append(
                f"{page.relative_to(ROOT)} has prose but no evidence notebook: "
                f"add {notebook.relative_to(ROOT)} "
                f"(copy one in {chapter.notebooks_folder.relative_to(ROOT)}/ and change its section name; "
                "see CONTRIBUTING.md, 'Add a section') and list it in _toc.yml"
            )
    for notebook in sorted(chapter.notebooks_folder.glob("*.md")):
        page = chapter.page_for_section(notebook.stem)
        if not page.is_file():
            problems.append(
                f"{notebook.relative_to(ROOT)} has no chapter page: {page.relative_to(ROOT)} is missing"
            )
    assert not problems, "\n".join(problems)


def test_strict_build_reports_no_warning(built_book):
    assert built_book.returncode == 0
    sphinx_problems = re.findall(r"^.*(?:WARNING|ERROR|CRITICAL): .*$", built_book.log, flags=re.M)
    assert sphinx_problems == []


def caption_numbers(built_book, docnames: list[str], selector: str = "span.caption-number") -> list[str]:
    return [
        number.get_text().strip()
        for docname in docnames
        for number in built_book.page(docname).select(selector)
    ]


def test_each_chapter_numbers_its_figures_exhibits_and_tables_by_its_own_number(built_book):
    for chapter in BOOK.chapters():
        pages = [name for name in chapter_docnames() if name.startswith(f"chapters/{chapter.dirname}/")]
        figures = caption_numbers(built_book, pages, "figure span.caption-number")
        authors = [n for n in figures if n.startswith("Figure ")]
        assert authors and all(n.startswith(f"Figure {chapter.number}.") for n in authors), authors
        edition = [n for n in figures if n not in authors]
        assert edition and all(n.startswith(f"Exhibit {chapter.number}.") for n in edition)
        assert [int(n.split(".")[1]) for n in edition] == list(range(1, len(edition) + 1))
        tables = caption_numbers(built_book, pages, "table span.caption-number")
        assert [n for n in tables] == [f"Table {chapter.number}.{k}" for k in range(1, len(tables) + 1)]


# ---------------------------------------------------------------------------------------------
# A fixture book: the extension takes its settings from the book's _config.yml and its chapters and
# data from the book's own root (Sphinx's source folder), not from this repository

FIXTURE_BOOK = ROOT / "tests" / "fixtures" / "settings-book"


def build_fixture(tmp_path, builder: str, capsys) -> tuple[Path, str]:
    """The fixture book copied to `tmp_path` and built strictly by jupyter-book's Sphinx driver."""
    from jupyter_book.sphinx import build_sphinx

    book = tmp_path / "book"
    shutil.copytree(FIXTURE_BOOK, book)
    # not `<book>/_build/<builder>`: that is the bare `jupyter-book build .`, which `entry` stops
    output = book / "_build" / "fixture" / builder
    status = build_sphinx(
        book,
        output,
        path_config=book / "_config.yml",
        noconfig=True,
        confoverrides={"latex_individualpages": False},
        builder=builder,
        warningiserror=True,
        freshenv=True,
    )
    log = capsys.readouterr().out
    assert status == 0, log[-3000:]
    return book, log


def test_a_books_config_wins_over_the_environment_and_the_extension(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPOSITORY_URL", "https://github.com/environment-org/not-this-one")
    settings = yaml.safe_load((FIXTURE_BOOK / "_config.yml").read_text(encoding="utf-8"))
    book, log = build_fixture(tmp_path, "html", capsys)
    page = BeautifulSoup((book / "_build" / "fixture" / "html" / "index.html").read_text(), "html.parser")
    html = str(page)
    assert f'href="{settings["repository"]["url"]}"' in html and "environment-org" not in html
    assert page.find("meta", property="og:url")["content"] == settings["html"]["baseurl"] + "index.html"
    footer = page.select_one("footer.bd-footer-content").get_text(" ", strip=True)
    assert footer == BeautifulSoup(settings["html"]["extra_footer"], "html.parser").get_text(), footer
    cache = re.search(r"execution cache for the current data and package: (\S+)", log)
    assert cache and Path(cache[1]).parent == book / settings["execute"]["cache"], log[-2000:]


def test_the_latex_documents_are_the_configs_and_one_per_chapter_of_the_book(tmp_path, capsys):
    from startup_capitalism.book import Book
    from startup_capitalism.sphinxext.pdfs import pdf_names, tex_name

    book, _ = build_fixture(tmp_path, "latex", capsys)
    written = sorted(path.name for path in (book / "_build" / "fixture" / "latex").glob("*.tex"))
    chapters = Book(book).chapters()
    target = yaml.safe_load((FIXTURE_BOOK / "_config.yml").read_text())["latex"]["latex_documents"]
    assert written == sorted([target["targetname"], *(tex_name(c.pdf_name) for c in chapters)])
    book_pdf = target["targetname"].removesuffix(".tex") + ".pdf"
    assert pdf_names(Book(book)) == [book_pdf, *(chapter.pdf_name for chapter in chapters)]


def test_the_extension_reads_the_chapters_and_data_of_the_book_it_builds(tmp_path, capsys):
    from startup_capitalism.book import Book

    book, _ = build_fixture(tmp_path, "html", capsys)
    front = BeautifulSoup((book / "_build" / "fixture" / "html" / "index.html").read_text(), "html.parser")
    listed = [
        (item.a.get_text(strip=True), item.select("a")[-1]["href"])
        for item in front.select(".chapter-list li")
    ]
    assert listed == [(chapter.heading, chapter.pdf_name) for chapter in Book(book).chapters()] != []
    version = front.select_one(".data-version").get_text()
    for data_file in (book / "data").glob("*.csv"):
        assert data_file.name in version and data_file.name not in {p.name for p in ROOT.glob("data/*.csv")}
