"""Sphinx: paragraph anchors, the `{works-cited}` directive and citation links on chapter pages.

- Every authors' paragraph of a chapter page gets its stable id (`paragraphs.py`), matched to the
  doctree by the line it starts on.
- `{works-cited}` on `chapters/NN-slug/works-cited.md` lists that chapter's works, on
  `book/works-cited.md` every chapter's: each work once in reference-list order, how often it is
  cited, a link to every paragraph citing it, the evidence rows carrying it, then the audit. The
  list is made when the page is written, from the chapter pages as they are (`works_cited.py`).
- In the HTML, each in-text citation becomes a link to its entry (the entry in its `title`, shown
  on hover). The text node is only split around the citation, so not a character changes; the
  LaTeX build leaves the text as it is.
- With `references.bib` at the book's root, sphinxcontrib-bibtex renders the reference list
  (author–year) on the works-cited pages and each entry links to its full reference.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import chapters as chapters_module
from .. import paths
from ..book import Book
from ..text import bibliography
from ..text.citations import Interview, Work, parse_text
from ..text.paragraphs import page_paragraphs

if TYPE_CHECKING:
    from ..text.works_cited import WorksIndex  # imports pandas: loaded when a page needs the index

LOGGER = logging.getLogger(__name__)
WORKS_CITED = "works-cited"
BOOK_WORKS_CITED = "book/works-cited"
EXPLORER = "book/evidence-explorer"
STATIC = paths.PACKAGE / "citations_static"


class works_cited_list(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """Filled when the page is written, once every chapter page has been read."""


def is_chapter_prose(docname: str, chapters_dir: Path) -> bool:
    parts = docname.split("/")
    return (
        len(parts) == 3
        and parts[0] == paths.CHAPTERS_DIR.name
        and parts[2] not in chapters_module.BACK_MATTER_PAGES
        and chapters_module.chapter_of_docname(docname, chapters_dir) is not None
    )


def book_of(env) -> Book:
    """The book being built: the one under Sphinx's source folder."""
    return Book(Path(env.srcdir))


def works_cited_docname(chapter: chapters_module.Chapter) -> str:
    return f"{paths.CHAPTERS_DIR.name}/{chapter.dirname}/{WORKS_CITED}"


class WorksCitedDirective(SphinxDirective):
    """The works cited by this page's chapter, or by the whole book on `book/works-cited`."""

    def run(self) -> list[nodes.Node]:
        book = book_of(self.env)
        chapter = book.chapter_of_docname(self.env.docname)
        if chapter is None and self.env.docname != BOOK_WORKS_CITED:
            raise self.error(
                f"{{works-cited}} belongs on chapters/NN-slug/{WORKS_CITED}.md or "
                f"{BOOK_WORKS_CITED}.md, not on {self.env.docname}"
            )
        # the list depends on every chapter page: rebuild this page whenever one changes
        for page in book.chapters() if chapter is None else [chapter]:
            for section in page.sections():
                self.env.note_dependency(str(page.page_for_section(section)))
        self.env.note_dependency(str(book.evidence_csv))
        placeholder = works_cited_list()
        placeholder["chapter"] = chapter.number if chapter else None
        references = bibliography.read_references(self.env.srcdir, book_page=chapter is None)
        if references is None:
            return [placeholder]
        if chapter is None:
            keys = sorted(references.entries)
        else:
            matched = references.anchors_to_keys()
            works = index_for(book, chapter.number).works
            keys = sorted({matched[w.anchor] for w in works if w.anchor in matched})
        return [placeholder, *bibliography.rendered_bibliography(self, references, keys)]


# ---------------------------------------------------------------------------------------------
# Paragraph ids


def _give_paragraphs_ids(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not is_chapter_prose(docname, book_of(app.env).chapters_dir):
        return
    source = Path(app.env.doc2path(docname))
    by_line = {paragraph.line: paragraph for paragraph in page_paragraphs(source, Path(app.srcdir))}
    for node in doctree.findall(nodes.paragraph):
        paragraph = by_line.get(node.line) if node.source == str(source) else None
        if paragraph is not None and _is_body_paragraph(node):
            node["ids"].append(paragraph.anchor)
            node["classes"].append("authors-paragraph")


def _is_body_paragraph(node: nodes.paragraph) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.figure, nodes.footnote, nodes.table, nodes.caption, nodes.admonition)):
            return False
        parent = parent.parent
    return True


