"""Import an authors' manuscript as a new chapter of the book, adding markup only.

    python -m startup_capitalism chapter path/to/chapter.txt   (or: make chapter MANUSCRIPT=...)

The manuscript is plain text in the form `startup_capitalism.text.manuscript` reads ("Chapter N Country"
first, headings on lines of their own, bare footnote numbers, "FIGURE N.k.Caption" lines). The
command writes, for chapter N with slug `slug`:

- `chapters/NN-slug/`: one page per heading (`index.md` for the opening, with the chapter's
  declaration in its front matter; the book's standard sections under their standard names, any
  other heading under its slug), each with a `(chNN-section)=` label, the heading, the authors'
  paragraphs verbatim with MyST footnote references in place of the bare numbers, a footnote
  definition saying the note's text is not in the manuscript, a `{glued-figure}` slot for
  Figure N.1 where the manuscript has its FIGURE line, and on each page with prose a first
  `{glued-table}` of the page's evidence rows (empty until rows are added), so the new chapter
  shows something at once; and the back-matter pages `changes.md` and `works-cited.md`;
- `notebooks/NN-slug/`: one MyST notebook per page with prose, which loads this chapter's rows
  of that section and glues a first table of them (and Figure N.1 from the scores, on its page);
- the chapter's parts in `_toc.yml` and `_toc-pdf.yml`, its country, sections and number in
  `data/datapackage.json` (`startup_capitalism.registry`);
- a copy of the manuscript in `sources/manuscript/chapter-NN-slug.txt` (unless it is that file).

It refuses a chapter number that is taken. Everything is written to a staging folder first and
moved into place at the end, so a bad manuscript (reported as `file:line: what is wrong`) or any
other error leaves the repository as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from .. import paths, registry
from ..book import Book
from ..chapters import BACK_MATTER_PAGES, OPENING_PAGE, Chapter, ChapterError, all_chapters
from ..evidence import rules as evidence_rules
from ..text import prose
from ..text.manuscript import (
    OPENING_SECTION,
    STANDARD_SECTIONS,
    THEMATIC_ANALYSIS,
    THEMATIC_SECTIONS,
    Figure,
    Manuscript,
    ManuscriptError,
    Page,
    read_manuscript,
    read_opening,
)

MANUSCRIPTS = Path("sources") / "manuscript"
# every quantity of a new chapter is listed as not yet coded (evidence_rules.NOT_YET_CODED), so
# that the chapter validates at once: `make validate` requires each quantity recorded by a row or
# listed with a reason
PASSAGE_AROUND = 30  # characters of the paragraph either side of a listed quantity
FOOTNOTE_DEFINITION = (
    "[^{n}]: Note {n} of the chapter. Its text is in the print edition; the manuscript this "
    "edition is made from gives only the marker, so the note is not reproduced here."
)
# the slot for the authors' Figure N.1; the chart is glued from the notebook of the page
FIGURE_SLOT = """\
```{{glued-figure}} {key}
:doc: ../../notebooks/{dirname}/{section}.md
:name: fig-{label}
:kind: figure

{caption}
```"""
# the first table of a page: the evidence rows of its section, glued by its notebook (ROWS_CELL)
ROWS_TABLE = """\
```{{glued-table}} {section}-rows
:doc: ../../notebooks/{dirname}/{section}.md
:name: tbl-{prefix}-{section}-rows

The evidence rows coded from this page:
{{glue:text}}`../../notebooks/{dirname}/{section}.md::{section}-row-count:d` in `data/evidence.csv`.
```"""
BACK_MATTER = {
    "changes": ("Changes since the received manuscript", "manuscript-changes"),
    "works-cited": ("Works cited", "works-cited"),
}
NOTEBOOK_HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
SETUP_CELL = """\
```{{code-cell}} ipython3
:tags: [hide-input]

from pathlib import Path

from myst_nb import glue

from startup_capitalism import evidence
from startup_capitalism.book import Book
from startup_capitalism.figures import charts
from startup_capitalism.figures.tables import evidence_table, glue_table

charts.use_book_charts()
book = Book.containing(Path.cwd())  # the book this notebook is in (its kernel runs in its folder)
chapter = book.chapter({number})
rows = evidence.chapter_rows(evidence.load_evidence(book), chapter)  # this chapter's rows only
```"""
ROWS_CELL = """\
```{{code-cell}} ipython3
section_evidence = evidence.section_rows(rows, chapter, "{section}")
glue("{section}-row-count", len(section_evidence), display=False)
glue_table("{section}-rows", evidence_table(section_evidence))
```"""
FIGURE_CELL = """\
```{{code-cell}} ipython3
chapter_scores = evidence.load_scores(book, chapter)
if len(chapter_scores):
    figure = charts.figure_n_1(chapter_scores)
else:  # until the chapter's scores are in data/scores.csv
    figure = charts.awaiting_data(
        "Figure {number}", "Drawn from this chapter's scores once they are added to data/scores.csv."
    )
glue("{key}", figure, display=False)
figure
```"""


def figure_key(figure: Figure) -> str:
    return f"fig-{figure.number.replace('.', '-')}-scores"


def declaration(manuscript: Manuscript, root: Path) -> Chapter:
    return Chapter(
        number=manuscript.number,
        title=manuscript.title,
        country=manuscript.title,
        slug=manuscript.slug,
        manuscript=str(MANUSCRIPTS / f"chapter-{manuscript.number:02d}-{manuscript.slug}.txt"),
        root=root,
    )


def page_file(page: Page) -> str:
    return OPENING_PAGE if page.section == OPENING_SECTION else f"{page.section}.md"


def thematic_pages(manuscript: Manuscript) -> list[Page]:
    """The thematic sections that follow Thematic Analysis (they sit under it in the TOC)."""
    sections = [page.section for page in manuscript.pages]
    if THEMATIC_ANALYSIS not in sections:
        return []
    following = []
    for page in manuscript.pages[sections.index(THEMATIC_ANALYSIS) + 1 :]:
        if page.section not in THEMATIC_SECTIONS:
            break
        following.append(page)
    return following


def front_matter(chapter: Chapter) -> str:
    declared = {
        "chapter": {
            "number": chapter.number,
            "title": chapter.title,
            "country": chapter.country,
            "slug": chapter.slug,
            "manuscript": chapter.manuscript,
        }
    }
    return "---\n" + yaml.safe_dump(declared, sort_keys=False, allow_unicode=True) + "---\n\n"


def render_page(chapter: Chapter, manuscript: Manuscript, page: Page) -> str:
    prefix = chapter.label_prefix
    blocks = [f"({prefix}-{page.section})=\n# {page.heading}"]
    for block in page.blocks:
        if isinstance(block, Figure):
            blocks.append(
                FIGURE_SLOT.format(
                    key=figure_key(block),
                    dirname=chapter.dirname,
                    section=page.section,
                    label=block.number.replace(".", "-"),
                    caption=block.caption,
                )
            )
        else:
            blocks.append(block)
    if page.has_prose:
        blocks.append(ROWS_TABLE.format(section=page.section, dirname=chapter.dirname, prefix=prefix))
    if page.section == THEMATIC_ANALYSIS and not page.blocks:
        # the manuscript has no text under this heading: the site lists the sections it introduces
        listed = "\n".join(f"- {{ref}}`{prefix}-{sub.section}`" for sub in thematic_pages(manuscript))
        if listed:
            blocks.append("```{only} html\n" + listed + "\n```")
    blocks += [FOOTNOTE_DEFINITION.format(n=n) for n in page.footnotes()]
    text = "\n\n".join(blocks) + "\n"
    return front_matter(chapter) + text if page.section == OPENING_SECTION else text


def render_back_matter(chapter: Chapter, name: str) -> str:
    heading, directive = BACK_MATTER[name]
    return f"({chapter.label_prefix}-{name})=\n# {heading}\n\n```{{{directive}}}\n```\n"


def notebook_title(page: Page) -> str:
    """ "the opening", "firm size" for the standard sections (as the first notebooks say); other
    pages by their heading."""
    if page.section in (OPENING_SECTION, "antecedents"):
        return f"the {page.section}"
    if page.section in (section for section, _ in STANDARD_SECTIONS):
        return page.section.replace("-", " ")
    return page.heading


def render_notebook(chapter: Chapter, page: Page) -> str:
    prefix = chapter.label_prefix
    cells = [
        f"({prefix.replace('ch', 'nb-ch', 1)}-{page.section})=\n# Evidence notebook: {notebook_title(page)}",
        f"The evidence rows coded from {{ref}}`{prefix}-{page.section}`, read and validated by the "
        f"`startup_capitalism` package from `data/evidence.csv`.",
        SETUP_CELL.format(number=chapter.number),
        ROWS_CELL.format(section=page.section),
    ]
    for figure in page.figures:
        cells.append(
            f"The authors' **Figure {figure.number}**, rebuilt from this chapter's scores in "
            "`data/scores.csv`, each score with the sentence of the chapter that states it."
        )
        cells.append(FIGURE_CELL.format(key=figure_key(figure), number=figure.number))
    return NOTEBOOK_HEADER + "\n" + "\n\n".join(cells) + "\n"


def toc_sections(chapter: Chapter, manuscript: Manuscript) -> list[dict]:
    """The chapter's pages after the opening, as TOC entries: thematic sections nested under
    Thematic Analysis, then the back-matter pages."""
    nested = {page.section for page in thematic_pages(manuscript)}
    entries: list[dict] = []
    for page in manuscript.pages[1:]:
        entry = {"file": registry.docname(paths.CHAPTERS_DIR.name, chapter, page.section)}
        if page.section in nested:
            entries[-1].setdefault("sections", []).append(entry)
        else:
            entries.append(entry)
    return entries + [
        {"file": registry.docname(paths.CHAPTERS_DIR.name, chapter, name)} for name in BACK_MATTER_PAGES
    ]


def check_number_is_free(manuscript_path: Path, root: Path) -> None:
    """Refuse a chapter number that is taken, before anything else is read."""
    first_line, number, _ = read_opening(manuscript_path)
    taken = {existing.number: existing for existing in all_chapters(root / paths.CHAPTERS_DIR)}
    if number in taken:
        raise ManuscriptError(
            manuscript_path,
            first_line,
            f"chapter {number} exists already (chapters/{taken[number].dirname}); "
            "a chapter is imported once, then edited in its pages",
        )


def check_new(manuscript: Manuscript, chapter: Chapter, root: Path) -> None:
    """Refuse a chapter whose folders or manuscript copy exist already (the manuscript itself,
    received into `sources/manuscript/` under the copy's name, is not a copy)."""
    first_line = manuscript.pages[0].line
    targets = [
        paths.CHAPTERS_DIR / chapter.dirname,
        paths.NOTEBOOKS_DIR / chapter.dirname,
    ]
    if not is_the_copy(manuscript.path, chapter, root):
        targets.append(Path(chapter.manuscript))
    for existing in targets:
        if (root / existing).exists():
            raise ManuscriptError(
                manuscript.path, first_line, f"{existing} exists already; nothing was imported"
            )


def is_the_copy(manuscript_path: Path, chapter: Chapter, root: Path) -> bool:
    """True when the manuscript given is already where the chapter's copy goes."""
    copy = root / chapter.manuscript
    return copy.exists() and copy.resolve() == manuscript_path.resolve()


def uncoded_lines(chapter: Chapter, pages_dir: Path, root: Path) -> str:
    """CSV lines listing each quantity of the new chapter's pages as not yet coded, each with a
    verbatim passage of its paragraph (the validator's reading of the page) that holds it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for page in sorted(pages_dir.glob("*.md")):
        if page.stem in BACK_MATTER_PAGES:
            continue
        section = OPENING_SECTION if page.name == OPENING_PAGE else page.stem
        for paragraph in prose.read_page(page, root).paragraphs:
            text = paragraph.text
            for quantity in evidence_rules.quantities(text):
                start = text.rfind(" ", 0, max(0, quantity.start - PASSAGE_AROUND)) + 1
                end = text.find(" ", quantity.end + PASSAGE_AROUND)
                passage = text[start : end if end >= 0 else len(text)]
                writer.writerow(
                    [chapter.number, section, quantity.text, passage, evidence_rules.NOT_YET_CODED]
                )
    return buffer.getvalue()


def stage(manuscript: Manuscript, root: Path, staging: Path) -> dict[Path, Path]:
    """Write every new and changed file under `staging`; return {staged path: final path}."""
    chapter = declaration(manuscript, root)
    check_new(manuscript, chapter, root)
    pages_dir = staging / "pages"
    notebooks_dir = staging / "notebooks"
    pages_dir.mkdir()
    notebooks_dir.mkdir()
    for page in manuscript.pages:
        (pages_dir / page_file(page)).write_text(render_page(chapter, manuscript, page), encoding="utf-8")
        if page.has_prose:
            (notebooks_dir / f"{page.section}.md").write_text(
                render_notebook(chapter, page), encoding="utf-8"
            )
    for name in BACK_MATTER_PAGES:
        (pages_dir / f"{name}.md").write_text(render_back_matter(chapter, name), encoding="utf-8")
    copy = staging / "manuscript.txt"
    if not is_the_copy(manuscript.path, chapter, root):
        shutil.copyfile(manuscript.path, copy)

    sections = toc_sections(chapter, manuscript)
    notebooks = [page.section for page in manuscript.pages if page.has_prose]
    site, site_header = registry.read_toc(root / registry.SITE_TOC)
    pdf, pdf_header = registry.read_toc(root / registry.PDF_TOC)
    (staging / registry.SITE_TOC).write_text(
        registry.dump_toc(registry.site_toc_with(site, chapter, sections, notebooks), site_header),
        encoding="utf-8",
    )
    (staging / registry.PDF_TOC).write_text(
        registry.dump_toc(registry.pdf_toc_with(pdf, chapter, sections), pdf_header), encoding="utf-8"
    )
    uncoded = root / paths.UNCODED_CSV
    (staging / uncoded.name).write_text(
        uncoded.read_text(encoding="utf-8") + uncoded_lines(chapter, pages_dir, root), encoding="utf-8"
    )
    datapackage = root / paths.DATAPACKAGE
    package = registry.datapackage_with(
        json.loads(datapackage.read_text(encoding="utf-8")),
        [*all_chapters(root / paths.CHAPTERS_DIR), chapter],
        notebooks,
    )
    (staging / "datapackage.json").write_text(registry.dump_datapackage(package), encoding="utf-8")
    moves = {
        pages_dir: root / paths.CHAPTERS_DIR / chapter.dirname,
        notebooks_dir: root / paths.NOTEBOOKS_DIR / chapter.dirname,
        copy: root / chapter.manuscript,
        staging / registry.SITE_TOC: root / registry.SITE_TOC,
        staging / registry.PDF_TOC: root / registry.PDF_TOC,
        staging / "datapackage.json": datapackage,
        staging / uncoded.name: uncoded,
    }
    return {staged: final for staged, final in moves.items() if staged.exists()}


def move_into_place(moves: dict[Path, Path], backup: Path) -> None:
    """Move every staged path to its place; if one move fails, undo the ones made."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for staged, final in moves.items():
            saved = None
            if final.exists():
                saved = backup / f"{len(done)}-{final.name}"
                shutil.copy2(final, saved)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
            done.append((final, saved))
    except BaseException:
        for final, saved in reversed(done):
            if saved is not None:
                os.replace(saved, final)
            elif final.is_dir():
                shutil.rmtree(final)
            else:
                final.unlink()
        raise


def import_chapter(manuscript_path: Path, root: Path) -> Chapter:
    check_number_is_free(manuscript_path, root)
    manuscript = read_manuscript(manuscript_path)
    with tempfile.TemporaryDirectory(prefix=".new-chapter-", dir=root) as temporary:
        staging, backup = Path(temporary) / "staged", Path(temporary) / "backup"
        staging.mkdir()
        backup.mkdir()
        moves = stage(manuscript, root, staging)
        move_into_place(moves, backup)
    return declaration(manuscript, root)


def new_chapter(book: Book, manuscript_path: Path) -> int:
    """`make chapter MANUSCRIPT=...`: 0 when imported, 1 when the manuscript was refused, 2 when
    there is no such file."""
    if not manuscript_path.is_file():
        print(f"{manuscript_path}: no such file", file=sys.stderr)
        return 2
    try:
        chapter = import_chapter(manuscript_path, book.root)
    except (ManuscriptError, ChapterError) as error:
        print(error, file=sys.stderr)
        print("chapter: nothing was imported", file=sys.stderr)
        return 1
    print(
        f"imported {chapter.heading} into chapters/{chapter.dirname} and notebooks/{chapter.dirname}; "
        f"registered it in {registry.SITE_TOC}, {registry.PDF_TOC} and data/datapackage.json; "
        f"the manuscript is {chapter.manuscript}"
    )
    print(
        "next: `make html` shows it; then add its evidence rows to data/evidence.csv (and any new actor to "
        "data/actors.csv), its Figure scores to data/scores.csv, `make validate`, and `make book`"
    )
    return 0
