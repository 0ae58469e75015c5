"""Stable anchors for the authors' paragraphs of a chapter page (no Sphinx here).

Scheme: `p-` and the first 8 hex digits of the SHA-1 of the paragraph's text (footnote markers
removed, white space collapsed). A content hash, not an ordinal, because an ordinal moves every
later anchor when a paragraph is added, removed or split above it; the hash changes only when
that paragraph's own words change (and then a link to it should be looked at again anyway). Two
identical paragraphs on one page get `-2`, `-3`, ... in order. The site gives each paragraph this
id (`sphinxext.works_cited`), and evidence rows and works-cited entries link to it.

A paragraph is a block of lines between blank lines outside fenced directives (the edition's
figures and tables), that is not a label `(name)=`, a heading or a footnote definition.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import chapters as chapters_module
from . import paths

FENCE = re.compile(r"^(```|~~~|:::)")
MARKUP_LINE = re.compile(r"^(\(.*\)=\s*$|#+ |\[\^[^\]]+\]:)")
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]]+\]")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", flags=re.S)


@dataclass(frozen=True)
class Paragraph:
    docname: str  # "chapters/NN-slug/finance"
    anchor: str  # "p-1a2b3c4d"
    ordinal: int  # 1 for the page's first paragraph: for people ("Finance ¶3"), not for links
    line: int  # the line it starts on in the page's source (1-based)
    text: str  # the words as they read: footnote markers removed, lines joined


def anchor_of(text: str) -> str:
    return "p-" + hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def paragraph_text(lines: list[str]) -> str:
    return " ".join(FOOTNOTE_REFERENCE.sub("", " ".join(lines)).split())


def parse_page(source: str, docname: str) -> list[Paragraph]:
    """The authors' paragraphs of one page's MyST source, each with its anchor."""
    front = FRONT_MATTER.match(source)
    skipped_lines = source[: front.end()].count("\n") if front else 0
    lines = source[front.end() if front else 0 :].split("\n")
    blocks: list[tuple[int, list[str]]] = []
    fence, current, start = None, [], 0
    for number, line in enumerate(lines, start=skipped_lines + 1):
        if fence:
            if line.strip().startswith(fence) and line.strip().rstrip("`~:") == "":
                fence = None
            continue
        opening = FENCE.match(line.strip())
        if opening or not line.strip() or MARKUP_LINE.match(line):
            if current:
                blocks.append((start, current))
            current = []
            if opening:
                fence = re.match(r"^[`~:]+", line.strip())[0]
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    paragraphs, seen = [], {}
    for ordinal, (start, block) in enumerate(blocks, start=1):
        text = paragraph_text(block)
        anchor = anchor_of(text)
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        paragraphs.append(Paragraph(docname, anchor, ordinal, start, text))
    return paragraphs


def docname_of(page: Path) -> str:
    return page.resolve().relative_to(paths.ROOT).with_suffix("").as_posix()


@lru_cache(maxsize=64)
def _page_paragraphs(page: Path, mtime: float) -> tuple[Paragraph, ...]:
    return tuple(parse_page(page.read_text(encoding="utf-8"), docname_of(page)))


def page_paragraphs(page: Path) -> list[Paragraph]:
    page = page.resolve()
    return list(_page_paragraphs(page, page.stat().st_mtime))


def chapter_paragraphs(chapter: chapters_module.Chapter) -> list[Paragraph]:
    """Every authors' paragraph of a chapter, page by page in section order."""
    pages = [chapter.page_for_section(section) for section in chapter.sections()]
    return [paragraph for page in pages if page.exists() for paragraph in page_paragraphs(page)]


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
            for paragraph in page_paragraphs(page):
                if quote and quote in paragraph.text:
                    return paragraph
    return None


def anchor_for_quote(quote: str, chapter: chapters_module.Chapter, section: str | None = None) -> str | None:
    """Where a quote lands on the site: `chapters/NN-slug/finance.html#p-1a2b3c4d`, or None."""
    paragraph = paragraph_for_quote(quote, chapter, section)
    return f"{paragraph.docname}.html#{paragraph.anchor}" if paragraph else None