# ---------------------------------------------------------------------------------------------
# The works-cited list


def valid_evidence(book: Book):
    """The evidence rows, or None when they do not validate: `make validate` and the notebooks
    report that with file and line; a prose edit alone must not stop these pages.

    Loaded once for the works-cited pages and the explorer while the data and the pages the
    quotes are checked against are unchanged (validating takes seconds; the preview's Sphinx
    lives on between edits, hence the files' times in the key)."""
    data = (book.evidence_csv, book.actors_csv, book.datapackage)
    stamp = _sources_stamp(book, book.chapters()) + tuple(
        (str(p), p.stat().st_mtime_ns) for p in data if p.exists()
    )
    return _valid_evidence(book, stamp)


@lru_cache(maxsize=2)
def _valid_evidence(book: Book, stamp: tuple):
    from ..evidence import EvidenceError, load_evidence

    try:
        # the explorer lists every row, repeats included
        return load_evidence(book, every_row=True)
    except EvidenceError as error:
        LOGGER.info("works cited: evidence rows left out, the evidence does not validate:\n%s", error)
        return None


@lru_cache(maxsize=4)
def _index(book: Book, chapter_numbers: tuple[int, ...], stamp: tuple) -> WorksIndex:
    from ..text.works_cited import works_index

    chapters = [book.chapter(n) for n in chapter_numbers]
    return works_index(chapters, valid_evidence(book))


def _sources_stamp(book: Book, chapters: list[chapters_module.Chapter]) -> tuple:
    pages = [c.page_for_section(s) for c in chapters for s in c.sections()] + [book.evidence_csv]
    return tuple((str(p), p.stat().st_mtime_ns) for p in pages if p.exists())


def index_for(book: Book, chapter_number: int | None) -> WorksIndex:
    chapters = book.chapters() if chapter_number is None else [book.chapter(chapter_number)]
    return _index(book, tuple(c.number for c in chapters), _sources_stamp(book, chapters))


def _link(app: Sphinx, fromdocname: str, todocname: str, anchor: str, text: str) -> nodes.Node:
    if app.builder.format != "html":
        return nodes.Text(text)
    uri = app.builder.get_relative_uri(fromdocname, todocname) + "#" + anchor
    return nodes.reference(text, text, refuri=uri, internal=True)


def _where(app: Sphinx, docname: str, ordinal: int, chapter_of: Callable | None) -> str:
    """Where a citation is: `Finance ¶3`, or `Ch. 2 Finance ¶3` on the book's page (`chapter_of` given)."""
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    chapter = chapter_of(docname) if chapter_of else None
    prefix = f"Ch. {chapter.number} " if chapter else ""
    return f"{prefix}{title} ¶{ordinal}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _entry(
    app: Sphinx,
    fromdocname: str,
    index: WorksIndex,
    work: Work | Interview,
    chapter_of: Callable | None,
    bib: bibliography.ReferenceList | None,
) -> nodes.list_item:
    uses = index.uses[work]
    item = nodes.list_item(ids=[work.anchor], classes=["works-cited-entry"])
    para = nodes.paragraph()
    para += nodes.strong(work.label, work.label)
    key = bib.key_for(work) if bib and isinstance(work, Work) else None
    if key:
        para += nodes.Text(" (")
        para += _link(app, fromdocname, fromdocname, bib.anchor(key), "full reference")
        para += nodes.Text(")")
    para += nodes.Text(f": cited {_plural(len(uses), 'time')}: ")
    for number, use in enumerate(uses):
        if number:
            para += nodes.Text(", ")
        where = _where(app, use.paragraph.docname, use.paragraph.ordinal, chapter_of)
        shown = f"{where}, p. {use.citation.pages}" if use.citation.pages else where
        para += _link(app, fromdocname, use.paragraph.docname, use.paragraph.anchor, shown)
    rows = index.evidence.get(work, [])
    if rows:
        para += nodes.Text(". Evidence rows: ")
        for number, row in enumerate(rows):
            if number:
                para += nodes.Text(", ")
            para += (
                _link(app, fromdocname, EXPLORER, f"row-{row}", row)
                if EXPLORER in app.env.found_docs
                else nodes.literal(row, row)
            )
    para += nodes.Text(".")
    item += para
    return item


