"""Read an authors' manuscript in the book's plain-text form, with located errors.

The form (that of every received manuscript in `sources/manuscript/`): the first line is "Chapter N Country";
every other line is a heading or a paragraph; a footnote is a bare number right after a sentence
("... (Vogel 2006, 95).3"), numbered 1, 2, 3, ... through the chapter; a figure is a line
"FIGURE N.k.Caption". The book's standard sections are recognised by their headings
(`STANDARD_SECTIONS`); any other heading is a page of its own, named by its slug.

This module only reads: `tools/new_chapter.py` writes the pages, notebooks and registrations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .chapters import OPENING_SECTION

THEMATIC_ANALYSIS = "thematic-analysis"
# The book's standard sections, in the order a chapter gives them: (section, heading pattern).
# `{country}` stands for the chapter's country. The thematic sections sit under Thematic Analysis.
THEMATIC_SECTIONS = ("firm-size", "employment", "finance", "innovation", "social-purpose")
STANDARD_SECTIONS = (
    ("antecedents", r"Antecedents: {country} \(.+\)"),
    (THEMATIC_ANALYSIS, r"Thematic Analysis"),
    ("firm-size", r"Firm Size"),
    ("employment", r"Employment"),
    ("finance", r"Finance"),
    ("innovation", r"Innovation"),
    ("social-purpose", r"Social Purpose"),
    ("continuity-and-change", r"Continuity and Change in {country}"),
)
CHAPTER_LINE = re.compile(r"Chapter (\d{1,2}) (\S.*)")
FIGURE_LINE = re.compile(r"FIGURE (\d+)\.(\d+)\.(.*)")
# a bare footnote number: digits right after a sentence's closing punctuation, not the "1" of a
# figure or section number such as "figure 3.2 shows" (a year before it is fine: "in 2021.9")
FOOTNOTE_MARKER = re.compile(r"(?<!\b\d\.)(?<!\b\d\d\.)(?<=[.?!”)])(\d{1,3})(?=\s|$)")
# a heading is a short line that does not end a sentence (a trailing footnote number aside)
HEADING_MAX_WORDS = 12
SENTENCE_END = tuple(".?!:;,”’\"'…")


class ManuscriptError(ValueError):
    """A manuscript that cannot be imported: `file:line: what is wrong`."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass(frozen=True)
class Figure:
    number: str  # "2.1"
    caption: str
    line: int


@dataclass
class Page:
    """One page of the chapter: a heading and the paragraphs and figures under it."""

    section: str
    heading: str
    line: int
    blocks: list[str | Figure] = field(default_factory=list)  # paragraphs with [^n] markers, figures

    @property
    def has_prose(self) -> bool:
        return any(isinstance(block, str) for block in self.blocks)

    @property
    def figures(self) -> list[Figure]:
        return [block for block in self.blocks if isinstance(block, Figure)]

    def footnotes(self) -> list[int]:
        return [
            int(n)
            for block in self.blocks
            if isinstance(block, str)
            for n in re.findall(r"\[\^(\d+)\]", block)
        ]


@dataclass
class Manuscript:
    path: Path
    number: int
    title: str  # the country, as the first line gives it
    pages: list[Page]

    @property
    def slug(self) -> str:
        return slugify(self.title)


def slugify(text: str) -> str:
    """`Continuity and Change in Ruritania` -> `continuity-and-change-in-ruritania` (ASCII, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def standard_section(heading: str, country: str) -> str | None:
    for section, pattern in STANDARD_SECTIONS:
        if re.fullmatch(pattern.format(country=re.escape(country)), heading):
            return section
    return None


def is_heading(line: str) -> bool:
    text = FOOTNOTE_MARKER.sub("", line).rstrip()
    return len(text.split()) <= HEADING_MAX_WORDS and not text.endswith(SENTENCE_END)


def decode(path: Path) -> list[str]:
    """The manuscript's lines; an empty file or one that is not UTF-8 is a located error."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ManuscriptError(
            path,
            line,
            f"not UTF-8: byte 0x{raw[error.start]:02x} at column {column} "
            "(save the manuscript as UTF-8 text)",
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ManuscriptError(
            path, 1, 'the file is empty; a manuscript starts with a line "Chapter N Country"'
        )
    return text.splitlines()


