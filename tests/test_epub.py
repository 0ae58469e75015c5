"""The EPUB edition (issue 22): valid (epubcheck), faithful (every sentence of every chapter page, in
order), every chart an image with the site's text alternative, and the same bytes when rebuilt."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup
from test_prose import CHAPTERS, chapter_docnames_of, missing_in_order, normalise

from conftest import BUILD, ROOT, SITE, chapter_docnames, prose_text

# the EPUB's XHTML and its package's XML are read with Python's HTML parser on purpose (the lock has
# no lxml): the names these tests look up are the same, and bs4's warning that it is XML says nothing
pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")

EPUB = BUILD / "epub" / "book.epub"
WORK = BUILD / "work-pdf"  # the EPUB is written from the PDF's work folder
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@pytest.fixture(scope="module")
def epub(built_book) -> zipfile.ZipFile:
    assert EPUB.is_file(), f"the book build leaves no {EPUB}"
    with zipfile.ZipFile(EPUB) as archive:
        yield archive


def package(epub: zipfile.ZipFile) -> BeautifulSoup:
    return BeautifulSoup(epub.read("content.opf"), "html.parser")


def spine_pages(epub: zipfile.ZipFile) -> list[str]:
    """The pages in reading order (the package's spine)."""
    opf = package(epub)
    hrefs = {item["id"]: item["href"] for item in opf.find_all("item")}
    return [hrefs[ref["idref"]] for ref in opf.find("spine").find_all("itemref")]


def page(epub: zipfile.ZipFile, docname: str) -> BeautifulSoup:
    return BeautifulSoup(epub.read(f"{docname}.xhtml"), "html.parser")


def body(soup: BeautifulSoup):
    return soup.find(attrs={"role": "main"}) or soup.body


def test_epubcheck_finds_no_error_and_no_warning(epub, tmp_path):
    found = shutil.which("epubcheck")
    assert found, "epubcheck is missing: `make test` installs it (Debian's epubcheck)"
    report = tmp_path / "epubcheck.json"
    # Debian's /usr/bin/epubcheck is the jar itself, run through binfmt where that is set up
    jar = Path(found).resolve()
    command = ["java", "-jar", str(jar)] if jar.suffix == ".jar" else [found]
    subprocess.run([*command, str(EPUB), "--json", str(report)], capture_output=True, text=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} ({[loc.get('path') for loc in m['locations']][:3]})"
        for m in result["messages"]
        if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]
    assert result["publication"]["ePubVersion"].startswith("3")
    assert not problems, "\n".join(problems)


def test_the_package_declares_its_language_title_and_accessibility(epub):
    opf = package(epub)
    assert opf.find("dc:language").text == "en"
    assert normalise(opf.find("dc:title").text) == normalise(
        BeautifulSoup((SITE / "index.html").read_bytes(), "html.parser").find("h1").text
    ).rstrip("#")
    properties = {meta.get("property") for meta in opf.find_all("meta")}
    for needed in (
        "schema:accessMode",
        "schema:accessibilityFeature",
        "schema:accessibilitySummary",
        "schema:accessibilityHazard",
    ):
        assert needed in properties, needed


def test_the_navigation_lists_every_section_of_every_chapter_page(built_book, epub):
    nav = BeautifulSoup(epub.read("nav.xhtml"), "html.parser")
    entries = {normalise(a.get_text(" ")) for a in nav.select("nav a")}
    for docname in chapter_docnames():
        for heading in built_book.page(docname).find("main").find_all(["h1", "h2", "h3"]):
            for link in heading.select("a.headerlink"):
                link.decompose()
            assert normalise(heading.get_text(" ")) in entries, f"{docname}: {heading.get_text()!r}"