def _bullets(items: list[str]) -> nodes.bullet_list:
    listing = nodes.bullet_list()
    for text in items:
        listing += nodes.list_item("", nodes.paragraph(text, text))
    return listing


def _audit_section(findings, bib: bibliography.ReferenceList | None) -> list[nodes.Node]:
    groups = [
        ("Year suffixes whose siblings are not cited", findings.missing_siblings),
        ("An author spelled more than one way", findings.spellings),
        (
            "Evidence rows whose citation is not among their paragraph's citations",
            findings.evidence_mismatches,
        ),
        ("Parentheses that look like a citation but do not read as one", findings.unparsed),
    ]
    if bib is not None:
        groups += [
            ("Cited works without an entry in references.bib", findings.without_entry),
            ("Entries of references.bib never cited", findings.never_cited),
        ]
    out: list[nodes.Node] = [nodes.rubric("Audit", "Audit")]
    intro = "Points for the authors to check; none stops the build. " + (
        "The authors' reference list is not part of the manuscript, so entries cannot be checked against it."
        if bib is None
        else ""
    )
    out.append(nodes.paragraph(intro, intro))
    for title, messages in groups:
        heading = f"{title}: {len(messages) or 'none'}"
        out.append(nodes.paragraph("", "", nodes.strong(heading, heading)))
        if messages:
            out.append(_bullets(messages))
    return out


