"""The book's chapters, each declared once: in the front matter of its opening page.

A chapter is a unit: `chapters/NN-slug/` (its pages, `index.md` the opening),
`notebooks/NN-slug/` (one notebook per page with prose), its rows in the shared evidence (keyed by
`chapter` and `section`) and its Figure N.1 scores. The opening page declares it:

    ---
    chapter:
      number: <N, the book's chapter number>
      title: <the chapter's title>
      country: <the country it studies>
      slug: <lower-case words joined by hyphens: the folder is chapters/NN-slug>
      manuscript: sources/manuscript/chapter-NN-slug.txt
    ---

Everything else (folders, labels, PDF names, numbering, the data package's allowed values) is
derived from that declaration here, so no other code names a particular chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import paths
from .text import prose

OPENING_PAGE = "index.md"
OPENING_SECTION = "opening"
# pages the build generates for every chapter (no prose of the authors', no notebook): "Changes
# since the received manuscript" and "Works cited"; their content comes from a directive
BACK_MATTER_PAGES = ("changes", "works-cited")
DECLARED_KEYS = ("number", "title", "country", "slug", "manuscript")


class ChapterError(ValueError):
    """A chapter declaration that is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    country: str
    slug: str
    manuscript: str  # the received manuscript, relative to the book's root
    # the book it belongs to (the folder holding chapters/)
    root: Path = field(compare=False)

    @property
    def dirname(self) -> str:
        """`NN-slug`: the folder under chapters/ and notebooks/."""
        return f"{self.number:02d}-{self.slug}"

    @property
    def folder(self) -> Path:
        return self.root / paths.CHAPTERS_DIR / self.dirname

    @property
    def notebooks_folder(self) -> Path:
        return self.root / paths.NOTEBOOKS_DIR / self.dirname

    @property
    def label_prefix(self) -> str:
        """Labels of this chapter's pages and exhibits start with it (`chNN-finance`)."""
        return f"ch{self.number:02d}"

    @property
    def pdf_name(self) -> str:
        return f"chapter-{self.dirname}.pdf"

    @property
    def heading(self) -> str:
        """The chapter's title line as the manuscript gives it ("Chapter N Country")."""
        return f"Chapter {self.number} {self.title}"

    def page_for_section(self, section: str) -> Path:
        """The page a section's prose is on: the opening is `index.md`, others `<section>.md`."""
        return self.folder / (OPENING_PAGE if section == OPENING_SECTION else f"{section}.md")

    def sections(self) -> list[str]:
        """The sections that have a page of prose in this chapter's folder (the opening first)."""
        names = sorted(
            page.stem
            for page in self.folder.glob("*.md")
            if page.name != OPENING_PAGE and page.stem not in BACK_MATTER_PAGES
        )
        return [OPENING_SECTION, *names]


def read_front_matter(page: Path) -> dict:
    try:
        return prose.front_matter(page)
    except prose.FrontMatterError as error:
        raise ChapterError(str(error)) from error


def chapter_from_page(page: Path) -> Chapter:
    """The chapter an opening page declares, in the book holding the page; a located error when
    the declaration is incomplete."""
    from .book import Book  # the book model reads its chapters here: imported when first needed

    declared = read_front_matter(page).get("chapter")
    if not isinstance(declared, dict):
        raise ChapterError(
            f"{page}:1: the opening page must declare `chapter:` in its front matter "
            f"({', '.join(DECLARED_KEYS)})"
        )
    missing = [key for key in DECLARED_KEYS if key not in declared]
    if missing:
        raise ChapterError(f"{page}:1: the chapter declaration lacks {', '.join(missing)}")
    chapter = Chapter(
        number=int(declared["number"]),
        title=str(declared["title"]),
        country=str(declared["country"]),
        slug=str(declared["slug"]),
        manuscript=str(declared["manuscript"]),
        root=Book.containing(page).root,
    )
    if page.resolve().parent != chapter.folder:
        raise ChapterError(
            f"{page}:1: declares chapter {chapter.number} '{chapter.slug}', "
            f"so its folder must be chapters/{chapter.dirname}"
        )
    return chapter


@lru_cache(maxsize=8)
def _chapters_in(chapters_dir: Path, stamp: tuple) -> tuple[Chapter, ...]:
    chapters = [chapter_from_page(page) for page, _ in stamp]
    numbers = [chapter.number for chapter in chapters]
    duplicated = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicated:
        raise ChapterError(f"{chapters_dir}: chapter number(s) declared twice: {duplicated}")
    return tuple(sorted(chapters, key=lambda chapter: chapter.number))


def all_chapters(chapters_dir: Path) -> list[Chapter]:
    """Every chapter of the book, in order of number (read again when an opening page changes,
    appears or goes, so a long-running preview sees the edit)."""
    chapters_dir = chapters_dir.resolve()
    openings = sorted(chapters_dir.glob(f"*/{OPENING_PAGE}"))
    stamp = tuple((page, (page.stat().st_mtime_ns, page.stat().st_size)) for page in openings)
    return list(_chapters_in(chapters_dir, stamp))


def chapter(number: int, chapters_dir: Path) -> Chapter:
    for candidate in all_chapters(chapters_dir):
        if candidate.number == number:
            return candidate
    known = ", ".join(str(c.number) for c in all_chapters(chapters_dir)) or "none"
    raise KeyError(f"no chapter {number} in {chapters_dir} (chapters: {known})")


def chapter_of_docname(docname: str, chapters_dir: Path) -> Chapter | None:
    """The chapter a Sphinx document belongs to (`chapters/NN-slug/finance`,
    `notebooks/NN-slug/finance`), or None for the book's own pages."""
    parts = docname.split("/")
    if len(parts) < 2 or parts[0] not in (paths.CHAPTERS_DIR.name, paths.NOTEBOOKS_DIR.name):
        return None
    return next((c for c in all_chapters(chapters_dir) if c.dirname == parts[1]), None)
