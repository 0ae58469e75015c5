"""What the co-authors changed since the received manuscript, sentence by sentence.

After the import the chapter pages (`chapters/NN-slug/*.md`) are the text: co-authors edit them
freely, and the manuscript under `sources/` stays as received, as provenance. This module reads
both as sequences of sentences and lines them up:

- the manuscript, as the import reads it (`manuscript.read_manuscript`, the one reader of that
  format): each page's heading, paragraphs (their footnote numbers, which the import makes
  `[^n]`, dropped) and the caption of the authors' figure;
- the pages, as the build's MyST parser reads them (`prose.read_page`, the one reader of a page):
  the authors' paragraphs and headings, without what the import or the edition adds (front
  matter, labels, footnote references and definitions, directives such as charts and tables; of
  the authors' figure slot, only its caption, the first paragraph, is their text).

A sentence of the pages that is not in the manuscript is *added*, one of the manuscript that is
not in the pages is *removed*, and a pair in the same place that differs in some words is
*edited*. White space differences are not changes; anything else (a word, a quote mark) is.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..chapters import BACK_MATTER_PAGES, Chapter
from . import prose
from .manuscript import Figure, read_manuscript

SENTENCE_END = re.compile(r"(?<=[.?!”])\s+(?=[A-Z“(‘\"'])")
FOOTNOTE_REFERENCE = re.compile(r"\[\^[\w-]+\]")
LIST_ITEM = re.compile(r"^- ")  # a bulleted line, as the import writes it (a MyST list item)
ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*{1,2})(\S(?:.*?\S)?)\1")
# pairs in a block of differing sentences closer than this are one sentence edited
EDITED_SIMILARITY = 0.5


@dataclass(frozen=True)
class PageSentence:
    docname: str  # chapters/NN-slug/section
    line: int  # the line of its paragraph in the page, 1-based
    text: str


@dataclass(frozen=True)
class Change:
    kind: str  # "edited", "added" or "removed"
    old: str | None  # the manuscript's sentence (None when added)
    new: str | None  # the page's sentence (None when removed)
    docname: str  # the page it is on (removed: the page where it stood)


def tidy(text: str) -> str:
    """White space aside: the same sentence whether wrapped, indented or NFC-composed or not."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def sentences_of(paragraph: str) -> list[str]:
    return [tidy(s) for s in SENTENCE_END.split(tidy(paragraph)) if s.strip()]


def strip_inline_markup(text: str) -> str:
    """The words a reader sees: footnote references dropped, roles and links as their text."""
    text = FOOTNOTE_REFERENCE.sub("", text)
    text = ROLE.sub(r"\1", text)
    text = LINK.sub(r"\1", text)
    return EMPHASIS.sub(r"\2", text)


# --- the manuscript ------------------------------------------------------------------------------


def manuscript_sentences(chapter: Chapter, root: Path | None = None) -> list[str]:
    """The manuscript's sentences in reading order, as the import reads the manuscript: page by
    page its heading, its paragraphs and the caption of the authors' figure."""
    root = chapter.root if root is None else root
    texts = []
    for page in read_manuscript(root / chapter.manuscript).pages:
        texts.append(page.heading)
        texts += [
            block.caption if isinstance(block, Figure) else LIST_ITEM.sub("", block) for block in page.blocks
        ]
    return [sentence for text in texts for sentence in sentences_of(FOOTNOTE_REFERENCE.sub("", text))]


# --- the pages -----------------------------------------------------------------------------------


def chapter_pages(chapter: Chapter, root: Path | None = None) -> list[Path]:
    """The chapter's pages of prose in reading order: as `_toc.yml` lists them, then any page of
    the folder it does not list (so a new page still counts), the generated back matter left out."""
    root = chapter.root if root is None else root
    listed: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if isinstance(entry, dict):
                if "file" in entry:
                    listed.append(str(entry["file"]).removesuffix(".md"))
                for key in ("sections", "chapters", "parts"):
                    walk(entry.get(key))

    toc_file = root / "_toc.yml"
    if toc_file.is_file():
        toc = yaml.safe_load(toc_file.read_text(encoding="utf-8")) or {}
        walk([toc])
    folder = root / "chapters" / chapter.dirname
    prefix = f"chapters/{chapter.dirname}/"
    pages = [root / f"{name}.md" for name in listed if name.startswith(prefix)]
    pages += sorted(p for p in folder.glob("*.md") if p not in pages)
    return [page for page in pages if page.is_file() and page.stem not in BACK_MATTER_PAGES]


