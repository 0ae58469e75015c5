"""The PDF edition (the whole book's PDF): every heading, caption and chart in it, fonts embedded, nothing raw."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT, chapter_docnames
from test_prose import FIGURE_CAPTION, HEADINGS, manuscript_sentences, normalise

from startup_capitalism.chapters import all_chapters


def run(*command: str) -> str:
    assert shutil.which(command[0]), f"{command[0]} is missing: `make test` installs poppler-utils"
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_text(built_book) -> str:
    assert built_book.pdf.is_file(), "make book leaves no PDF"
    return run("pdftotext", "-layout", str(built_book.pdf), "-")


def flat(text: str) -> str:
    return normalise(text.replace("\u00ad", ""))


# the running heads: the chapter's heading, the book's title outside the chapters
RUNNING_HEADS = {chapter.heading for chapter in all_chapters()} | {
    yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]}


def reading_text(raw: str) -> str:
    """The PDF's text in reading order without what the page layout adds between sentences: the
    running head, page footers and numbers, and the footnotes at the foot of each page."""
    kept = []
    for line in raw.splitlines():
        stripped = line.strip()
        if (stripped in RUNNING_HEADS or re.fullmatch(r"\d+|[ivx]+", stripped)
                or re.fullmatch(r"\d+ Note \d+ of the chapter.*|.*print edition.*reproduced here\.?|note is not reproduced here\.", stripped)
                or re.fullmatch(r"(.{3,60}) \d+|\d+ (.{3,60})", stripped) and not stripped.endswith(".")):
            continue
        kept.append(line)
    return "\n".join(kept)


def squeeze(text: str) -> str:
    """White space and line-end hyphenation aside."""
    return re.sub(r"[\s-]+", "", normalise(text))


def test_every_heading_and_caption_is_in_the_pdf(built_book, pdf_text):
    text = flat(pdf_text)
    for heading in HEADINGS:
        assert normalise(heading) in text, heading
    assert "Figure 2.1: " + normalise(FIGURE_CAPTION) in text
    captions = [normalise(c.get_text(" ")) for name in chapter_docnames()
                for c in built_book.page(name).select("figure figcaption .caption-number")]
    for number in captions:
        assert number.strip() + ":" in text


def test_at_least_95_percent_of_sentences_are_verbatim(built_book):
    text = squeeze(reading_text(run("pdftotext", str(built_book.pdf), "-")))
    sentences = manuscript_sentences()
    missing = [s for s in sentences if squeeze(s) not in text]
    share = 1 - len(missing) / len(sentences)
    print(f"{len(sentences) - len(missing)} of {len(sentences)} sentences verbatim in the PDF ({share:.1%})")
    assert share >= 0.95, "\n".join(missing[:10])


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
