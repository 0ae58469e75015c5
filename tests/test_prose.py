"""The pages are the text: every sentence of every chapter's pages reaches the site and the PDF, in
order. Co-authors edit the pages freely; what differs from the received manuscript is listed on the
chapter's "Changes since the received manuscript" page, never a test failure."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from types import SimpleNamespace

import pytest

from conftest import ROOT, prose_text
from startup_capitalism.book import Book
from startup_capitalism.text import manuscript_changes

BOOK = Book(ROOT)

CHAPTERS = BOOK.chapters()


def normalise(text: str) -> str:
    """White space and quote style aside."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text: str) -> str:
    """White space, soft hyphens and line-end hyphenation aside (for the PDF's text)."""
    return re.sub(r"[\s\-\u00ad]+", "", normalise(text))


def chapter_docnames_of(chapter) -> list[str]:
    return [
        page.relative_to(ROOT).with_suffix("").as_posix()
        for page in manuscript_changes.chapter_pages(chapter, ROOT)
    ]


# the chapters' headings, for test_pdf
HEADINGS = [
    text
    for chapter in CHAPTERS
    for page in manuscript_changes.chapter_pages(chapter, ROOT)
    for _, text in manuscript_changes.page_paragraphs(page.read_text(encoding="utf-8"))[:1]
]


def site_text(built_book, chapter) -> str:
    texts = []
    for docname in chapter_docnames_of(chapter):
        texts.append(prose_text(built_book.page(docname).find("main")))
    return normalise(" ".join(texts))


def missing_in_order(sentences, text: str, flatten) -> list[str]:
    """The sentences not found in `text` after the previous one, each with its page and line."""
    missing, position = [], 0
    for sentence in sentences:
        found = text.find(flatten(sentence.text), position)
        if found < 0:
            missing.append(f"{sentence.docname}.md:{sentence.line}: {sentence.text[:100]!r}")
        else:
            position = found + len(flatten(sentence.text))
    return missing


