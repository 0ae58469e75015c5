"""One PDF per chapter beside the book's, each linked from the site.

The LaTeX builder writes one .tex per entry of `latex_documents` and jupyter-book's `make all-pdf`
typesets them all, so a single LaTeX run makes every PDF. The book's entry is jupyter-book's, from
_config.yml (`latex: latex_documents:`: its target name, title, ...; the root page, whose table of
contents, _toc-pdf.yml, holds every chapter and the appendix). That key holds one document, so
each chapter's (from its opening page, which holds its sections) is added here, derived from the
chapters the book declares: a new chapter gets its PDF with no setting to write.

They are added once the build is under way: jupyter-book 1.0.4 applies its overrides to
`latex_documents` right after Sphinx starts and skips them for a list of several; the LaTeX
builder reads the list only when it writes. Entries _config.yml gives are kept as they are.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from ..book import Book
from ..chapters import OPENING_PAGE, Chapter
from .epub import SITE_ONLY

BOOK_PDF = "book.pdf"  # jupyter-book's target name unless _config.yml gives another
LATEX_THEME = "manual"


def opening_docname(chapter: Chapter) -> str:
    return f"chapters/{chapter.dirname}/{OPENING_PAGE.removesuffix('.md')}"


def tex_name(pdf_name: str) -> str:
    return pdf_name.removesuffix(".pdf") + ".tex"


def book_pdf_name(book: Book) -> str:
    """The book's PDF, as _config.yml names its .tex (`latex: latex_documents: targetname:`)."""
    target = ((book.config().get("latex") or {}).get("latex_documents") or {}).get("targetname")
    return str(target).removesuffix(".tex") + ".pdf" if target else BOOK_PDF


def pdf_names(book: Book) -> list[str]:
    """Every PDF the LaTeX build makes: the book's, then each chapter's."""
    return [book_pdf_name(book), *(chapter.pdf_name for chapter in book.chapters())]


def _chapter_latex_documents(app: Sphinx, env, docnames) -> None:
    if app.builder.name != "latex":
        return
    config = app.config
    book = Book(Path(app.srcdir))
    chapters = {tex_name(chapter.pdf_name): chapter for chapter in book.chapters()}
    # jupyter-book's entry (and any other _config.yml gives); the chapters' from an earlier build of
    # the same process (the preview) are made again from the chapters as they are now
    given = [document for document in config.latex_documents if document[1] not in chapters]
    author = given[0][3] if given else config.author
    theme = given[0][4] if given and len(given[0]) > 4 else LATEX_THEME
    given_targets = {document[1] for document in given}
    config.latex_documents = given + [
        (opening_docname(chapter), tex, chapter.heading, author, theme, False)
        for tex, chapter in chapters.items()
        if tex not in given_targets
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
    chapter = Book(Path(app.srcdir)).chapter_of_docname(docname)
    if chapter is None or docname != opening_docname(chapter):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    to_site_root = "../" * docname.count("/")
    section.insert(1, pdf_link(to_site_root + chapter.pdf_name, f"Download {chapter.heading} as a PDF"))


def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", _chapter_latex_documents)
    app.connect("doctree-read", _link_chapter_pdf_from_its_opening)
    # the list is set in the main process before reading; the link is made on the page's own doctree
    return {"parallel_read_safe": True, "parallel_write_safe": True}
