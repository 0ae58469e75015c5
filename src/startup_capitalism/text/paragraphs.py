"""Stable anchors for the authors' paragraphs of a chapter page (no Sphinx here).

Scheme: `p-` and the first 8 hex digits of the SHA-1 of the paragraph's text (footnote markers
removed, white space collapsed). A content hash, not an ordinal, because an ordinal moves every
later anchor when a paragraph is added, removed or split above it; the hash changes only when
that paragraph's own words change (and then a link to it should be looked at again anyway). Two
identical paragraphs on one page get `-2`, `-3`, ... in order. The site gives each paragraph this
id (`sphinxext.works_cited`), and evidence rows and works-cited entries link to it.

A paragraph is what the site renders as one of the authors' paragraphs: a paragraph of prose as
`prose.py` reads the page with the book's MyST parser (not a heading, a label, a directive such as
a figure, a table or a `:::{note}`, a code fence or a footnote definition).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import chapters as chapters_module
from . import prose


@dataclass(frozen=True)
class Paragraph:
    docname: str  # "chapters/NN-slug/finance"
    anchor: str  # "p-1a2b3c4d"
    ordinal: int  # 1 for the page's first paragraph: for people ("Finance ¶3"), not for links
    line: int  # the line it starts on in the page's source (1-based)
    text: str  # the words as they read: footnote markers removed, lines joined


def anchor_of(text: str) -> str:
    return "p-" + hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def parse_page(source: str, docname: str) -> list[Paragraph]:
    """The authors' paragraphs of one page's MyST source, each with its anchor."""
    return _numbered(prose.read_source(source).paragraphs, docname)


def _numbered(blocks: list[prose.Block], docname: str) -> list[Paragraph]:
    paragraphs, seen = [], {}
    for ordinal, block in enumerate(blocks, start=1):
        anchor = anchor_of(block.text)
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        paragraphs.append(Paragraph(docname, anchor, ordinal, block.line, block.text))
    return paragraphs


def docname_of(page: Path, root: Path) -> str:
    return page.resolve().relative_to(root.resolve()).with_suffix("").as_posix()


def page_paragraphs(page: Path, root: Path | None = None) -> list[Paragraph]:
    """The paragraphs of a page file (read again whenever the file changes); `root` is the book's,
    by default the one holding the page."""
    page = page.resolve()
    root = Path(prose.book_root_of(page) if root is None else root)
    status = page.stat()
    key = (status.st_mtime_ns, status.st_size, prose.book_extensions(root))
    return list(_page_paragraphs(page, root, key))


@lru_cache(maxsize=256)
def _page_paragraphs(page: Path, root: Path, key: tuple) -> tuple[Paragraph, ...]:
    """Numbered once per version of the page and of the book's MyST extensions (`key`): a quote is
    looked up in its page once per evidence row, thousands of times in a large book's build."""
    return tuple(_numbered(prose.read_page(page, root).paragraphs, docname_of(page, root)))


def chapter_paragraphs(chapter: chapters_module.Chapter) -> list[Paragraph]:
    """Every authors' paragraph of a chapter, page by page in section order."""
    pages = [chapter.page_for_section(section) for section in chapter.sections()]
    return [paragraph for page in pages if page.exists() for paragraph in page_paragraphs(page, chapter.root)]


def paragraph_for_quote(
    quote: str, chapter: chapters_module.Chapter, section: str | None = None
) -> Paragraph | None:
    """The paragraph that holds a quote verbatim (on the section's page when given), or None."""
    quote = " ".join(quote.split())
    pages = (
        [chapter.page_for_section(section)]
        if section
        else [chapter.page_for_section(s) for s in chapter.sections()]
    )
    for page in pages:
        if page.exists():
            for paragraph in page_paragraphs(page, chapter.root):
                if quote and quote in paragraph.text:
                    return paragraph
    return None


def anchor_for_quote(quote: str, chapter: chapters_module.Chapter, section: str | None = None) -> str | None:
    """Where a quote lands on the site: `chapters/NN-slug/finance.html#p-1a2b3c4d`, or None."""
    paragraph = paragraph_for_quote(quote, chapter, section)
    return f"{paragraph.docname}.html#{paragraph.anchor}" if paragraph else None
