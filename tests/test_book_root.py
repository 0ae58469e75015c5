"""The book is passed, not found: a scratch copy of the book reads its own pages and data, in this
process and in a notebook's kernel, with no PYTHONPATH pointing the package at it; a page in no book
is an error, never this repository's by accident. No build: seconds."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, ROOTS
from startup_capitalism import chapters, evidence, paths
from startup_capitalism.book import Book, NotInABookError
from startup_capitalism.text import prose

BOOK = Book(ROOT)
# what a copy needs to be a book whose rows validate: its configuration, pages, notebooks and data
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_FOLDERS = ("chapters", "notebooks", "data")
EDITED = "The title the scratch copy gives it"


def first_row_id() -> str:
    return next(csv.DictReader(io.StringIO(BOOK.evidence_csv.read_text(encoding="utf-8"))))["id"]


@pytest.fixture
def copy(tmp_path) -> Book:
    """A scratch copy of the book whose first evidence row has another title, and with a second
    chapter (the first one's pages under another number and slug)."""
    root = tmp_path / "book"
    root.mkdir()
    for name in BOOK_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in BOOK_FOLDERS:
        shutil.copytree(ROOT / name, root / name)
    rows = list(csv.reader(io.StringIO(BOOK.evidence_csv.read_text(encoding="utf-8"))))
    title = rows[0].index("title")
    rows[1][title] = EDITED
    with (root / "data" / "evidence.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    first = BOOK.chapters()[0]
    number = max(c.number for c in BOOK.chapters()) + 1
    second = root / "chapters" / f"{number:02d}-copyland"
    shutil.copytree(root / "chapters" / first.dirname, second)
    opening = second / chapters.OPENING_PAGE
    declared = opening.read_text(encoding="utf-8")
    declared = declared.replace(f"number: {first.number}\n", f"number: {number}\n", 1)
    opening.write_text(declared.replace(f"slug: {first.slug}\n", "slug: copyland\n", 1), encoding="utf-8")
    return Book(root)


def test_a_scratch_copy_reads_its_own_rows(copy):
    row = first_row_id()
    title_in = {book: evidence.load_evidence(book).set_index("id").loc[row, "title"] for book in (BOOK, copy)}
    assert title_in[copy] == EDITED != title_in[BOOK]
    # its checked rows are the copy's own, under its own build folder (the suite's STARTUP_BUILD_DIR
    # names a folder of this tree's, not the copy's)
    assert copy.build_dir == paths.build_folder(copy.root) == copy.root / "_build"
    assert list((copy.build_dir / "checked").glob("evidence-*.pickle"))


def test_a_scratch_copy_has_its_own_chapters(copy):
    assert len(copy.chapters()) == len(BOOK.chapters()) + 1
    added = copy.chapters()[-1]
    assert added.slug == "copyland" and added.root == copy.root
    assert added.folder == copy.chapters_dir / added.dirname
    assert added.sections() == BOOK.chapters()[0].sections()
    # a page of the copy belongs to the copy, whichever repository the package is installed from
    assert Book.containing(added.page_for_section(added.sections()[-1])) == copy


def test_a_notebook_kernel_finds_the_book_it_runs_in(copy):
    """The setup cell of a real notebook of the copy, run by a kernel in the notebook's folder as
    myst-nb, jupyter-cache and nbval run it, loads the copy's rows and chapters."""
    notebook_path = copy.notebooks(copy.chapters()[0])[0]
    notebook = jupytext.read(notebook_path)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    title = f"evidence.load_evidence(book).set_index('id').loc[{first_row_id()!r}, 'title']"
    probe = nbformat.v4.new_code_cell(f"print(book.root)\nprint({title})")
    notebook.cells = [setup, probe]
    NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": str(notebook_path.parent)}}
    ).execute()
    printed = "".join(output.get("text", "") for output in notebook.cells[1].outputs).splitlines()
    assert printed[0] == str(copy.root)
    assert printed[1] == EDITED


def test_a_page_in_no_book_is_an_error_not_this_repository(tmp_path):
    folder = tmp_path / "chapters" / "09-testland"
    folder.mkdir(parents=True)
    page = folder / chapters.OPENING_PAGE
    page.write_text(
        (ROOTS / "test-page-reader" / "chapters" / "09-testland" / "index.md").read_text(encoding="utf-8")
    )
    with pytest.raises(NotInABookError, match=str(folder)):
        Book.containing(page)
    with pytest.raises(NotInABookError):
        chapters.all_chapters(tmp_path / "chapters")
    with pytest.raises(NotInABookError):
        prose.read_page(page)


@pytest.mark.parametrize("fixture", sorted(path.name for path in ROOTS.iterdir() if path.is_dir()))
def test_a_fixture_book_is_its_own_book_read_with_the_books_myst_extensions(fixture):
    """A fixture under tests/roots is a book of its own (its conf.py), not this repository, and its
    pages are read with the MyST extensions its conf.py gives Sphinx: the book's own."""
    root = ROOTS / fixture
    page = next((root / "chapters").rglob("*.md"))
    assert Book.containing(page).root == root.resolve()
    assert prose.book_extensions(root) == BOOK.myst_extensions()


def test_the_command_line_takes_the_book_of_its_working_folder(copy, monkeypatch, capsys):
    from startup_capitalism.__main__ import main

    monkeypatch.chdir(copy.chapters_dir)
    # the copy's own rows are valid; its added chapter's numbers are nowhere in its data: said
    assert main(["validate"]) == 1
    printed = capsys.readouterr()
    assert f"{copy.evidence_csv}: " in printed.out
    assert f"chapters/{copy.chapters()[-1].dirname}/" in printed.out + printed.err
    monkeypatch.chdir(Path("/"))
    assert main(["validate"]) == 2
    assert "not inside a book" in capsys.readouterr().err


def test_the_validator_run_alone_outside_a_book_says_so_in_one_line(monkeypatch, capsys):
    """`python -m startup_capitalism.evidence.validate` (CONTRIBUTING's check of a draft CSV) run
    where no book is: exit 2 and one line saying what to do, no traceback."""
    from startup_capitalism.evidence import validate

    monkeypatch.chdir(Path("/"))
    with pytest.raises(SystemExit) as stopped:
        validate.main(["--evidence", str(BOOK.evidence_csv)])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.count("\n") == 1 and "not inside a book" in err and "give --root" in err, err
