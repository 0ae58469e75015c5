"""Every quantity of the chapter pages accounted for: the `value` of an evidence row whose quote holds
it (or the `score` of a Figure N.1 row whose sentence holds it), or listed with a reason in
`data/uncoded-quantities.csv`.

Run by `make validate` on the rows that have passed their own checks; each quantity left over is
reported as `page:line: quantity: what is wrong`, each stale entry of the list with its own line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import chapters, evidence
from . import rules as evidence_rules
from .problems import Problem
from .rules import Context, Uncoded

if TYPE_CHECKING:
    from ..book import Book

UNCODED_RESOURCE = "uncoded-quantities"


def records(parsed: evidence.ParsedCsv) -> list[dict]:
    return [dict(zip(parsed.header, row, strict=True)) for row in parsed.rows]


def read_uncoded(path: Path, book: Book) -> tuple[list[Uncoded] | None, list[Problem]]:
    """The uncoded list, validated against the book's schema, or None and its problems."""
    parsed, problems = evidence.validate_file(path, UNCODED_RESOURCE, book)
    if parsed is None or problems:
        return None, problems
    entries = [
        Uncoded(int(r["chapter"]), r["section"], r["quantity"], r["passage"], r["reason"], line)
        for r, line in zip(records(parsed), parsed.lines, strict=True)
    ]
    return entries, []


def score_records(scores: list[dict], context: Context) -> list[dict]:
    """The authors' Figure N.1 scores as records of the page whose paragraph holds their sentence:
    a score is a quantity the scores table records."""
    found = []
    for score in scores:
        chapter = chapters.chapter(int(score["chapter"]), context.chapters_dir)
        for section in chapter.sections():
            page = evidence_rules.section_page(chapter, section, context)
            if any(score["quote"] in paragraph for paragraph in context.paragraphs(page)):
                found.append(
                    {
                        "chapter": score["chapter"],
                        "section": section,
                        "value": score["score"],
                        "quote": score["quote"],
                    }
                )
    return found


def quantity_problems(
    rows: list[dict],
    scores: list[dict],
    book: Book,
    uncoded_path: Path | None = None,
    chapters_dir: Path | None = None,
) -> list[Problem]:
    """Each quantity of each chapter page that neither a validated evidence row nor a score records
    and the uncoded list does not give a reason for, and each listed quantity that names nothing;
    the list and the pages are the book's unless given."""
    uncoded_path = book.uncoded_csv if uncoded_path is None else uncoded_path
    chapters_dir = book.chapters_dir if chapters_dir is None else chapters_dir
    uncoded, problems = read_uncoded(uncoded_path, book)
    if uncoded is None:
        return problems
    context = Context(evidence._display_path(book.evidence_csv, book.root), chapters_dir)
    return evidence_rules.unaccounted_quantities(
        rows + score_records(scores, context),
        uncoded,
        context,
        evidence._display_path(uncoded_path, book.root),
    )


def check_files(
    book: Book,
    evidence_path: Path | None = None,
    scores_path: Path | None = None,
    uncoded_path: Path | None = None,
    chapters_dir: Path | None = None,
) -> list[Problem]:
    """`quantity_problems` from the files (the book's unless given): their own problems first, if any."""
    checked = [
        evidence.validate_file(
            book.evidence_csv if evidence_path is None else evidence_path,
            evidence.EVIDENCE_RESOURCE,
            book,
            chapters_dir,
        ),
        evidence.validate_file(
            book.scores_csv if scores_path is None else scores_path,
            evidence.SCORES_RESOURCE,
            book,
            chapters_dir,
        ),
    ]
    own = [problem for _, problems in checked for problem in problems]
    if own:
        return own
    (rows, _), (scores, _) = checked
    return quantity_problems(records(rows), records(scores), book, uncoded_path, chapters_dir)