def page_paragraphs(text: str, extensions: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    """(line, text) of each of the authors' paragraphs and headings on a page, markup stripped, as
    the book's MyST parser reads the page (`prose.py`): directives (charts, tables, `only` blocks,
    a `:::{note}`), code fences and footnote definitions are the edition's, except the authors' own
    figure (`{glued-figure}` with `:kind: figure`), whose first paragraph is their caption."""
    blocks = prose.read_source(text, extensions).blocks
    return [(block.line, strip_inline_markup(block.source)) for block in blocks]


def text_sentences(docname: str, text: str, extensions: tuple[str, ...] | None = None) -> list[PageSentence]:
    """Every sentence of a page given as its text (another commit's version of it, say), as
    `page_sentences` reads a page's file; `extensions` are its book's MyST extensions."""
    return [
        PageSentence(docname, line, sentence)
        for line, paragraph in page_paragraphs(text, extensions)
        for sentence in sentences_of(paragraph)
    ]


def page_sentences(chapter: Chapter, root: Path | None = None) -> list[PageSentence]:
    """Every sentence of the chapter's pages, in reading order, with its page and line."""
    root = chapter.root if root is None else root
    found = []
    for page in chapter_pages(chapter, root):
        docname = page.relative_to(root).with_suffix("").as_posix()
        for block in prose.read_page(page, root).blocks:
            line, paragraph = block.line, strip_inline_markup(block.source)
            found += [PageSentence(docname, line, sentence) for sentence in sentences_of(paragraph)]
    return found


# --- the comparison ------------------------------------------------------------------------------


def compare(old: list[str], new: list[PageSentence]) -> list[Change]:
    """The changes from one text's sentences to the pages', in reading order: the manuscript's,
    or those of the pages in an earlier edition (`startup_capitalism.editions.changes`)."""
    new_texts = [s.text for s in new]
    matcher = difflib.SequenceMatcher(None, old, new_texts, autojunk=False)
    changes: list[Change] = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        where = new[b1].docname if b1 < len(new) else (new[-1].docname if new else "")
        changes += _pair_up(old[a1:a2], new[b1:b2], where)
    return changes


def _pair_up(old: list[str], new: list[PageSentence], where: str) -> list[Change]:
    """Within a block of differing sentences, the closest pairs in order are edits; the rest are
    removed from the manuscript or added to the pages."""
    changes: list[Change] = []
    next_new = 0
    for sentence in old:
        best, best_ratio = None, EDITED_SIMILARITY
        for index in range(next_new, len(new)):
            ratio = difflib.SequenceMatcher(None, sentence, new[index].text, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = index, ratio
        if best is None:
            changes.append(
                Change("removed", sentence, None, new[next_new].docname if next_new < len(new) else where)
            )
            continue
        changes += [Change("added", None, s.text, s.docname) for s in new[next_new:best]]
        changes.append(Change("edited", sentence, new[best].text, new[best].docname))
        next_new = best + 1
    changes += [Change("added", None, s.text, s.docname) for s in new[next_new:]]
    return changes


def changes_since_manuscript(chapter: Chapter, root: Path | None = None) -> list[Change]:
    return compare(manuscript_sentences(chapter, root), page_sentences(chapter, root))


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(operation, text) runs from old to new, word by word: "same", "removed" or "added"."""
    old_words, new_words = old.split(" "), new.split(" ")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            runs.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            runs.append(("added", " ".join(new_words[b1:b2])))
    return runs


def counts(changes: list[Change]) -> dict[str, int]:
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in ("edited", "added", "removed")}
