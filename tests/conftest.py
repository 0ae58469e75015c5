"""Shared fixtures: the book is built once per test session, strictly, as `make book` builds it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from startup_capitalism.chapters import BACK_MATTER_PAGES
from startup_capitalism.scratch import copy_of_the_files
from tests.support import session_build
from tests.support.session_build import (  # noqa: F401  (the tests import them from here)
    BUILD,
    EXECUTION_CACHE,
    PDF,
    PDF_DIR,
    ROOT,
    SITE,
    build_command,
    run_build,
)

# the fixture books of the extension's tests (Sphinx's test kit copies one per test); not collected
ROOTS = Path(__file__).resolve().parent / "roots"
collect_ignore = ["roots"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where `@pytest.mark.sphinx(testroot="NAME")` finds its fixture book: tests/roots/test-NAME."""
    return ROOTS


@pytest.fixture
def app_params(app_params):
    """Sphinx's test kit's parameters, the output one folder deeper than its default
    `<srcdir>/_build/<builder>`: that is a bare `jupyter-book build .`'s, which the book's
    extension stops (sphinxext.entry)."""
    args, kwargs = app_params
    kwargs.setdefault("builddir", kwargs["srcdir"] / "_build" / "fixture")
    return type(app_params)(args, kwargs)


@dataclass
class BuiltBook:
    returncode: int
    log: str
    site: Path
    pdf: Path

    def page(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")

    def chart_count(self) -> int:
        """Charts glued into the chapter pages (the exhibits and each chapter's Figure N.1)."""
        return sum(len(self.page(name).select("figure .startup-chart")) for name in chapter_docnames())


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """`python -m startup_capitalism build book`: strict HTML and PDF, published only if both succeed.

    When the build fails, every test that needs it errors with one short line pointing to the
    cause, which is printed once (each problem with its file and line) in the run's summary.

    It builds in the suite's own folder, once per run whatever the number of workers; its first
    build starts from a copy of the execution cache of `make book` when there is one (only read),
    so it executes what that did not."""
    outcome = session_build.book_build_outcome()
    if outcome["returncode"] != 0:
        pytest.fail(
            "needs the book, whose build failed: the cause is printed once, under 'book build' "
            "at the end of this run",
            pytrace=False,
        )
    return BuiltBook(outcome["returncode"], outcome["log"], SITE, PDF)


# The modules that take longest, in the order the two workers should start them (pytest-xdist hands
# out whole modules in collection order, `--no-loadscope-reorder`): a long module started last would
# leave one worker idle while it runs. test_editions builds its own book from nothing, so it runs
# beside the suite's build; the rest need it. Measured with `--durations` (a module not listed runs
# after these, in the usual order; a wrong guess costs time, never a result).
LONGEST_FIRST = [
    "tests/test_editions.py",
    "tests/test_browser.py",
    "tests/test_reproducibility.py",
    "tests/test_build_guards.py",
    "tests/test_new_chapter.py",
    "tests/test_coauthors.py",
]


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        module = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a module, and of the other modules, is kept


def pytest_terminal_summary(terminalreporter):
    """The session build's problems, once, in the controlling process (whichever worker built)."""
    if hasattr(terminalreporter.config, "workerinput"):
        return
    outcome = session_build.this_runs_outcome()
    if outcome and outcome["problems"]:
        terminalreporter.section("book build")
        for line in outcome["problems"]:
            terminalreporter.write_line(line)


def toc_docnames() -> list[str]:
    """Every document named in _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return names


def chapter_docnames() -> list[str]:
    """The chapters' pages of prose, in reading order (not the generated back matter)."""
    return [
        name
        for name in toc_docnames()
        if name.startswith("chapters/") and name.rsplit("/", 1)[-1] not in BACK_MATTER_PAGES
    ]


def copy_of_the_book(destination: Path) -> Path:
    """A scratch copy of the book's files (not its builds, the .venv or git) with the execution
    cache of the suite's build, so that a build in it executes only what changed."""
    copy_of_the_files(destination, ROOT)
    if (BUILD / EXECUTION_CACHE).is_dir():
        shutil.copytree(BUILD / EXECUTION_CACHE, destination / "_build" / EXECUTION_CACHE)
    return destination


def prose_text(main) -> str:
    """The words a reader sees in a page's `<main>` (a BeautifulSoup element, changed in place),
    without what the edition adds between them: footnote markers, heading links, caption numbers,
    the data tables under the charts (which quote the evidence rows).
    A citation link wraps the authors' words without changing them: its words are kept, joined to
    their neighbours as in the text."""
    for skipped in main.select(
        "a.footnote-reference, a.headerlink, .caption-number, details.startup-chart-data"
    ):
        skipped.decompose()
    for link in main.select("a.citation-link"):
        link.unwrap()
    main.smooth()
    return " ".join(main.get_text(" ").split())
