"""One PDF per chapter and one for the whole book, each linked from the site.

The LaTeX builder writes one .tex per entry of `latex_documents` and jupyter-book's `make all-pdf`
typesets them all, so a single LaTeX run makes every PDF: the book from the root page (its table
of contents, _toc-pdf.yml, holds every chapter and the appendix), each chapter from its opening
page (which holds its sections). The list is set once the build is under way: jupyter-book 1.0.4
rewrites `latex_documents` right after Sphinx starts and fails on a list of several (a KeyError in
its message box); the LaTeX builder reads the list only when it writes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..chapters import OPENING_PAGE, Chapter, all_chapters, chapter_of_docname
from .epub import SITE_ONLY

BOOK_PDF = "book.pdf"
LATEX_THEME = "manual"


def opening_docname(chapter: Chapter) -> str:
    return f"chapters/{chapter.dirname}/{OPENING_PAGE.removesuffix('.md')}"


def tex_name(pdf_name: str) -> str:
    return pdf_name.removesuffix(".pdf") + ".tex"


def pdf_names() -> list[str]:
    """Every PDF the LaTeX build makes: the book's, then each chapter's."""
    return [BOOK_PDF, *(chapter.pdf_name for chapter in all_chapters())]


def _latex_documents(app: Sphinx, env, docnames) -> None:
    if app.builder.name != "latex":
        return
    config = app.config
    author = config.author
    config.latex_documents = [
        (config.root_doc, tex_name(BOOK_PDF), config.html_title or config.project, author, LATEX_THEME, False)
    ]
    config.latex_documents += [
        (opening_docname(chapter), tex_name(chapter.pdf_name), chapter.heading, author, LATEX_THEME, False)
        for chapter in all_chapters()
    ]


def pdf_link(href: str, text: str) -> nodes.raw:
    """A download link for the site (the PDFs are published beside its index.html)."""
    html = (
        '<div class="pdf-download" style="margin-bottom: 1em">'
        f'<a class="reference external" href="{href}" download>{text}</a></div>\n'
    )
    return nodes.raw("", html, format="html", classes=[SITE_ONLY])


def _link_chapter_pdf_from_its_opening(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    chapter = chapter_of_docname(docname)
    if chapter is None or docname != opening_docname(chapter):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    to_site_root = "../" * docname.count("/")
    section.insert(1, pdf_link(to_site_root + chapter.pdf_name, f"Download {chapter.heading} as a PDF"))


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _latex_documents)
    app.connect("doctree-read", _link_chapter_pdf_from_its_opening)
