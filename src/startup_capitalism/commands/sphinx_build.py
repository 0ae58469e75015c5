"""One run of a Sphinx builder over the book, through jupyter-book 1.x's Python API (the function
`jupyter-book build` calls, with the configuration it derives from `_config.yml` and a TOC), in
the calling process (the build calls it in a spawned process of its own, which returns the `Run`),
with Sphinx's warnings captured from its warning stream."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import book as book_module
from .console import stage_log

# jupyter-book's `--builder` -> Sphinx's builder and the output folder under `<work>/_build/`
BUILDERS = {"html": ("html", "html"), "pdflatex": ("latex", "latex"), "epub": ("epub", "epub")}

# The EPUB shares the PDF's work folder (its read pages), so a page the LaTeX run read again, such
# as the data appendix when the commit changed (sphinxext.built_with), is not "outdated" for the
# EPUB run, and an HTML-family builder writes only the pages it finds outdated by their sources'
# times: the EPUB would keep the last commit's appendix. It writes every page instead (Sphinx's
# `-a`: still reading only what changed), a second or so.
WRITES_EVERY_PAGE = {"epub"}


# Sphinx reads (and the HTML builder writes) with one process per core: every extension the book
# loads declares itself parallel-safe (sphinxext/parallel.py), and a cold `-j 2` build wrote the same
# files as a `-j 1` one (`diff -r` of both sites, PDFs and EPUB, 2026-11-30). jupyter-book 1.x has no
# `_config.yml` key for it (its CLI has no `-j` either), hence this constant; Sphinx reads small
# batches of pages with one process whatever it is given.
JOBS = os.cpu_count() or 1


@dataclass
class Run:
    ok: bool
    problems: list[str]  # what Sphinx (or jupyter-book) wrote to its warning stream, line by line
    log: Path
    output: Path  # the builder's output folder


def output_folder(work: Path, builder: str) -> Path:
    return work / "_build" / BUILDERS[builder][1]


def doctrees(work: Path) -> Path:
    return work / "_build" / ".doctrees"


def cli_config(toc: Path, strict: bool) -> dict:
    """What `jupyter-book build --toc TOC [-n]` adds to `_config.yml` (jupyter-book's `cli_config`)."""
    return {
        "external_toc_path": toc.as_posix(),
        "latex_individualpages": False,
        **({"nitpicky": True} if strict else {}),
    }


def sphinx_build(
    book: book_module.Book, builder: str, work: Path, toc: Path, log: Path, *, strict: bool = True
) -> Run:
    """`jupyter-book build ROOT --path-output WORK --toc TOC --builder BUILDER [-n -W --keep-going]`,
    called as a function: its whole output in `log`; its warnings and errors as the problems.
    Strict, a warning fails the run (nitpicky, warnings as errors, every warning listed first)."""
    # (rfc3987_syntax, which jsonschema's import would load at 1.1 s of CPU, is not in the lock:
    # tools/lockfile.py says why)
    from jupyter_book.sphinx import build_sphinx  # Sphinx is imported only when a builder runs

    output = output_folder(work, builder)
    overrides = cli_config(toc, strict)
    with stage_log(log) as problems:
        result = build_sphinx(
            book.root,
            output,
            noconfig=True,
            path_config=book.config_file,
            confoverrides=overrides,
            builder=BUILDERS[builder][0],
            warningiserror=strict,
            keep_going=strict,
            jobs=JOBS,
            force_all=builder in WRITES_EVERY_PAGE,
        )
    if isinstance(result, KeyboardInterrupt):
        raise result
    found = problems.lines()
    if isinstance(result, BaseException) and not found:
        found = [f"{type(result).__name__}: {result}"]
    return Run(result == 0 and not (strict and found), found, log, output)
