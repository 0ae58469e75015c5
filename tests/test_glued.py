"""`{glued-table}` and `{glued-figure}` on a small fixture book (tests/roots/test-glued), built by
Sphinx's test kit with the book's extension: a chapter page pastes the tables its notebook glued,
numbered by the chapter's own number; a key the notebook never glued is a warning at the page's
line (the strict build turns it into a failure: tests/test_build_guards.py)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS

ROOT = ROOTS / "test-glued"
PAGE = "chapters/09-testland/finance"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def built(tmp_path_factory, rootdir):
    """(the finance page's HTML, the build's warnings): one build of the fixture book, its notebook
    executed (a kernel of this environment), read by every test of the module."""
    import shutil

    srcdir = tmp_path_factory.mktemp("glued") / "book"
    shutil.copytree(rootdir / "test-glued", srcdir)
    # the output one folder below `_build/html`, which the extension takes for a bare jupyter-book run
    app = SphinxTestApp("html", srcdir=srcdir, builddir=srcdir / "_build" / "fixture")
    try:
        app.build()
    finally:
        app.cleanup()
    page = BeautifulSoup((app.outdir / f"{PAGE}.html").read_text(encoding="utf-8"), "html.parser")
    return page, ANSI.sub("", app._warning.getvalue())


def glued_keys(directive: str) -> list[tuple[str, int]]:
    """(key, line) of each `{directive}` of the fixture page, in order."""
    source = (ROOT / f"{PAGE}.md").read_text(encoding="utf-8").splitlines()
    return [
        (line.split()[-1], number)
        for number, line in enumerate(source, start=1)
        if line.startswith(f"```{{{directive}}} ")
    ]


def notebook_glues() -> list[str]:
    source = (ROOT / "notebooks" / "09-testland" / "finance.md").read_text(encoding="utf-8")
    return re.findall(r'glue_table\("([^"]+)"', source)


def test_each_glued_table_holds_the_notebooks_rows_numbered_by_the_chapter(built):
    page, _ = built
    tables = page.select("main table")
    assert len(tables) == len(glued_keys("glued-table"))
    numbers = [" ".join(t.select_one("caption .caption-number").get_text().split()) for t in tables]
    assert numbers == [f"Table 9.{k}" for k in range(1, len(tables) + 1)]
    filled = [t for t in tables if t.select("tbody tr")]
    assert len(filled) == len(notebook_glues())  # every glued table, and only those, has rows
    assert [td.get_text().strip() for td in filled[0].select("tbody td")] == ["Testland Fund", "1,000"]
    assert [td.get_text().strip() for td in filled[1].select("tbody td")] == ["First Bank", "Second Bank"]


def test_an_exhibit_is_numbered_by_the_chapter_in_a_series_of_its_own(built):
    page, _ = built
    exhibits = page.select("main figure .caption-number")
    assert [" ".join(e.get_text().split()) for e in exhibits] == ["Exhibit 9.1"]


def test_a_key_the_notebook_never_glued_is_a_warning_at_the_pages_line(built):
    _, warnings = built
    missing = [(key, line) for key, line in glued_keys("glued-table") if key not in notebook_glues()]
    missing += glued_keys("glued-figure")
    assert missing, "the fixture page pastes no key its notebook lacks"
    for key, line in missing:
        assert re.search(
            rf"finance\.md:{line}: WARNING: .*'{key}'.* not found|"
            rf"finance\.md:{line}: WARNING: glued-table: no table '{key}'",
            warnings,
        ), warnings
    located = [w for w in warnings.splitlines() if "WARNING" in w]
    assert len(located) == len(missing), warnings  # nothing else in the fixture book warns
