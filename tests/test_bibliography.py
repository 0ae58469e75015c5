"""With the authors' reference list (`references.bib`), in a scratch copy of the chapter only.

No reference list is shipped: the fixture is a small, clearly fake `.bib` (tests/fixtures), and
the book is built from a scratch copy of the chapter's pages (their figures and tables, which need
the notebooks, taken out) so nothing in the repository changes. The copy's reference list is the
fixture plus a fake entry for the first and the last work the pages cite today, so that what the
tests expect never depends on which works the authors cite; counts are derived from the pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOT
from startup_capitalism.book import Book
from startup_capitalism.text import bibliography, citations, paragraphs
from startup_capitalism.text.citations import Work

BOOK = Book(ROOT)

FIXTURE = Path(__file__).parent / "fixtures" / "fake-references.bib"
FENCED_BLOCK = re.compile(r"^```.*?^```[ \t]*$", flags=re.M | re.S)
CONFIG = """\
# a scratch copy of the chapter's pages with the works-cited part of the book's extension
extensions = ["myst_nb", "startup_capitalism.sphinxext.works_cited"]
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
nb_execution_mode = "off"
smartquotes = False
nitpicky = True
exclude_patterns = ["_build"]
"""


def cited_works() -> list[Work]:
    """The works the chapter's pages cite, each once, read as the works-cited page reads them."""
    works = []
    for paragraph in paragraphs.chapter_paragraphs(BOOK.chapter(2)):
        for citation in citations.parse_text(paragraph.text).citations:
            if isinstance(citation.work, Work) and citation.work not in works:
                works.append(citation.work)
    return works


def generated_entry(key: str, work: Work) -> str:
    """A FAKE entry for a work the pages cite (three authors for "et al.")."""
    authors = list(work.authors) + (["Invented", "Madeup"] if work.et_al else [])
    names = " and ".join("{" + name + "}" for name in authors)
    fields = f"  author = {{{names}}},\n  title = {{FAKE generated entry}},\n  year = {{{work.year}}},\n"
    return f"@misc{{{key},\n{fields}}}\n"


def generated_works() -> dict[str, Work]:
    works = cited_works()
    assert len(works) >= 2, "the chapter's pages cite fewer than two works"
    return {"generated-first": works[0], "generated-last": works[-1]}


def reference_list() -> str:
    generated = "".join(generated_entry(key, work) for key, work in generated_works().items())
    return FIXTURE.read_text(encoding="utf-8") + generated


def entry_anchors() -> dict[str, str]:
    """{work anchor: entry key} of the scratch copy's reference list."""
    from pybtex.database import parse_string

    entries = parse_string(reference_list(), "bibtex").entries
    return {work.anchor: key for key, entry in entries.items() for work in bibliography.entry_works(entry)}


@pytest.fixture(scope="module")
def scratch_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scratch-book")
    chapter = BOOK.chapter(2)
    prose = [chapter.page_for_section(s) for s in chapter.sections()]
    pages = prose + [chapter.folder / "works-cited.md"]
    for page in pages + [ROOT / "book" / "works-cited.md"]:
        target = root / page.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = page.read_text(encoding="utf-8")
        target.write_text(FENCED_BLOCK.sub("", text) if page in prose else text, encoding="utf-8")
    docnames = [p.relative_to(ROOT).with_suffix("").as_posix() for p in pages] + ["book/works-cited"]
    (root / "index.md").write_text(
        "# Scratch copy\n\n```{toctree}\n" + "".join(f"{d}\n" for d in docnames) + "```\n", encoding="utf-8"
    )
    (root / "conf.py").write_text(CONFIG, encoding="utf-8")
    (root / bibliography.BIB_FILE).write_text(reference_list(), encoding="utf-8")
    app = SphinxTestApp("html", srcdir=root)  # Sphinx's test kit; strict: any warning fails
    try:
        app.build()
    finally:
        app.cleanup()
    assert not app._warning.getvalue(), app._warning.getvalue()[-4000:]
    return app.outdir


def page(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def test_entries_answer_to_the_citations_of_the_text():
    from pybtex.database import parse_file

    entries = parse_file(str(FIXTURE)).entries
    assert bibliography.entry_works(entries["fake-vogel-2018"]) == [Work(("Vogel",), "2018")]
    assert Work(("Kenney",), "2002", et_al=True) in bibliography.entry_works(entries["fake-kenney-2002"])
    assert bibliography.entry_works(entries["fake-meti-2020b"]) == [Work(("METI",), "2020b")]


def test_the_reference_list_is_rendered_author_year(scratch_site):
    works_cited = page(scratch_site, "chapters/02-japan/works-cited")
    for key, work in generated_works().items():
        entry = works_cited.find(id=f"ref-{key}")
        assert entry is not None and "fake generated entry" in entry.get_text().lower()
        assert work.label in entry.get_text()  # the label, as the chapter cites it
    # only the entries this chapter cites
    assert works_cited.find(id="ref-fake-never-cited") is None


def test_each_works_cited_entry_links_to_its_full_reference(scratch_site):
    works_cited = page(scratch_site, "chapters/02-japan/works-cited")
    anchors = entry_anchors()
    works = cited_works()
    with_entry = [work for work in works if work.anchor in anchors]
    assert {work.anchor for work in generated_works().values()} <= {work.anchor for work in with_entry}
    for work in with_entry:
        links = [
            a["href"]
            for a in works_cited.find(id=work.anchor).select("a")
            if a.get_text() == "full reference"
        ]
        assert links == [f"#ref-{anchors[work.anchor]}"], work
    for work in works:
        if work.anchor not in anchors:
            assert not [
                a for a in works_cited.find(id=work.anchor).select("a") if a.get_text() == "full reference"
            ], work


def test_the_audit_lists_citations_without_an_entry_and_entries_never_cited(scratch_site):
    works, anchors = cited_works(), entry_anchors()
    without_entry = [work for work in works if work.anchor not in anchors]
    chapter_text = page(scratch_site, "chapters/02-japan/works-cited").get_text()
    assert f"Cited works without an entry in references.bib: {len(without_entry)}" in chapter_text
    listed = chapter_text.split("Cited works without an entry")[1]
    assert all(work.label in listed for work in without_entry)
    never_cited = sorted(set(anchors.values()) - {anchors[w.anchor] for w in works if w.anchor in anchors})
    assert "fake-never-cited" in never_cited and "generated-first" not in never_cited
    book_text = page(scratch_site, "book/works-cited").get_text()
    assert f"Entries of references.bib never cited: {len(never_cited)}" in book_text
    assert "fake-never-cited" in book_text.split("Entries of references.bib never cited")[1]


def test_the_repository_ships_no_reference_list():
    assert not (ROOT / bibliography.BIB_FILE).exists()
