"""List, for each evidence row, the citations in its quote against those elsewhere in its paragraph.

    python tools/audit_citations.py [--all]

A row's `citation` must be the one the text attaches to the quoted clause: inside the quote, or
closing the quote's own sentence. Rows whose citation is neither, and rows left empty although
their quote carries a citation, are printed for a reader to check against the chapter; `--all`
prints every row. A review aid: `make validate` enforces the rule.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys

from startup_capitalism import evidence, paths

# a parenthesis holding a year or an interview: "(Vogel 2018, 106)", "(authors’ interview, Kobe, …)"
PARENTHETICAL = re.compile(r"\(([^()]*?(?:\d{4}[a-z]?|interview)[^()]*)\)")


def citations_in(text: str) -> list[str]:
    return [match.group(1) for match in PARENTHETICAL.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every row, not only those to check")
    arguments = parser.parse_args(argv)
    paragraphs = evidence.chapter_paragraphs()
    flagged = 0
    with paths.EVIDENCE_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            paragraph = next((p for p in paragraphs if row["quote"] in p), "")
            attached = evidence.attached_citations(row["quote"], paragraph)
            in_paragraph = citations_in(paragraph)
            suspect = (row["citation"] and row["citation"] not in attached) or (not row["citation"] and attached)
            if suspect or arguments.all:
                flagged += bool(suspect)
                print(f"{row['id']}: citation {row['citation']!r}")
                print(f"    attached to the quote: {attached}")
                print(f"    in the paragraph:      {in_paragraph}")
                print(f"    quote: {row['quote'][:160]}")
    print(f"{flagged} row(s) to check", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
