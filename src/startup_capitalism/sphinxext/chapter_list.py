"""`{chapter-list}`: the book's chapters, from their declarations, each with its PDF (front page)."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..chapters import all_chapters
from .epub import SITE_ONLY
from .pdfs import opening_docname


class ChapterListDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        items = nodes.bullet_list(classes=["chapter-list"])
        for chapter in all_chapters():
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


def setup(app) -> None:
    app.add_directive("chapter-list", ChapterListDirective)