@pytest.fixture(scope="module")
def pdf_texts(built_book) -> dict[str, str]:
    assert shutil.which("pdftotext"), "pdftotext is missing: `make test` installs poppler-utils"
    texts = {}
    for chapter in CHAPTERS:
        pdf = built_book.pdf.parent / chapter.pdf_name
        assert pdf.is_file(), f"the build left no {pdf.relative_to(ROOT)}"
        # the body of each A4 page only: the running head (above y = 60 pt) and the running foot
        # (below y = 780 pt) are layout, and pdftotext can glue them into a hyphenated line
        body = ["-x", "0", "-y", "60", "-W", "596", "-H", "720"]
        raw = subprocess.run(
            ["pdftotext", *body, str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        texts[chapter.dirname] = raw
    return texts


def heading_lines(chapter) -> set[str]:
    return {
        line.lstrip("#").strip()
        for page in manuscript_changes.chapter_pages(chapter, ROOT)
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def pdf_reading_text(raw: str, running_heads: set[str]) -> str:
    """The PDF's text without what the page layout puts between sentences: the running heads
    (the book's title, a section's heading), page numbers and the footnotes at the foot of a page."""
    # a footnote's number at the foot of a page can end up glued to the last line of the text
    raw = re.sub(r"(\d{1,2})\n+(?=\1? ?Note \1 of the chapter)", "\n", raw)
    # and a footnote's last line can end up glued to a line of the text, after a hyphenated word
    raw = re.sub(r"(?<=\S)note is not reproduced here\.$", "", raw, flags=re.M)
    kept = []
    for line in raw.splitlines():
        stripped = line.strip()
        if (
            re.fullmatch(r"\d+|[ivx]+", stripped)
            or "executable edition" in stripped
            or stripped in running_heads
            or re.fullmatch(
                r"\d+ Note \d+ of the chapter.*|.*print edition.*|.*not reproduced here\.?", stripped
            )
            or re.fullmatch(r"(.{3,60}) \d+|\d+ (.{3,60})", stripped)
            and not stripped.endswith(".")
        ):
            continue
        kept.append(line)
    return "\n".join(kept)


def float_captions(built_book, chapter) -> list[str]:
    """The captions of the chapter's figures and tables, without their numbers."""
    captions = []
    for docname in chapter_docnames_of(chapter):
        for caption in built_book.page(docname).select("figcaption, table caption"):
            for number in caption.select(".caption-number, a.headerlink"):
                number.decompose()
            captions.append(normalise(caption.get_text(" ")))
    return [c for c in captions if c]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_every_sentence_of_the_pages_is_in_the_site_in_order(built_book, chapter):
    sentences = manuscript_changes.page_sentences(chapter, ROOT)
    assert len(sentences) > 10, f"{chapter.folder}: no prose found on the chapter's pages"
    missing = missing_in_order(sentences, site_text(built_book, chapter), normalise)
    print(
        f"{chapter.dirname}: {len(sentences) - len(missing)} of {len(sentences)} "
        "sentences in the site, in order"
    )
    assert not missing, "not in the site (or out of order):\n" + "\n".join(missing[:20])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_every_sentence_of_the_pages_is_in_the_pdf_in_order(built_book, pdf_texts, chapter):
    headings = heading_lines(chapter)  # checked by test_pdf; in the PDF they are also running heads
    sentences = [s for s in manuscript_changes.page_sentences(chapter, ROOT) if s.text not in headings]
    text = squeeze(pdf_reading_text(pdf_texts[chapter.dirname], headings))
    # floats (exhibits, tables, the authors' own figure) may land inside a sentence, or pages
    # later: a caption's sentences must be in the PDF, but not in the text's order
    captions = [squeeze(caption) for caption in float_captions(built_book, chapter)]
    in_captions = [s for s in sentences if any(squeeze(s.text) in caption for caption in captions)]
    absent = [
        f"{s.docname}.md:{s.line}: {s.text[:100]!r}" for s in in_captions if squeeze(s.text) not in text
    ]
    assert not absent, "captions not in the PDF:\n" + "\n".join(absent)
    sentences = [s for s in sentences if s not in in_captions]
    for caption in captions:
        text = text.replace(caption, "")
    text = re.sub(r"(Exhibit|Figure|Table)\d+\.\d+:", "", text)
    missing = missing_in_order(sentences, text, squeeze)
    print(
        f"{chapter.dirname}: {len(sentences) - len(missing)} of {len(sentences)} "
        "sentences in the PDF, in order"
    )
    assert not missing, "not in the PDF (or out of order):\n" + "\n".join(missing[:20])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_each_heading_of_the_pages_is_a_heading_of_the_site(built_book, chapter):
    for page in manuscript_changes.chapter_pages(chapter, ROOT):
        docname = page.relative_to(ROOT).with_suffix("").as_posix()
        headings = [
            normalise(h.get_text(" ").replace("#", ""))
            for h in built_book.page(docname).find("main").find_all(["h1", "h2", "h3"])
        ]
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                assert normalise(line.lstrip("#")) in headings, (
                    f"{docname}.md: heading {line!r} not in the site"
                )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_every_page_has_a_label_of_its_chapter(chapter):
    for page in sorted(chapter.folder.glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1].strip().splitlines()
        assert lines and re.fullmatch(rf"\({chapter.label_prefix}-[a-z0-9-]+\)=", lines[0]), (
            f"{page.relative_to(ROOT)}: a page starts with its label, "
            f"e.g. `({chapter.label_prefix}-{page.stem})=` on the line before its heading"
        )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_each_footnote_reference_has_a_definition_that_renders(built_book, chapter):
    for page in manuscript_changes.chapter_pages(chapter, ROOT):
        text = page.read_text(encoding="utf-8")
        references = set(re.findall(r"\[\^([\w-]+)\](?!:)", text))
        definitions = set(re.findall(r"^\[\^([\w-]+)\]:", text, flags=re.M))
        assert references == definitions, (
            f"{page.relative_to(ROOT)}: footnotes without definitions: {references ^ definitions}"
        )
        docname = page.relative_to(ROOT).with_suffix("").as_posix()
        assert len(built_book.page(docname).select("a.footnote-reference")) >= len(references)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.dirname)
def test_the_changes_page_agrees_with_the_comparison(built_book, chapter):
    changes = manuscript_changes.changes_since_manuscript(chapter, ROOT)
    page = built_book.page(f"chapters/{chapter.dirname}/changes").find("main")
    text = normalise(page.get_text(" "))
    if not changes:
        assert "no changes since the received manuscript" in text
        return
    counts = manuscript_changes.counts(changes)
    assert f"{counts['edited']} edited, {counts['added']} added and {counts['removed']} removed" in text
    for change in changes:
        assert normalise(change.new or change.old) in text


# --- the comparison itself, on small texts --------------------------------------------------


def test_import_markup_is_not_a_change():
    page = (
        "---\nchapter: {}\n---\n\n(ch09-x)=\n# Heading\n\nOne sentence.[^1] Two sentences (A 2020).\n\n"
        "```{glued-figure} key\n:kind: exhibit\n\nThe edition's caption.\n```\n\n"
        "```{glued-figure} fig\n:kind: figure\n\nThe authors' caption\n\nThe edition's legend.\n```\n\n"
        "[^1]: Note 1 of the chapter.\n"
    )
    sentences = [
        text
        for _, paragraph in manuscript_changes.page_paragraphs(page)
        for text in manuscript_changes.sentences_of(paragraph)
    ]
    assert sentences == ["Heading", "One sentence.", "Two sentences (A 2020).", "The authors' caption"]


def test_an_edit_an_addition_and_a_removal_are_told_apart():
    old = ["Kept one.", "The cat sat on the mat.", "Dropped entirely here.", "Kept two."]
    new = [
        manuscript_changes.PageSentence("p", 1, text)
        for text in ["Kept one.", "The cat sat on a mat.", "Kept two.", "Brand new words."]
    ]
    changes = manuscript_changes.compare(old, new)
    assert [(c.kind, c.old, c.new) for c in changes] == [
        ("edited", "The cat sat on the mat.", "The cat sat on a mat."),
        ("removed", "Dropped entirely here.", None),
        ("added", None, "Brand new words."),
    ]
    assert manuscript_changes.word_diff("The cat sat on the mat.", "The cat sat on a mat.") == [
        ("same", "The cat sat on"),
        ("removed", "the"),
        ("added", "a"),
        ("same", "mat."),
    ]


def test_the_manuscripts_amounts_and_the_pages_list_items_are_read_as_the_import_reads_them(tmp_path):
    """A decimal amount is text, not footnote 1; a list item is a paragraph without its bullet."""
    (tmp_path / "chapter.txt").write_text(
        "Chapter 9 Testland\nIt rose to 11.1 percent (A 1994).1 Then it fell.\n• to grow;\n", encoding="utf-8"
    )
    chapter = SimpleNamespace(root=tmp_path, manuscript="chapter.txt")
    assert manuscript_changes.manuscript_sentences(chapter)[-3:] == [
        "It rose to 11.1 percent (A 1994).",
        "Then it fell.",
        "to grow;",
    ]
    page = "(ch09-x)=\n# Heading\n\nThree goals:\n\n- to grow;\n\n- to link.\n"
    assert [text for _, text in manuscript_changes.page_paragraphs(page)] == [
        "Heading",
        "Three goals:",
        "to grow;",
        "to link.",
    ]