def epub_text(epub: zipfile.ZipFile) -> str:
    """The words of every page, in the spine's order, as the site's fidelity test reads a page."""
    return normalise(
        " ".join(prose_text(body(page(epub, href.removesuffix(".xhtml")))) for href in spine_pages(epub))
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_every_sentence_of_the_pages_is_in_the_epub_in_order(epub, chapter):
    from startup_capitalism.text import manuscript_changes

    sentences = manuscript_changes.page_sentences(chapter, ROOT)
    assert len(sentences) > 10
    assert all(f"{docname}.xhtml" in spine_pages(epub) for docname in chapter_docnames_of(chapter))
    missing = missing_in_order(sentences, epub_text(epub), normalise)
    found = len(sentences) - len(missing)
    print(f"{chapter.dirname}: {found} of {len(sentences)} sentences in the EPUB, in order")
    assert not missing, "not in the EPUB (or out of order):\n" + "\n".join(missing[:20])


def chart_images(epub: zipfile.ZipFile, docname: str) -> list:
    return [img for img in body(page(epub, docname)).select("figure img, div.figure img")]


def test_every_chart_of_the_site_is_an_image_with_its_number_and_caption(built_book, epub):
    images = {docname: chart_images(epub, docname) for docname in chapter_docnames()}
    assert sum(len(found) for found in images.values()) == built_book.chart_count() > 0
    names = set(epub.namelist())
    for docname, found in images.items():
        site_numbers = [
            normalise(n.get_text())
            for n in built_book.page(docname).select("figure figcaption .caption-number")
        ]
        epub_numbers = [
            normalise(n.get_text()) for n in body(page(epub, docname)).select("figcaption .caption-number")
        ]
        assert epub_numbers == site_numbers, docname
        for img in found:
            source = (PurePosixPath(docname).parent / img["src"]).as_posix()
            while "/../" in f"/{source}":
                source = re.sub(r"(^|/)[^/]+/\.\./", r"\1", source, count=1)
            assert source in names, f"{docname}: {img['src']} is not in the EPUB"


def test_each_image_has_the_sites_text_alternative_with_a_number_of_its_data(built_book, epub):
    for docname in chapter_docnames():
        site = built_book.page(docname)
        charts = site.select("figure .startup-chart-block")
        images = chart_images(epub, docname)
        assert len(images) == len(charts), docname
        for img, chart in zip(images, charts, strict=True):
            alt = normalise(img.get("alt", ""))
            assert alt and not alt.endswith(".png"), f"{docname}: an image without a text alternative"
            assert alt == normalise(chart.select_one(".startup-chart")["aria-label"])
            data = {
                n for cell in chart.select(".startup-chart-data td") for n in NUMBER.findall(cell.get_text())
            }
            assert data & set(NUMBER.findall(alt)), f"{docname}: {alt[:80]!r} names no number of its data"


def test_tables_footnotes_works_cited_and_appendix_are_in_the_epub(built_book, epub):
    spine = spine_pages(epub)
    for docname in (
        "appendix/data",
        "appendix/codebook",
        *(f"chapters/{c.dirname}/works-cited" for c in CHAPTERS),
    ):
        assert f"{docname}.xhtml" in spine, docname
    for docname in [*chapter_docnames(), "appendix/codebook"]:
        site_tables = built_book.page(docname).select("main table:not(.startup-chart-data table)")
        site_tables = [t for t in site_tables if not t.find_parent(class_="startup-chart-data")]
        epub_tables = body(page(epub, docname)).find_all("table")
        epub_tables = [t for t in epub_tables if "footnote" not in " ".join(t.get("class", []))]
        assert len(epub_tables) >= len(site_tables), docname
        footnotes = len(built_book.page(docname).select("a.footnote-reference"))
        assert len(body(page(epub, docname)).select("a.footnote-reference")) == footnotes, docname
    citation_links = [
        a for docname in chapter_docnames() for a in body(page(epub, docname)).select("a.citation-link")
    ]
    assert citation_links and all("works-cited.xhtml#" in a["href"] for a in citation_links)


def test_no_chart_menu_tooltip_hint_or_script(epub):
    for name in epub.namelist():
        assert not name.endswith(".js"), name
        if name.endswith(".xhtml"):
            text = epub.read(name).decode("utf-8")
            assert "<script" not in text and "vega-embed" not in text, name
            assert "click to filter" not in text and "Point at or tap" not in text, name


def test_the_front_page_and_the_pdf_link_the_epub(built_book):
    links = [a.get("href") for a in built_book.page("index").find_all("a")]
    assert EPUB.name in links
    assert (built_book.site / EPUB.name).read_bytes() == EPUB.read_bytes()
    tex = (WORK / "_build" / "latex" / "book.tex").read_text(encoding="utf-8")
    assert rf"\href{{{EPUB.name}}}" in tex


def test_the_epub_is_in_its_sha256sums(built_book):
    sums = dict(
        reversed(line.split("  ", 1))
        for line in (EPUB.parent / "SHA256SUMS").read_text().splitlines()
        if line
    )
    assert sums[EPUB.name] == hashlib.sha256(EPUB.read_bytes()).hexdigest()


def test_the_epub_builder_writes_the_same_bytes_again(built_book, tmp_path):
    """The EPUB written a second time from the same read pages and executed notebooks, into another
    folder (with other file times), is byte for byte the published one."""
    work = tmp_path / "work"
    for folder in (".doctrees", "jupyter_execute"):
        shutil.copytree(WORK / "_build" / folder, work / "_build" / folder)
    from startup_capitalism.commands import checksums  # the build's pinned dates

    # the build's pinned dates, without changing this test session's environment
    pinned = dict(os.environ, SOURCE_DATE_EPOCH=checksums.source_date_epoch(ROOT), FORCE_SOURCE_DATE="1")
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter-book")),
            "build",
            str(ROOT),
            "--path-output",
            str(work),
            "--toc",
            str(ROOT / "_toc-pdf.yml"),
            "--builder",
            "custom",
            "--custom-builder",
            "epub",
            "-n",
            "-W",
        ],
        cwd=ROOT,
        env=pinned,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Executing notebook" not in result.stdout, "the EPUB's rebuild executed a notebook again"
    again = work / "_build" / "epub" / EPUB.name
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(EPUB.read_bytes()).hexdigest()
