"""Every quantity of the chapter pages accounted for: the `value` of an evidence row whose quote holds
it (or the `score` of a Figure N.1 row whose sentence holds it), or listed with a reason in
`data/uncoded-quantities.csv`.

Run by `make validate` after the evidence and the uncoded list have each passed their own checks;
each quantity left over is reported as `page:line: quantity: what is wrong`.
"""

from __future__ import annotations

from pathlib import Path

from . import chapters, evidence, evidence_rules, paths
from .evidence_rules import Context, Uncoded
from .problems import Problem

UNCODED_RESOURCE = "uncoded-quantities"


def read_uncoded(path: Path) -> tuple[list[Uncoded] | None, list[Problem]]:
    """The uncoded list, validated against its schema, or None and its problems."""
    parsed, problems = evidence.validate_file(path, UNCODED_RESOURCE)
    if parsed is None or problems:
        return None, problems
    entries = []
    for row, line in zip(parsed.rows, parsed.lines, strict=True):
        record = dict(zip(parsed.header, row, strict=True))
        entries.append(
            Uncoded(
                int(record["chapter"]),
                record["section"],
                record["quantity"],
                record["passage"],
                record["reason"],
                line,
            )
        )
    return entries, []


def score_records(scores_path: Path, context: Context) -> list[dict]:
    """The authors' Figure N.1 scores as records of the page whose paragraph holds their sentence:
    a score is a quantity the scores table records."""
    parsed, problems = evidence.validate_file(scores_path, evidence.SCORES_RESOURCE)
    if parsed is None or problems:
        return []
    records = []
    for row in parsed.rows:
        score = dict(zip(parsed.header, row, strict=True))
        chapter = chapters.chapter(int(score["chapter"]), context.chapters_dir)
        for section in chapter.sections():
            page = evidence_rules.section_page(chapter, section, context)
            if any(score["quote"] in paragraph for paragraph in context.paragraphs(page)):
                records.append(
                    {
                        "chapter": score["chapter"],
                        "section": section,
                        "value": score["score"],
                        "quote": score["quote"],
                    }
                )
    return records


def quantity_problems(
    evidence_path: Path = paths.EVIDENCE_CSV,
    uncoded_path: Path = paths.UNCODED_CSV,
    chapters_dir: Path = paths.CHAPTERS_DIR,
    scores_path: Path = paths.SCORES_CSV,
) -> list[Problem]:
    """Each quantity of each chapter page that is neither recorded nor listed, and each listed
    quantity that names nothing. Run on evidence that has validated."""
    uncoded, problems = read_uncoded(uncoded_path)
    if uncoded is None:
        return problems
    parsed, evidence_problems = evidence.validate_file(
        evidence_path, evidence.EVIDENCE_RESOURCE, chapters_dir
    )
    if parsed is None or evidence_problems:
        return []  # the evidence's own problems are reported by its own validation
    rows = [dict(zip(parsed.header, row, strict=True)) for row in parsed.rows]
    context = Context(evidence._display_path(evidence_path), chapters_dir)
    rows += score_records(scores_path, context)
    return evidence_rules.unaccounted_quantities(rows, uncoded, context, evidence._display_path(uncoded_path))
