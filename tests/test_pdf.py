"""The PDF edition (the whole book's PDF): every heading, caption and chart in it, fonts embedded,
nothing raw."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_prose import HEADINGS, normalise

from conftest import chapter_docnames

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
    assert flat(pdf_text).count("Its text is in the print edition") >= 16


def test_the_site_links_the_pdf(built_book):
    links = [a.get("href") for a in built_book.page("index").find_all("a")]
    assert built_book.pdf.name in links
    assert (built_book.site / built_book.pdf.name).read_bytes() == built_book.pdf.read_bytes()