def mark_footnotes(path: Path, numbered_lines: list[tuple[int, str]]) -> list[str]:
    """Each paragraph with its bare footnote numbers, 1, 2, 3, ... in order, made `[^n]`."""
    expected = 1
    marked = []
    for line_number, text in numbered_lines:

        def reference(found: re.Match, line_number: int = line_number, text: str = text) -> str:
            nonlocal expected
            number = int(found.group(1))
            if number != expected:
                raise ManuscriptError(
                    path,
                    line_number,
                    f"footnote {number} out of sequence: expected "
                    f"footnote {expected} here (after “{text[max(0, found.start() - 30) : found.start()]}”)",
                )
            expected += 1
            return f"[^{number}]"

        marked.append(FOOTNOTE_MARKER.sub(reference, text))
    return marked


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(decode(path), start=1) if line.strip()]


def read_opening(path: Path) -> tuple[int, int, str]:
    """(line, chapter number, title) of the manuscript's first line, "Chapter N Country"."""
    first_line, first = _numbered_lines(path)[0]
    opening = CHAPTER_LINE.fullmatch(first)
    if not opening:
        raise ManuscriptError(
            path,
            first_line,
            f'the first line must be "Chapter N Country" (for example '
            f'"Chapter 9 Ruritania"), found “{first[:60]}”',
        )
    return first_line, int(opening.group(1)), opening.group(2).strip()


def read_manuscript(path: Path) -> Manuscript:
    first_line, number, title = read_opening(path)
    numbered = _numbered_lines(path)
    pages = [Page(OPENING_SECTION, numbered[0][1], first_line)]
    body = numbered[1:]
    kinds = []
    for line_number, text in body:
        figure = FIGURE_LINE.fullmatch(text)
        if figure:
            if int(figure.group(1)) != number:
                raise ManuscriptError(
                    path,
                    line_number,
                    f"FIGURE {figure.group(1)}.{figure.group(2)} in chapter "
                    f"{number}: a figure of this chapter is numbered {number}.k",
                )
            kinds.append("figure")
        elif text.startswith("FIGURE"):
            raise ManuscriptError(
                path, line_number, f"a figure line must read “FIGURE {number}.k.Caption”, found “{text[:40]}”"
            )
        else:
            kinds.append("heading" if is_heading(text) else "paragraph")
    paragraphs = mark_footnotes(
        path, [entry for entry, kind in zip(body, kinds, strict=True) if kind == "paragraph"]
    )
    next_paragraph = iter(paragraphs)
    figure_count = 0
    for (line_number, text), kind in zip(body, kinds, strict=True):
        if kind == "heading":
            section = standard_section(text, title) or slugify(text)
            if section in (OPENING_SECTION, *(page.section for page in pages)):
                raise ManuscriptError(
                    path,
                    line_number,
                    f"a second page named “{section}” (heading “{text}”); "
                    "each heading must name a page of its own",
                )
            pages.append(Page(section, text, line_number))
        elif kind == "figure":
            found = FIGURE_LINE.fullmatch(text)
            figure_count += 1
            if int(found.group(2)) != figure_count:
                raise ManuscriptError(
                    path,
                    line_number,
                    f"FIGURE {found.group(1)}.{found.group(2)}: expected figure {number}.{figure_count} here",
                )
            if figure_count > 1:
                raise ManuscriptError(
                    path,
                    line_number,
                    f"FIGURE {number}.{figure_count}: the edition rebuilds only "
                    f"Figure {number}.1, from the chapter's scores; a further "
                    "figure needs its data before it can be imported",
                )
            pages[-1].blocks.append(Figure(f"{number}.{figure_count}", found.group(3).strip(), line_number))
        else:
            pages[-1].blocks.append(next(next_paragraph))
    return Manuscript(path, number, title, pages)
