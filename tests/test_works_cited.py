"""The built works-cited pages, the citation links in the chapter text and the paragraph anchors."""

from __future__ import annotations

import re

from conftest import ROOT
from startup_capitalism.book import Book
from startup_capitalism.text import paragraphs, works_cited
from startup_capitalism.text.citations import parse_text

BOOK = Book(ROOT)

CHAPTER = BOOK.chapter(2)
# what the chapter's pages cite, as they are now: every expectation below is derived from it
INDEX = works_cited.works_index([CHAPTER])
WORKS_CITED = f"chapters/{CHAPTER.dirname}/works-cited"
FOOTNOTE_MARK = re.compile(r"\[\d+\]")


def prose_docnames():
    return [paragraphs.docname_of(CHAPTER.page_for_section(s), CHAPTER.root) for s in CHAPTER.sections()]


def test_every_authors_paragraph_has_its_anchor(built_book):
    for docname in prose_docnames():
        page = built_book.page(docname)
        expected = [
            p.anchor for p in paragraphs.page_paragraphs(CHAPTER.folder.parent.parent / f"{docname}.md")
        ]
        assert [p["id"] for p in page.select("p.authors-paragraph")] == expected, docname


def test_citation_links_leave_every_paragraph_verbatim(built_book):
    """The paragraph as the reader sees it (links and all) is the source paragraph,
    character for character."""
    linked = 0
    for docname in prose_docnames():
        page = built_book.page(docname)
        source = {
            p.anchor: p.text
            for p in paragraphs.page_paragraphs(CHAPTER.folder.parent.parent / f"{docname}.md")
        }
        for shown in page.select("p.authors-paragraph"):
            text = " ".join(FOOTNOTE_MARK.sub("", shown.get_text()).split())
            assert text == source[shown["id"]], f"{docname}#{shown['id']}"
            for link in shown.select("a.citation-link"):
                linked += 1
                assert parse_text(link.get_text()).citations or parse_text(f"({link.get_text()})").citations
                assert link["href"].startswith("works-cited.html#") and link["title"]
    assert linked == INDEX.citation_count()


def test_the_most_cited_work_links_each_paragraph_that_cites_it(built_book):
    work = max(INDEX.works, key=lambda w: len(INDEX.uses[w]))
    times = len(INDEX.uses[work])
    entry = built_book.page(WORKS_CITED).find(id=work.anchor)
    if times > 1:
        assert f"cited {times} times" in entry.get_text()
    links = [a["href"] for a in entry.select("a") if "#p-" in a["href"]]
    assert len(links) == times
    for href in links:
        docname, anchor = href.split(".html#")
        paragraph = built_book.page(f"chapters/{CHAPTER.dirname}/{docname}").find(id=anchor)
        assert paragraph is not None and paragraph.select_one(f'a.citation-link[href$="#{work.anchor}"]')


def test_each_work_is_listed_once_in_reference_list_order(built_book):
    page = built_book.page(WORKS_CITED)
    works = [
        li["id"] for li in page.select("ul.works-cited li.works-cited-entry") if li["id"].startswith("work-")
    ]
    assert works == [work.anchor for work in INDEX.works]  # Work.sort_key: the reference-list order
    assert len(works) == len(set(works))
    interviews = [li["id"] for li in page.select("li.works-cited-entry") if li["id"].startswith("interview-")]
    assert interviews == [interview.anchor for interview in INDEX.interviews]


def test_every_in_text_link_lands_on_an_entry(built_book):
    entries = {li["id"] for li in built_book.page(WORKS_CITED).select("li.works-cited-entry")}
    for docname in prose_docnames():
        for link in built_book.page(docname).select("a.citation-link"):
            assert link["href"].split("#")[1] in entries, (docname, link.get_text())


def test_the_audit_names_the_suffixed_years_whose_siblings_are_missing(built_book):
    text = built_book.page(WORKS_CITED).get_text()
    found = works_cited.audit(INDEX)
    for message in found.missing_siblings + found.spellings:
        assert message in text


def test_the_books_list_holds_every_chapters_works(built_book):
    book = {li["id"] for li in built_book.page("book/works-cited").select("li.works-cited-entry")}
    chapter = {li["id"] for li in built_book.page(WORKS_CITED).select("li.works-cited-entry")}
    assert chapter <= book


def test_the_explorer_embeds_every_row_and_links_to_paragraphs(built_book):
    html = (built_book.site / "book" / "evidence-explorer.html").read_text(encoding="utf-8")
    rows = (CHAPTER.folder.parent.parent / "data" / "evidence.csv").read_text(encoding="utf-8")
    ids = re.findall(r"^(jp-[a-z]+-\d+),", rows, flags=re.M)
    assert ids and all(f"row-{row_id}" in html for row_id in ids)
    # the explorer's script is the site's own, not from another server (tests/test_explorer.py)
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)', html)
