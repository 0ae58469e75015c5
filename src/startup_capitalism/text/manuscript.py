"""Read an authors' manuscript in the book's plain-text form, with located errors.

The form (that of every received manuscript in `sources/manuscript/`): the first line is "Chapter N Country";
every other line is a heading, a paragraph or a bulleted item ("• ", "- " or "* " first); a
footnote is a bare number right after a sentence ("... (Vogel 2006, 95).3"), numbered 1, 2, 3,
... through the chapter; a figure is a line "FIGURE N.k.Caption".

A footnote digit follows sentence punctuation or a closing quote or bracket, and continues the
sequence: amounts ("US$112.5 million"), thousands ("1,500"), years and percentages are text.
The book's standard sections are recognised by their headings
(`STANDARD_SECTIONS`); any other heading is a page of its own, named by its slug.

This module only reads: `tools/new_chapter.py` writes the pages, notebooks and registrations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..chapters import OPENING_SECTION

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
# a possible footnote number: digits right after a sentence's closing punctuation or a closing
# quote or bracket, before a space or the line's end. Whether it is one is `mark_footnotes`' call.
FOOTNOTE_MARKER = re.compile(r"(?<=[.?!”’\")\]])(\d{1,3})(?=\s|$)")
# after a digit and a point ("112.5 million", "in 2021.9 The"), digits are a footnote only when
# they continue the sequence and a new sentence (or the line's end) follows
AFTER_A_NUMBER = re.compile(r"\d[.]$")
NEW_SENTENCE = re.compile(r"\s*(?:$|[A-Z“‘\"'(\[])")
# a footnote number ending a line, for telling headings from paragraphs (not "figure 3.2")
TRAILING_FOOTNOTE = re.compile(r"(?<!\b\d\.)(?<!\b\d\d\.)(?<=[.?!”’\")\]])\d{1,3}$")
# a bulleted line: the bullet, then the item's text
BULLET = re.compile(r"[•‣◦*-]\s+(\S.*)")
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


# letters NFKD does not decompose into an ASCII letter and accents: their usual transliteration
TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def slugify(text: str) -> str:
    """`Diaspora Networks: Łódź and São Paulo` -> `diaspora-networks-lodz-and-sao-paulo` (ASCII, hyphens):
    accents dropped (NFKD), the letters NFKD keeps whole transliterated."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(TRANSLITERATION)).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def standard_section(heading: str, country: str) -> str | None:
    for section, pattern in STANDARD_SECTIONS:
        if re.fullmatch(pattern.format(country=re.escape(country)), heading):
            return section
    return None


def is_heading(line: str) -> bool:
    text = TRAILING_FOOTNOTE.sub("", line).rstrip()
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
    """Each paragraph with its bare footnote numbers, 1, 2, 3, ... in order, made `[^n]`.

    A number that does not continue the sequence is text, except right after sentence punctuation
    that ends no number, with a new sentence following ("... (Vogel 2006).7 The"), where it can
    only be a footnote out of sequence: that is a located error."""
    expected = 1
    marked = []
    for line_number, text in numbered_lines:
        pieces, position = [], 0
        for found in FOOTNOTE_MARKER.finditer(text):
            number = int(found.group(1))
            before, after = text[: found.start()], text[found.end() :]
            new_sentence = bool(NEW_SENTENCE.match(after))
            if number == expected and (new_sentence or not AFTER_A_NUMBER.search(before)):
                pieces += [text[position : found.start()], f"[^{number}]"]
                position = found.end()
                expected += 1
            elif new_sentence and not AFTER_A_NUMBER.search(before):
                raise ManuscriptError(
                    path,
                    line_number,
                    f"footnote {number} out of sequence: expected "
                    f"footnote {expected} here (after “{before[-30:]}”)",
                )
        marked.append("".join(pieces) + text[position:])
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
        elif BULLET.fullmatch(text):
            kinds.append("item")
        else:
            kinds.append("heading" if is_heading(text) else "paragraph")
    paragraphs = mark_footnotes(
        path,
        [
            (line_number, BULLET.fullmatch(text).group(1) if kind == "item" else text)
            for (line_number, text), kind in zip(body, kinds, strict=True)
            if kind in ("paragraph", "item")
        ],
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
        elif kind == "item":
            pages[-1].blocks.append(f"- {next(next_paragraph)}")  # a MyST list item
        else:
            pages[-1].blocks.append(next(next_paragraph))
    return Manuscript(path, number, title, pages)
