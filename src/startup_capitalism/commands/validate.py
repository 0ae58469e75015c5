"""`make validate`: the data files checked against the data package and the chapter text
(`startup_capitalism.evidence.validate`), for the book given; and the same check for the build,
run in a process of its own alongside Sphinx, returning what it found."""

from __future__ import annotations

import contextlib
import io
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..book import Book


def arguments(book: Book, evidence: Path | None, actors: Path | None, scores: Path | None) -> list[str]:
    return [
        "--root",
        str(book.root),
        "--evidence",
        str(evidence or book.evidence_csv),
        "--actors",
        str(actors or book.actors_csv),
        "--scores",
        str(scores or book.scores_csv),
        "--uncoded",
        str(book.uncoded_csv),
    ]


def validate(
    book: Book, evidence: Path | None = None, actors: Path | None = None, scores: Path | None = None
) -> int:
    """Prints each problem as `file:line: column: what is wrong`; 1 when there is any."""
    from ..evidence import validate as validator

    return validator.main(arguments(book, evidence, actors, scores))


@dataclass
class Validated:
    returncode: int
    printed: str  # the summary lines
    problems: list[str]  # each problem, `file:line: column: ...`, and its file's summary


def _validate_quietly(root: Path) -> Validated:
    printed, problems = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(problems):
        returncode = validate(Book(root))
    return Validated(returncode, printed.getvalue(), problems.getvalue().splitlines())


def start(book: Book) -> tuple[ProcessPoolExecutor, Future[Validated]]:
    """The validation, started in a process of its own (the build's Sphinx stage has the other
    core meanwhile): its result from `future.result()`."""
    pool = ProcessPoolExecutor(max_workers=1)
    return pool, pool.submit(_validate_quietly, book.root)
