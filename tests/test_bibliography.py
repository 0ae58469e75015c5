"""With the authors' reference list (`references.bib`), in a scratch copy of the chapter only.

No reference list is shipped: the fixture is a small, clearly fake `.bib` (tests/fixtures), and
the book is built from a scratch copy of the chapter's pages (their figures and tables, which need
the notebooks, taken out) so nothing in the repository changes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from startup_capitalism import bibliography, chapters, paths
from startup_capitalism.citations import Work

FIXTURE = Path(__file__).parent / "fixtures" / "fake-references.bib"
FENCED_BLOCK = re.compile(r"^```.*?^```[ \t]*$", flags=re.M | re.S)
CONFIG = """title: scratch copy for the references.bib test
only_build_toc_files: true
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [colon_fence, deflist, substitution]
sphinx:
  extra_extensions:
    - startup_capitalism.sphinxext.works_cited
  config:
    smartquotes: false
"""


@pytest.fixture(scope="module")
def scratch_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scratch-book")
    chapter = chapters.chapter(2)
    prose = [chapter.page_for_section(s) for s in chapter.sections()]
    pages = prose + [chapter.folder / "works-cited.md"]
    for page in pages + [paths.ROOT / "book" / "works-cited.md"]:
        target = root / page.relative_to(paths.ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = page.read_text(encoding="utf-8")
        target.write_text(FENCED_BLOCK.sub("", text) if page in prose else text, encoding="utf-8")
    (root / "index.md").write_text("# Scratch copy\n", encoding="utf-8")
    docnames = [p.relative_to(paths.ROOT).with_suffix("").as_posix() for p in pages] + ["book/works-cited"]
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n" + "".join(f"  - file: {d}\n" for d in docnames),
        encoding="utf-8",
    )
    (root / "_config.yml").write_text(CONFIG, encoding="utf-8")
    shutil.copy(FIXTURE, root / bibliography.BIB_FILE)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return root / "_build" / "html"


def page(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def test_entries_answer_to_the_citations_of_the_text():
    from pybtex.database import parse_file

    entries = parse_file(str(FIXTURE)).entries
    assert bibliography.entry_works(entries["fake-vogel-2018"]) == [Work(("Vogel",), "2018")]
    assert Work(("Kenney",), "2002", et_al=True) in bibliography.entry_works(entries["fake-kenney-2002"])
    assert bibliography.entry_works(entries["fake-meti-2020b"]) == [Work(("METI",), "2020b")]


def test_the_reference_list_is_rendered_author_year(scratch_site):
    works_cited = page(scratch_site, "chapters/02-japan/works-cited")
    entry = works_cited.find(id="ref-fake-vogel-2018")
    assert entry is not None and "FAKE TITLE for a test" in entry.get_text()
    assert "Vogel 2018" in entry.get_text()  # the label, as the chapter cites it
    # only the entries this chapter cites
    assert works_cited.find(id="ref-fake-never-cited") is None


def test_each_works_cited_entry_links_to_its_full_reference(scratch_site):
    works_cited = page(scratch_site, "chapters/02-japan/works-cited")
    for work, key in (
        ("work-vogel-2018", "fake-vogel-2018"),
        ("work-kenney-et-al-2002", "fake-kenney-2002"),
        ("work-meti-2020b", "fake-meti-2020b"),
    ):
        links = [a["href"] for a in works_cited.find(id=work).select("a") if a.get_text() == "full reference"]
        assert links == [f"#ref-{key}"], work
    assert not [
        a for a in works_cited.find(id="work-vogel-2006").select("a") if a.get_text() == "full reference"
    ]


def test_the_audit_lists_citations_without_an_entry_and_entries_never_cited(scratch_site):
    chapter_text = page(scratch_site, "chapters/02-japan/works-cited").get_text()
    assert "Cited works without an entry in references.bib: 106" in chapter_text
    assert "Vogel 2006" in chapter_text.split("Cited works without an entry")[1]
    book_text = page(scratch_site, "book/works-cited").get_text()
    assert "Entries of references.bib never cited: 1" in book_text
    assert "fake-never-cited" in book_text.split("Entries of references.bib never cited")[1]


def test_the_repository_ships_no_reference_list():
    assert not (paths.ROOT / bibliography.BIB_FILE).exists()
