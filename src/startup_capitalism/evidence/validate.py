"""`make validate`: check the data files against the data package and the chapter text.

    python -m startup_capitalism.evidence.validate [--evidence PATH] [--actors PATH] [--scores PATH]
        [--uncoded PATH]

A file saved with a byte-order mark or CRLF line ends (as a spreadsheet saves a CSV) is first
rewritten as UTF-8 without a BOM and with LF line ends, and a line says so. Prints every problem
as `file:line: column: what is wrong` and exits 1 if there is any; exits 0
with a one-line summary per file otherwise. Never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..book import Book, NotInABookError


def _reported(problems: list, summary: str) -> bool:
    """Each problem on stderr, then the summary line; True when there was any."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(summary, file=sys.stderr)
    return bool(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the evidence CSV files.")
    parser.add_argument(
        "--root", type=Path, help="the book whose data and pages to check (default: the working folder's)"
    )
    parser.add_argument("--evidence", type=Path, help="evidence CSV to check (default: the book's)")
    parser.add_argument(
        "--actors",
        type=Path,
        help="actors CSV to check (evidence's actor_id refers to it; default: the book's)",
    )
    parser.add_argument("--scores", type=Path, help="the chapters' Figure N.1 scores CSV to check")
    parser.add_argument(
        "--uncoded", type=Path, help="the chapter quantities deliberately not coded, each with its reason"
    )
    arguments = parser.parse_args(argv)
    try:
        book = Book(arguments.root) if arguments.root else Book.containing(Path.cwd())
    except NotInABookError as error:  # said in one line, as by `python -m startup_capitalism`
        parser.exit(2, f"{parser.prog}: {error}; run it in the book's folder or give --root\n")
    arguments.evidence = arguments.evidence or book.evidence_csv
    arguments.actors = arguments.actors or book.actors_csv
    arguments.scores = arguments.scores or book.scores_csv
    arguments.uncoded = arguments.uncoded or book.uncoded_csv
    try:
        from . import (
            ACTORS_RESOURCE,
            EVIDENCE_RESOURCE,
            SCORES_RESOURCE,
            normalise_file,
            validate_file,
        )
        from .uncoded import quantity_problems, records

        # a CSV saved by a spreadsheet (BOM, CRLF) is rewritten as the book keeps its files, and said so
        for path in (arguments.evidence, arguments.actors, arguments.scores, arguments.uncoded):
            rewritten = normalise_file(path)
            if rewritten:
                print(rewritten)

        failed = False
        valid_evidence = None
        valid = {}  # resource: its rows, where the file passed
        for path, resource in (
            (arguments.evidence, EVIDENCE_RESOURCE),
            (arguments.actors, ACTORS_RESOURCE),
            (arguments.scores, SCORES_RESOURCE),
        ):
            parsed, problems = validate_file(path, resource, book, actors_path=arguments.actors)
            if _reported(problems, f"{path}: {len(problems)} problem(s)"):
                failed = True
            else:
                print(f"{path}: {len(parsed.rows)} rows valid")
                valid[resource] = records(parsed)
                valid_evidence = path if resource == EVIDENCE_RESOURCE else valid_evidence
        # every quantity of the chapter pages recorded by a row or listed with a reason
        if EVIDENCE_RESOURCE in valid and SCORES_RESOURCE in valid:
            quantities = quantity_problems(
                valid[EVIDENCE_RESOURCE], valid[SCORES_RESOURCE], book, arguments.uncoded
            )
            if _reported(quantities, f"{arguments.uncoded}: {len(quantities)} quantity problem(s)"):
                failed = True
            else:
                print(f"{arguments.uncoded}: every quantity of the chapter pages accounted for")
        # the citations audit: warnings for the authors, never a failure
        from ..text.works_cited import validation_warnings

        for warning in validation_warnings(book, valid_evidence):
            print(f"warning: citations: {warning}", file=sys.stderr)
        return 1 if failed else 0
    except Exception as error:  # a validator must explain, not crash
        print(
            f"validate: internal error while checking the data: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
