"""Figures, exhibits and tables numbered by chapter: Figure N.k, Exhibit N.k, Table N.k, with N the
chapter's own number and k counted within the chapter. Pages outside every chapter (the book's
comparison, the appendix) number theirs A.1, A.2, ...

- HTML: Sphinx numbers every enumerable node through the whole book ((k,) with
  `numfig_secnum_depth: 0`, in table-of-contents order); right after it does, each number becomes
  (chapter number, k within the chapter).
- LaTeX numbers captions itself: every page starts with `\\startupnumbering{N}{running head}{title}`
  (defined in the LaTeX preamble of _config.yml), which restarts the counters when the chapter
  changes and sets the running head and foot.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.texescape import escape

from ..book import Book

NON_CHAPTER_PREFIX = "A"


def number_prefix(docname: str, book: Book) -> int | str:
    chapter = book.chapter_of_docname(docname)
    return chapter.number if chapter else NON_CHAPTER_PREFIX


def _restore_sphinx_numbers(app: Sphinx, env) -> list[str]:
    """Hand Sphinx back the numbers it assigned last time before it assigns them again: it rewrites
    every page whose numbers differ from the stored ones, which would be every page with a figure
    if it compared its own numbers with the renumbered ones."""
    previous = getattr(env, "startup_sphinx_fignumbers", None)
    env.startup_chapter_fignumbers = copy.deepcopy(env.toc_fignumbers)
    if previous is not None:
        env.toc_fignumbers = previous
    return []


def renumber_by_chapter(app: Sphinx, env) -> list[str]:
    """(k,) through the book -> (N, k) within chapter N; Sphinx has just assigned the former.
    Returns the pages whose numbers changed, to be written again."""
    env.startup_sphinx_fignumbers = copy.deepcopy(env.toc_fignumbers)
    numbered = []
    for docname, by_type in env.toc_fignumbers.items():
        for figtype, numbers in by_type.items():
            numbered += [
                (figtype, number, docname, node_id) for node_id, number in numbers.items() if len(number) == 1
            ]
    counters: dict[tuple[str, int | str], int] = {}
    book = Book(Path(app.srcdir))
    for figtype, _, docname, node_id in sorted(numbered):
        key = (figtype, number_prefix(docname, book))
        counters[key] = counters.get(key, 0) + 1
        env.toc_fignumbers[docname][figtype][node_id] = (key[1], counters[key])
    before = getattr(env, "startup_chapter_fignumbers", {})
    return [docname for docname, numbers in env.toc_fignumbers.items() if before.get(docname) != numbers]


def _latex_numbering_at_page_start(app: Sphinx, doctree: nodes.document) -> None:
    """`\\startupnumbering{N}{running head}{page title}` at the top of each page (ignored by every
    builder but LaTeX). The page title names the page in the running foot; on the first page of
    a PDF (whose title LaTeX takes for the title page) it also opens a chapter, so that the
    opening has its bookmark and its running foot like every other page."""
    docname = app.env.docname
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    has_title = bool(section.children) and isinstance(section[0], nodes.title)
    title = section[0].astext() if has_title else ""
    book = Book(Path(app.srcdir))
    chapter = book.chapter_of_docname(docname)
    head = chapter.heading if chapter else title
    raw = nodes.raw(
        "",
        rf"\startupnumbering{{{number_prefix(docname, book)}}}{{{escape(head)}}}{{{escape(title)}}}" + "\n",
        format="latex",
    )
    section.insert(1 if has_title else 0, raw)


def setup(app: Sphinx) -> dict:
    # around the toctree collector (priority 500), which assigns the book-wide numbers
    app.connect("env-get-updated", _restore_sphinx_numbers, priority=100)
    app.connect("env-get-updated", renumber_by_chapter, priority=900)
    app.connect("doctree-read", _latex_numbering_at_page_start)
    # the numbers are made in the main process once every reader's pages are merged
    # (env-get-updated); the LaTeX mark is put on the page's own doctree
    return {"parallel_read_safe": True, "parallel_write_safe": True}
