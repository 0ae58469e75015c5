"""Shared fixtures: the book is built once per test session, strictly, as `make book` builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from startup_capitalism.chapters import BACK_MATTER_PAGES
from startup_capitalism.scratch import copy_of_the_files

# the book these tests are in (in a scratch copy, the copy: its tests test it)
ROOT = Path(__file__).resolve().parents[1]

# The suite builds in a folder of its own, never in what `make book` built and published: every
# build the tests start (`python -m startup_capitalism build|reproduce|reexecute`) works there.
# A scratch copy of the book is another tree and keeps its own `_build` (see paths.build_folder).
BUILD = ROOT / "_build" / "test"
os.environ["STARTUP_BUILD_DIR"] = str(BUILD)
SITE = BUILD / "html"
PDF_DIR = BUILD / "pdf"
PDF = PDF_DIR / "book.pdf"  # the whole book: every chapter and the appendix
EXECUTION_CACHE = ".jupyter_cache"


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


def build_command(root: Path, target: str) -> list[str]:
    """The one command every test uses to build a book at `root` as `make html` (target "html") or
    `make book` ("book") builds it: strict, published only when every stage succeeded."""
    return [sys.executable, "-m", "startup_capitalism", "build", target, "--root", str(root)]


def run_build(root: Path, target: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root, target), cwd=root, env=env, capture_output=True, text=True)


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


# the problems of a failed session build, printed once at the end of the run
BUILD_FAILURE: list[str] = []


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """`python -m startup_capitalism build book`: strict HTML and PDF, published only if both succeed.

    When the build fails, every test that needs it errors with one short line pointing to the
    cause, which is printed once (each problem with its file and line) in the run's summary.

    It builds in the suite's own folder; its first build starts from a copy of the execution
    cache of `make book` when there is one (only read), so it executes what that did not."""
    published_cache = ROOT / "_build" / EXECUTION_CACHE
    if not (BUILD / EXECUTION_CACHE).is_dir() and published_cache.is_dir():
        shutil.copytree(published_cache, BUILD / EXECUTION_CACHE)
    result = run_build(ROOT, "book")
    log = result.stdout + result.stderr
    if result.returncode != 0:
        problems = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        BUILD_FAILURE.extend(problems or log.splitlines()[-40:])
        pytest.fail(
            "needs the book, whose build failed: the cause is printed once, under 'book build' "
            "at the end of this run",
            pytrace=False,
        )
    return BuiltBook(result.returncode, log, SITE, PDF)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_every_build: run after every other test (it checks what their builds left)"
    )


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.get_closest_marker("after_every_build") is not None)


def pytest_terminal_summary(terminalreporter):
    if BUILD_FAILURE:
        terminalreporter.section("book build")
        for line in BUILD_FAILURE:
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
