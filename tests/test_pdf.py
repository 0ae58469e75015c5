"""The PDF edition (the whole book's PDF): every heading, caption and chart in it, fonts embedded,
nothing raw."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zlib

import pytest
from test_prose import HEADINGS, chapter_docnames_of, normalise

from conftest import ROOT, chapter_docnames
from startup_capitalism.book import Book
from startup_capitalism.text import manuscript_changes

BOOK = Book(ROOT)

FIGURE_CAPTION = "Analyzing Japan’s institutional evolution: antecedents to startup capitalism"


def run(*command: str) -> str:
    assert shutil.which(command[0]), f"{command[0]} is missing: `make test` installs poppler-utils"
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_text(built_book) -> str:
    assert built_book.pdf.is_file(), "make book leaves no PDF"
    return run("pdftotext", "-layout", str(built_book.pdf), "-")


def flat(text: str) -> str:
    return normalise(text.replace("\u00ad", ""))


def test_every_heading_and_caption_is_in_the_pdf(built_book, pdf_text):
    text = flat(pdf_text)
    for heading in HEADINGS:
        assert normalise(heading) in text, heading
    assert "Figure 2.1: " + normalise(FIGURE_CAPTION) in text
    captions = [
        normalise(c.get_text(" "))
        for name in chapter_docnames()
        for c in built_book.page(name).select("figure figcaption .caption-number")
    ]
    for number in captions:
        assert number.strip() + ":" in text


def test_one_image_per_chart(built_book):
    listing = run("pdfimages", "-list", str(built_book.pdf)).splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) == built_book.chart_count() >= 12
    # 300 dpi or more at the size they are printed
    assert all(int(line.split()[12]) >= 300 for line in images), listing


def test_all_fonts_are_embedded(built_book):
    listing = run("pdffonts", str(built_book.pdf)).splitlines()[2:]
    assert listing
    not_embedded = [line for line in listing if line.split()[-5] != "yes"]
    assert not_embedded == []


def test_no_page_shows_raw_chart_code_or_html(pdf_text):
    assert "alt.Chart" not in pdf_text and "<div" not in pdf_text and "<Chart:" not in pdf_text


def test_screen_only_hints_are_not_in_the_pdf(pdf_text):
    assert "click to filter" not in pdf_text and "hover" not in pdf_text.lower()


def test_the_footnotes_appear(pdf_text):
    """Every footnote of every chapter page (their texts say they are in the print edition)."""
    said = "Its text is in the print edition"
    footnotes = sum(
        page.read_text(encoding="utf-8").count(said) for page in (ROOT / "chapters").rglob("*.md")
    )
    assert footnotes and flat(pdf_text).count(said) >= footnotes


def test_the_site_links_the_pdf(built_book):
    links = [a.get("href") for a in built_book.page("index").find_all("a")]
    assert built_book.pdf.name in links
    assert (built_book.site / built_book.pdf.name).read_bytes() == built_book.pdf.read_bytes()


# --- issue 19: tables that fit, language, bookmarks, running heads and feet -------------------------


def chapter_pdfs(built_book) -> dict:
    return {chapter: built_book.pdf.parent / chapter.pdf_name for chapter in BOOK.chapters()}


def test_each_pdf_declares_its_language(built_book):
    """/Lang in the catalogue; xdvipdfmx may put the catalogue in a compressed object stream."""
    for pdf in [built_book.pdf, *chapter_pdfs(built_book).values()]:
        data = pdf.read_bytes()
        streams = re.findall(rb"stream\r?\n(.*?)endstream", data, flags=re.S)
        objects = [data] + [zlib.decompress(stream) for stream in streams if _inflates(stream)]
        assert any(re.search(rb"/Lang\s*\(en\)", chunk) for chunk in objects), pdf.name


def _inflates(stream: bytes) -> bool:
    try:
        zlib.decompress(stream)
    except zlib.error:
        return False
    return True


def outline(pdf) -> list[str]:
    """The PDF's bookmarks (pdftohtml -xml writes the outline)."""
    xml = run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf))
    items = re.findall(r"<item[^>]*>(.*?)</item>", xml, flags=re.S)
    return [normalise(html.unescape(item)) for item in items]


def test_every_page_of_a_chapter_has_one_bookmark_in_its_pdf_and_the_book(built_book):
    book = outline(built_book.pdf)
    for chapter, pdf in chapter_pdfs(built_book).items():
        marks = outline(pdf)
        for page in manuscript_changes.chapter_pages(chapter, ROOT):
            heading = normalise(manuscript_changes.page_paragraphs(page.read_text(encoding="utf-8"))[0][1])
            assert marks.count(heading) == 1, f"{pdf.name}: {heading!r} in {marks}"
            assert heading in book, f"book.pdf: no bookmark {heading!r}"


def page_region(pdf, page: int, top: int, height: int) -> str:
    region = ["-x", "0", "-y", str(top), "-W", "596", "-H", str(height)]
    return normalise(run("pdftotext", "-f", str(page), "-l", str(page), *region, str(pdf), "-"))


def test_running_heads_and_feet_name_the_chapter_and_the_page(built_book):
    """From the chapter's first page of text on, each page's head names the chapter and its foot
    one of the chapter's pages (never "Contents"), chapter openings included."""
    for chapter, pdf in chapter_pdfs(built_book).items():
        pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))
        titles = {
            normalise(heading)
            for page in manuscript_changes.chapter_pages(chapter, ROOT)
            for _, heading in manuscript_changes.page_paragraphs(page.read_text(encoding="utf-8"))[:1]
        } | {"Changes since the received manuscript", "Works cited"}
        first_words = normalise(manuscript_changes.page_sentences(chapter, ROOT)[1].text)[:40]
        start = next(n for n in range(1, pages + 1) if first_words in page_region(pdf, n, 60, 720))
        for number in range(start, pages + 1):
            head, foot = page_region(pdf, number, 0, 60), page_region(pdf, number, 780, 62)
            assert normalise(chapter.heading) in head, f"{pdf.name} p. {number}: head {head!r}"
            where = f"{pdf.name} p. {number}: foot {foot!r}"
            assert "Contents" not in foot and any(title in foot for title in titles), where


def test_table_cells_that_must_not_break_are_whole_on_one_line(built_book):
    """Dates, values and row ids of the edition's tables (their short cells of several parts) are
    on one line of the PDF, and every header row is whole (nothing clipped: "Dat", "Valu")."""
    for chapter, pdf in chapter_pdfs(built_book).items():
        lines = [normalise(line) for line in run("pdftotext", "-layout", str(pdf), "-").splitlines()]
        text = "\n".join(lines)
        for docname in chapter_docnames_of(chapter):
            for table in built_book.page(docname).select("main table"):
                if table.find_parent(class_="startup-chart-data"):
                    continue
                # a header may wrap, but starts on the header row's first line, whole ("Date", not "Dat")
                firsts = [normalise(th.get_text(" ")).split(" ")[0] for th in table.select("thead th")]
                row = r"\s.*".join(rf"(?<!\S){re.escape(word)}(?!\S)" for word in firsts)
                assert any(re.search(row, line) for line in lines), f"{pdf.name}: {docname}: header {firsts}"
                for cell in table.select("tbody td"):
                    value = normalise(cell.get_text(" "))
                    if len(value) <= 16 and re.search(r"[ \-]", value):
                        assert value in text, f"{pdf.name}: {docname}: {value!r} broken over lines"
