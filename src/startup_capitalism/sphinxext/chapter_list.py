"""`{chapter-list}`: the book's chapters, from their declarations, each with its PDF (front page)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..book import Book
from .epub import SITE_ONLY
from .pdfs import opening_docname


class ChapterListDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        items = nodes.bullet_list(classes=["chapter-list"])
        for chapter in Book(Path(self.env.srcdir)).chapters():
            opening = opening_docname(chapter)
            self.env.note_dependency(str(chapter.folder / "index.md"))
            title = chapter.heading
            reference = addnodes.pending_xref(
                "",
                nodes.inline(title, title),
                refdomain="std",
                reftype="doc",
                reftarget="/" + opening,
                refexplicit=True,
                refwarn=True,
            )
            paragraph = nodes.paragraph("", "", reference)
            paragraph += nodes.raw(
                "",
                f' (<a class="reference external" href="{chapter.pdf_name}" download>PDF</a>)',
                format="html",
                classes=[SITE_ONLY],  # the EPUB holds no PDF
            )
            items += nodes.list_item("", paragraph)
        return [items]


def setup(app) -> dict:
    app.add_directive("chapter-list", ChapterListDirective)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }  # a directive; Sphinx merges its dependencies
