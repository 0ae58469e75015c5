"""The book as one object with a root: its configuration, chapters, pages, notebooks, data and outputs.

    book = Book.from_here()             # this repository (paths.ROOT, the one definition of the root)
    book = Book(app.srcdir)             # inside Sphinx: the book being built
    book = Book(tmp_path / "copy")      # a scratch copy in a test or the benchmark
    book = Book.containing(Path.cwd())  # a notebook's kernel: the book the notebook is in

Nothing here is cached on its own: the chapters are read again whenever an opening page changes
(`chapters.all_chapters`), a page whenever it changes (`prose.read_page`), so a long-running
process such as the preview sees every edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import chapters as chapters_module
from . import paths
from .text import prose


class NotInABookError(ValueError):
    """A path with no book above it; the message names the path."""


def is_book_root(folder: Path) -> bool:
    """A book's root holds its configuration (`_config.yml`, or a Sphinx `conf.py` as the test
    fixtures have) and its table of contents or its `chapters/`."""
    configured = (folder / "_config.yml").is_file() or (folder / "conf.py").is_file()
    return configured and ((folder / "_toc.yml").is_file() or (folder / "chapters").is_dir())


@dataclass(frozen=True)
class Book:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def from_here(cls) -> Book:
        """The book this package belongs to (the repository it is installed from)."""
        return cls(paths.ROOT)

    @classmethod
    def containing(cls, path: Path) -> Book:
        """The book a file or folder is in: the nearest folder at or above it that is a book's
        root (a chapter page, a notebook's working folder). Never a book further up by accident: a
        page copied to a folder with no book configuration is an error, not this repository's."""
        path = Path(path).resolve()
        for folder in (path, *path.parents) if path.is_dir() else path.parents:
            if is_book_root(folder):
                return cls(folder)
        raise NotInABookError(
            f"{path}: not inside a book (no folder above it holds _config.yml or conf.py with _toc.yml "
            "or chapters/)"
        )

    # --- configuration -------------------------------------------------------------------------

    @property
    def config_file(self) -> Path:
        return self.root / "_config.yml"

    @property
    def toc_file(self) -> Path:
        return self.root / "_toc.yml"

    def config(self) -> dict:
        return yaml.safe_load(self.config_file.read_text(encoding="utf-8")) or {}

    def myst_extensions(self) -> tuple[str, ...]:
        """The MyST extensions `_config.yml` enables: the page reader parses with them."""
        return prose.book_extensions(self.root)

    # --- folders and data ----------------------------------------------------------------------

    @property
    def chapters_dir(self) -> Path:
        return self.root / paths.CHAPTERS_DIR

    @property
    def notebooks_dir(self) -> Path:
        return self.root / paths.NOTEBOOKS_DIR

    @property
    def data_dir(self) -> Path:
        return self.root / paths.DATA_DIR

    @property
    def datapackage(self) -> Path:
        return self.root / paths.DATAPACKAGE

    @property
    def evidence_csv(self) -> Path:
        return self.root / paths.EVIDENCE_CSV

    @property
    def actors_csv(self) -> Path:
        return self.root / paths.ACTORS_CSV

    @property
    def scores_csv(self) -> Path:
        return self.root / paths.SCORES_CSV

    @property
    def uncoded_csv(self) -> Path:
        return self.root / paths.UNCODED_CSV

    @property
    def build_dir(self) -> Path:
        return paths.build_folder(self.root)

    @property
    def site_dir(self) -> Path:
        """The published site (`make html`, `make book`)."""
        return self.build_dir / "html"

    @property
    def pdf_dir(self) -> Path:
        """The published PDFs: the book's and one per chapter."""
        return self.build_dir / "pdf"

    # --- chapters and their pages --------------------------------------------------------------

    def chapters(self) -> list[chapters_module.Chapter]:
        """Every chapter, in order of number, as their opening pages declare them now."""
        return chapters_module.all_chapters(self.chapters_dir)

    def chapter(self, number: int) -> chapters_module.Chapter:
        return chapters_module.chapter(number, self.chapters_dir)

    def chapter_of_docname(self, docname: str) -> chapters_module.Chapter | None:
        return chapters_module.chapter_of_docname(docname, self.chapters_dir)

    def pages(self, chapter: chapters_module.Chapter) -> list[Path]:
        """The chapter's pages of the authors' prose, in section order (the opening first)."""
        return [chapter.page_for_section(section) for section in chapter.sections()]

    def notebooks(self, chapter: chapters_module.Chapter) -> list[Path]:
        """The chapter's MyST notebooks (one per page with prose, `opening.md` for the opening)."""
        return sorted(chapter.notebooks_folder.glob("*.md"))

    def docname(self, path: Path) -> str:
        """A file's Sphinx document name: its path under the root, without the suffix."""
        return Path(path).resolve().relative_to(self.root).with_suffix("").as_posix()

    def read_page(self, page: Path) -> prose.PageSource:
        """A page's front matter and prose, read with the book's MyST parser."""
        return prose.read_page(page, self.root)