def _fill_works_cited(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    from ..text.works_cited import audit

    for placeholder in list(doctree.findall(works_cited_list)):
        number = placeholder["chapter"]
        book = book_of(app.env)
        index = index_for(book, number)
        whole_book = number is None
        # the book's page names the chapter of every citing page: looked up once per page cited
        # (each lookup reads the chapters' openings again; the book's page cites hundreds of times)
        chapter_of = cache(book.chapter_of_docname) if whole_book else None
        bib = bibliography.read_references(app.srcdir, book_page=whole_book)
        works, interviews = index.works, index.interviews
        scope = "the book's chapters" if whole_book else "the chapter"
        summary = (
            f"The {_plural(len(works), 'work')} {scope} cite{'' if whole_book else 's'}, in "
            f"{_plural(sum(len(index.uses[w]) for w in works), 'citation')}, each listed once "
            "with a link to every paragraph that cites it and the evidence rows that carry it. "
            "The list is gathered from the text when the book is built: the manuscript has no "
            "reference list, so an entry is the author and year the text gives, no more."
        )
        content: list[nodes.Node] = [nodes.paragraph(summary, summary)]
        if not index.evidence:
            note = "No evidence rows are shown: data/evidence.csv does not validate (run make validate)."
            content.append(nodes.paragraph(note, note, classes=["evidence-missing"]))
        content.append(
            nodes.bullet_list(
                "",
                *[_entry(app, fromdocname, index, w, chapter_of, bib) for w in works],
                classes=["works-cited"],
            )
        )
        if interviews:
            heading = "The authors' interviews"
            content.append(nodes.rubric(heading, heading))
            content.append(
                nodes.bullet_list(
                    "",
                    *[_entry(app, fromdocname, index, i, chapter_of, None) for i in interviews],
                    classes=["works-cited"],
                )
            )
        content += _audit_section(audit(index, bib.anchors_to_keys() if bib else None), bib)
        placeholder.replace_self(content)


# ---------------------------------------------------------------------------------------------
# The evidence explorer


class EvidenceExplorerDirective(SphinxDirective):
    """Every evidence row as a card in the page (HTML), made from the data at build time."""

    def run(self) -> list[nodes.Node]:
        from ..evidence import explorer

        book = book_of(self.env)
        self.env.note_dependency(str(book.evidence_csv))
        for chapter in book.chapters():  # the paragraph anchors come from the prose
            for section in chapter.sections():
                self.env.note_dependency(str(chapter.page_for_section(section)))
        rows = valid_evidence(book)
        if rows is None:  # reported by `make validate` with file and line; say so here
            note = "The table is not shown: data/evidence.csv does not validate (run make validate)."
            return [nodes.paragraph(note, note, classes=["evidence-missing"])]
        html = explorer.explorer_html(rows, book.chapters(), site_root="../" * self.env.docname.count("/"))
        return [nodes.raw("", html, format="html")]


# ---------------------------------------------------------------------------------------------
# Citation links in the chapter text (HTML only)


class LinkCitations(SphinxPostTransform):
    """Split each text node around its citations and wrap them in links; the text stays as is."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs) -> None:
        docname = self.env.docname
        book = book_of(self.env)
        chapter = book.chapter_of_docname(docname)
        if (
            not is_chapter_prose(docname, book.chapters_dir)
            or works_cited_docname(chapter) not in self.env.found_docs
        ):
            return
        target = works_cited_docname(chapter)
        index = index_for(book, chapter.number)
        for paragraph in list(self.document.findall(nodes.paragraph)):
            if "authors-paragraph" not in paragraph["classes"]:
                continue
            for text in list(paragraph.findall(nodes.Text)):
                if not isinstance(text.parent, nodes.reference):
                    self._link_text(text, docname, target, index)

    def _link_text(self, text: nodes.Text, docname: str, target: str, index: WorksIndex) -> None:
        source = str(text)
        found = parse_text(source).citations
        if not found:
            return
        pieces: list[nodes.Node] = []
        position = 0
        uri = self.app.builder.get_relative_uri(docname, target)
        for citation in found:
            if citation.start > position:
                pieces.append(nodes.Text(source[position : citation.start]))
            count = len(index.uses.get(citation.work, []))
            written = source[citation.start : citation.end]
            pieces.append(
                nodes.reference(
                    written,
                    written,
                    refuri=f"{uri}#{citation.work.anchor}",
                    internal=True,
                    reftitle=(
                        f"{citation.work.label}: cited {_plural(count, 'time')} in the chapter (Works cited)"
                    ),
                    classes=["citation-link"],
                )
            )
            position = citation.end
        if position < len(source):
            pieces.append(nodes.Text(source[position:]))
        text.parent.replace(text, pieces)


def _add_static(app: Sphinx) -> None:
    """The edition's stylesheets and scripts, served by the site."""
    if app.builder.format != "html":
        return
    app.config.html_static_path += [str(STATIC)]
    app.add_css_file("startup-citations.css")


def _static_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _rebuild_when_static_changes(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Sphinx copies static files only when some page is written: an edited script or stylesheet
    alone would otherwise stay stale in the site. Re-read the explorer page so the build runs."""
    digest = _static_digest()
    if getattr(env, "startup_citations_static", None) == digest:
        return []
    env.startup_citations_static = digest
    return [EXPLORER] if EXPLORER in env.found_docs else []


def _explorer_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    from ..evidence import explorer

    if pagename == EXPLORER:
        app.add_css_file("startup-explorer.css")
        app.add_js_file("startup-explorer.js", loading_method="defer")
    # row links in a chart's "Data behind this chart" are written from the site's root
    if explorer.ROW_HREF_FROM_ROOT in context.get("body", ""):
        context["body"] = explorer.relative_row_links(context["body"], "../" * pagename.count("/"))


def setup(app: Sphinx) -> dict:
    app.add_node(works_cited_list)
    app.add_directive("works-cited", WorksCitedDirective)
    app.add_directive("evidence-explorer", EvidenceExplorerDirective)
    app.connect("doctree-read", _give_paragraphs_ids)
    app.connect("doctree-resolved", _fill_works_cited)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _explorer_script)
    app.connect("env-get-outdated", _rebuild_when_static_changes)
    app.add_post_transform(LinkCitations)
    bibliography.setup(app)
    # paragraph ids and citation links are made on the page's own doctree; the works-cited lists are
    # filled in the main process (doctree-resolved) from the pages' files; the caches are per
    # process and keyed on the files' times; env.startup_citations_static is set in the main process
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
