"""List, for each evidence row, the citations in its quote against those elsewhere in its paragraph.

    python tools/audit_citations.py [--all]

A row's `citation` must be the one the text attaches to the quoted clause (the codebook's rule for
`citation`). Rows whose citation is not inside the quote or right after it, and rows left empty
although their quote carries one, are printed for a reader to judge against the chapter; `--all`
prints every row. A review aid: `make validate` checks only that a citation is in the quote's
paragraph, since whether a citation belongs to a clause takes reading.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys

from startup_capitalism import evidence_rules, paths

# a parenthesis holding a year or an interview: "(Vogel 2018, 106)", "(authors’ interview, Kobe, …)"
PARENTHETICAL = re.compile(r"\(([^()]*?(?:\d{4}[a-z]?|interview)[^()]*)\)")
# what may stand between a quote and the citation closing it: closing quotes, spaces
CITATION_GAP = re.compile(r"[”’\"' ]*")


def citations_in(text: str) -> list[str]:
    return [match.group(1) for match in PARENTHETICAL.finditer(text)]


def attached_citations(quote: str, paragraph: str) -> list[str]:
    """The parenthetical citations inside `quote` or right after it in `paragraph`."""
    found = citations_in(quote)
    start = paragraph.find(quote)
    if start >= 0:
        after = paragraph[start + len(quote) :]
        following = PARENTHETICAL.match(after, CITATION_GAP.match(after).end())
        if following:
            found.append(following.group(1))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every row, not only those to check")
    arguments = parser.parse_args(argv)
    paragraphs = evidence_rules.chapter_paragraphs()
    flagged = 0
    with paths.EVIDENCE_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            paragraph = next((p for p in paragraphs if row["quote"] in p), "")
            attached = attached_citations(row["quote"], paragraph)
            in_paragraph = citations_in(paragraph)
            narrative = row["citation"] and row["citation"] in row["quote"]  # "As Vogel (2018) explains"
            suspect = (row["citation"] and not narrative and row["citation"] not in attached) or (
                not row["citation"] and attached
            )
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
