"""The chapter as the authors wrote it: every sentence, heading and footnote marker, in the site."""

from __future__ import annotations

import re
import unicodedata

import pytest

from conftest import ROOT, chapter_docnames

MANUSCRIPT = ROOT / "sources" / "manuscript" / "chapter-02-japan.txt"
CHAPTER_DIR = ROOT / "chapters" / "02-japan"
HEADINGS = [
    "Chapter 2 Japan", "Antecedents: Japan (1948–1990)", "Thematic Analysis", "Firm Size", "Employment",
    "Finance", "Innovation", "Social Purpose", "Continuity and Change in Japan",
]
FIGURE_CAPTION = "Analyzing Japan’s institutional evolution: antecedents to startup capitalism"
SENTENCE_END = re.compile(r"(?<=[.?!”])\s+(?=[A-Z“(])")


def normalise(text: str) -> str:
    """White space and quote style aside."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return re.sub(r"\s+", " ", text).strip()


def manuscript_paragraphs() -> list[str]:
    lines = [line for line in MANUSCRIPT.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = [line for line in lines if line not in HEADINGS and not line.startswith("FIGURE 2.1.")]
    # drop the 16 bare footnote digits, found in order as the import tool finds them
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_manuscript", ROOT / "tools" / "import_manuscript.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return [re.sub(r"\[\^\d+\]", "", paragraph) for paragraph in tool.mark_footnotes(body)]


def manuscript_sentences() -> list[str]:
    return [s for paragraph in manuscript_paragraphs() for s in SENTENCE_END.split(paragraph) if s.strip()]


def site_text(built_book) -> str:
    texts = []
    for docname in chapter_docnames():
        main = built_book.page(docname).find("main")
        for reference in main.select("a.footnote-reference"):
            reference.decompose()
        # a citation link wraps the authors' words without changing them: compare the words
        for link in main.select("a.citation-link"):
            link.unwrap()
        main.smooth()
        texts.append(main.get_text(" "))
    return normalise(" ".join(texts))


def test_manuscript_has_the_expected_shape():
    sentences = manuscript_sentences()
    assert len(manuscript_paragraphs()) == 70
    assert len(sentences) > 400


def test_every_sentence_of_the_manuscript_is_in_the_site(built_book):
    text = site_text(built_book)
    sentences = manuscript_sentences()
    missing = [s for s in sentences if normalise(s) not in text]
    share = 1 - len(missing) / len(sentences)
    print(f"{len(sentences) - len(missing)} of {len(sentences)} sentences verbatim ({share:.1%})")
    assert share >= 0.99, "sentences not found verbatim:\n" + "\n".join(missing[:20])
    assert not missing, "sentences not found verbatim:\n" + "\n".join(missing[:20])


def test_sentences_keep_the_manuscripts_order():
    pages = [ROOT / f"{name}.md" for name in chapter_docnames()]
    text = normalise(" ".join(re.sub(r"\[\^\d+\]", "", page.read_text(encoding="utf-8")) for page in pages))
    position = 0
    for sentence in manuscript_sentences():
        found = text.find(normalise(sentence), position)
        assert found >= 0, f"out of order or missing after position {position}: {sentence[:80]!r}"
        position = found + len(normalise(sentence))


@pytest.mark.parametrize("heading", HEADINGS)
def test_each_manuscript_heading_is_a_heading(built_book, heading):
    found = []
    for docname in chapter_docnames():
        for element in built_book.page(docname).find("main").find_all(["h1", "h2", "h3"]):
            found.append(normalise(element.get_text(" ").replace("#", "")))
    assert normalise(heading) in found


def test_every_section_page_has_a_label():
    for page in sorted(CHAPTER_DIR.glob("*.md")):
        first_line = page.read_text(encoding="utf-8").splitlines()[0]
        assert re.fullmatch(r"\(ch02-[a-z-]+\)=", first_line), f"{page.name} starts without a label"


def test_sixteen_footnotes_each_with_a_definition_that_says_where_its_text_is():
    references, definitions = [], []
    for page in sorted(CHAPTER_DIR.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        page_refs = re.findall(r"\[\^(\d+)\](?!:)", text)
        page_defs = re.findall(r"^\[\^(\d+)\]: (.*)$", text, flags=re.M)
        assert sorted(page_refs) == sorted(n for n, _ in page_defs), f"{page.name}: a reference without a definition"
        for _, definition in page_defs:
            assert "print edition" in definition and "not reproduced" in definition
        references += page_refs
        definitions += page_defs
    assert sorted(map(int, references)) == list(range(1, 17))


def test_footnotes_render_with_the_authors_numbers(built_book):
    numbers = []
    for docname in chapter_docnames():
        numbers += [a.get_text().strip("[]") for a in built_book.page(docname).select("a.footnote-reference")]
    assert sorted(map(int, numbers)) == list(range(1, 17))


def test_the_figure_slot_carries_the_manuscript_caption(built_book):
    page = built_book.page("chapters/02-japan/continuity-and-change")
    figure = page.find(id="fig-2-1")
    assert figure is not None and figure.name == "figure"
    caption = normalise(figure.find("figcaption").get_text(" "))
    assert caption.startswith("Figure 2.1")
    assert normalise(FIGURE_CAPTION) in caption
