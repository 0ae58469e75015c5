"""Generated books for the scale benchmarks, always in a temporary copy of the tree (never committed).

- `copy_tree(dest)`: the working tree's files (tracked and untracked, not ignored) in `dest`, its
  `.venv` a link to this tree's, so `make` and the build driver run there unchanged;
- `add_generated_chapters(book, count)`: chapters generated from the received Japan manuscript in
  the standard form (the country's name, the chapter's number and its figure's number replaced),
  each imported with `make chapter`, then given the Japan chapter's evidence rows, scores and
  uncoded quantities with the same replacements, so that every quote is verbatim in its generated
  section page;
- `multiply_evidence(book, factor)`: the evidence at `factor` times the real rows, each real row
  replicated with a new id (a country code of its own per copy) and a title marked as a copy, so
  the rows still validate (quotes verbatim in their page, one row per fact).

Nothing here is data of the book: the generated text and rows exist only to load the build.
"""

from __future__ import annotations

import csv
import io
import os
import string
import subprocess
from pathlib import Path

from startup_capitalism.paths import ROOT
from startup_capitalism.scratch import copy_of_the_files

SOURCE_CHAPTER = 2
SOURCE_COUNTRY = "Japan"
SOURCE_MANUSCRIPT = ROOT / "sources" / "manuscript" / "chapter-02-japan.txt"
# invented one-word country names for the generated chapters
COUNTRIES = [
    "Arvenia",
    "Belmora",
    "Corvath",
    "Dalmeria",
    "Estovia",
    "Fennmark",
    "Galvoria",
    "Hestria",
    "Ilvania",
    "Jorvand",
    "Kestria",
    "Lomaria",
    "Morvath",
    "Norvenia",
    "Ostrava",
    "Pellmark",
    "Quorvia",
    "Rostavia",
    "Sylmeria",
    "Tarvenia",
    "Ulvoria",
    "Varnessa",
    "Wendmark",
]


def environment(book: Path) -> dict[str, str]:
    """The environment of a command run in the copy: the same code, and the copy its book (its
    working folder)."""
    return dict(os.environ)


def copy_tree(dest: Path, source: Path = ROOT) -> Path:
    copy_of_the_files(dest, source)
    (dest / ".venv").symlink_to(source / ".venv")
    return dest


def country_code(index: int) -> str:
    """Two letters for the index-th copy ('ab', 'ac', ...), never the real rows' 'jp'."""
    letters = string.ascii_lowercase
    code = letters[index // 26 % 26] + letters[index % 26]
    return code if code != "jp" else "zz"


def renamed(text: str, number: int, country: str) -> str:
    """The Japan chapter's manuscript as chapter `number` on `country`: the chapter line, the two
    headings that name the country, and the figure's number; the paragraphs keep their words, so
    the real rows' quotes stay verbatim."""
    lines = text.splitlines()
    lines[0] = f"Chapter {number} {country}"
    for at, line in enumerate(lines):
        if line.startswith(("Antecedents: ", "Continuity and Change in ")) and len(line.split()) < 12:
            lines[at] = line.replace(SOURCE_COUNTRY, country)
    return renumbered("\n".join(lines) + "\n", number)


def renumbered(text: str, number: int) -> str:
    return text.replace(f"FIGURE {SOURCE_CHAPTER}.1.", f"FIGURE {number}.1.").replace(
        f"figure {SOURCE_CHAPTER}.1", f"figure {number}.1"
    )


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def append_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writerows(rows)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + out.getvalue(), encoding="utf-8")


def marked(title: str, mark: str, limit: int = 90) -> str:
    """A copy's title: the real title (cut to the schema's limit) and a mark, so one row per fact holds."""
    suffix = f" [{mark}]"
    return title[: limit - len(suffix)] + suffix


def copied_row(row: dict, code: str, **changes: str) -> dict:
    new = {**row, **changes}
    new["id"] = code + row["id"][2:]
    if row.get("same_fact_as"):
        new["same_fact_as"] = code + row["same_fact_as"][2:]
    return new


def add_generated_chapters(book: Path, count: int) -> list[Path]:
    """`count` generated chapters (numbers after the real ones), imported with `make chapter`."""
    manuscript = SOURCE_MANUSCRIPT.read_text(encoding="utf-8")
    evidence_header, evidence = read_csv(book / "data" / "evidence.csv")
    scores_header, scores = read_csv(book / "data" / "scores.csv")
    uncoded_header, uncoded = read_csv(book / "data" / "uncoded-quantities.csv")
    source_rows = [r for r in evidence if r["chapter"] == str(SOURCE_CHAPTER)]
    source_scores = [r for r in scores if r["chapter"] == str(SOURCE_CHAPTER)]
    source_uncoded = [r for r in uncoded if r["chapter"] == str(SOURCE_CHAPTER)]
    manuscripts = []
    for index in range(count):
        number, country = SOURCE_CHAPTER + 1 + index, COUNTRIES[index]
        path = book.parent / f"generated-chapter-{number:02d}-{country.lower()}.txt"
        path.write_text(renamed(manuscript, number, country), encoding="utf-8")
        subprocess.run(
            ["make", "--no-print-directory", "chapter", f"MANUSCRIPT={path}"],
            cwd=book,
            env=environment(book),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        drop_unbuildable_works_cited(book, number, country)
        code = country_code(100 + index)
        append_csv(
            book / "data" / "evidence.csv",
            evidence_header,
            [
                copied_row(
                    r,
                    code,
                    chapter=str(number),
                    country=country,
                    quote=renumbered(r["quote"], number),
                    title=marked(r["title"], f"g{number}"),
                )
                for r in source_rows
            ],
        )
        append_csv(
            book / "data" / "scores.csv",
            scores_header,
            [
                {**r, "chapter": str(number), "country": country, "quote": renumbered(r["quote"], number)}
                for r in source_scores
            ],
        )
        append_csv(  # the chapter's quantities no row records, each with its reason
            book / "data" / "uncoded-quantities.csv",
            uncoded_header,
            [
                {**r, "chapter": str(number), "passage": renumbered(r["passage"], number)}
                for r in source_uncoded
            ],
        )
        manuscripts.append(path)
    return manuscripts


def drop_unbuildable_works_cited(book: Path, number: int, country: str) -> None:
    """`make chapter` writes a works-cited page whose directive comes with issue 14 (not yet on this
    branch's main): while the book has no such directive, the generated page and its TOC entries go."""
    if (book / "chapters" / f"{SOURCE_CHAPTER:02d}-{SOURCE_COUNTRY.lower()}" / "works-cited.md").exists():
        return
    dirname = f"{number:02d}-{country.lower()}"
    (book / "chapters" / dirname / "works-cited.md").unlink(missing_ok=True)
    for toc in ("_toc.yml", "_toc-pdf.yml"):
        path = book / toc
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(line for line in lines if f"chapters/{dirname}/works-cited" not in line), encoding="utf-8"
        )


def multiply_evidence(book: Path, factor: int) -> int:
    """The evidence at `factor` times its real rows; returns the new number of rows."""
    header, rows = read_csv(book / "data" / "evidence.csv")
    copies = [
        copied_row(r, country_code(k), title=marked(r["title"], f"c{k}"))
        for k in range(1, factor)
        for r in rows
    ]
    append_csv(book / "data" / "evidence.csv", header, copies)
    return len(rows) + len(copies)
