"""Load and validate the evidence: the only code that reads `data/`.

Validation runs in three passes, each reporting every problem it finds as a located `Problem`
(`file:line: column: what is wrong`), never an exception trace:

1. the file as text: present, not empty, UTF-8, comma-delimited, well-quoted, rows as long as the
   header, the header's columns those of the data package;
2. the data package's Table Schema (types, required cells, allowed values, ranges, primary key),
   checked by Frictionless;
3. the chapter's own rules: `year_end` not before `year`, a value wherever a unit is given, a date
   precision that matches the date, each quote found verbatim in the current chapter text and each
   citation in the quote's paragraph.

`load_evidence()` and `load_scores()` return typed DataFrames, or raise `EvidenceError` listing
every problem.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths
from . import chapters
from .chapters import Chapter

EVIDENCE_RESOURCE = "evidence"
SCORES_RESOURCE = "scores"
FOOTNOTE_REFERENCE = re.compile(r"\[\^\d+\]")
# what the chapter pages add to the authors' text, removed before quotes are looked up: directive
# blocks (the edition's figures, tables and captions), labels, headings, footnote definitions
DIRECTIVE_BLOCK = re.compile(r"^```.*?^```[ \t]*$", flags=re.M | re.S)
PAGE_MARKUP_LINE = re.compile(r"^(\(.*\)=|#+ |\[\^\d+\]:)")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class EvidenceError(ValueError):
    """The evidence did not validate; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


@lru_cache(maxsize=1)
def _datapackage() -> dict:
    return json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))


def resource_descriptor(name: str) -> dict:
    for resource in _datapackage()["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"{paths.DATAPACKAGE}: no resource named {name!r}")


def schema_fields(name: str) -> list[dict]:
    return resource_descriptor(name)["schema"]["fields"]


# ---------------------------------------------------------------------------------------------
# Pass 1: the file as text


@dataclass
class ParsedCsv:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the line each row starts on


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        return None, [Problem(shown, line, "", f"not UTF-8: byte 0x{byte:02x} at column {column} "
                              "(save the file as UTF-8)")]


def _guess_other_delimiter(header_line: str) -> str | None:
    for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")):
        if header_line.count(delimiter) >= 2 and "," not in header_line:
            return name
    return None


def find_quote_fault(text: str) -> tuple[int, str] | None:
    """The first misplaced double quote, by RFC 4180: (line, message), or None.

    Python's csv module reads `a "b" c` as a literal and guesses at other faults; a co-author
    needs to hear exactly where the quote is wrong.
    """
    line, opened_on, in_quotes, field_start = 1, 0, False, True
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if in_quotes:
            if char == '"':
                following = text[index + 1] if index + 1 < length else ""
                if following == '"':
                    index += 1  # an escaped quote
                elif following in (",", "\n", "\r", ""):
                    in_quotes = False
                else:
                    return line, ("stray double quote: a quoted field must end with a quote followed by a "
                                  "comma or the end of the line (double a quote inside a quoted field)")
            elif char == "\n":
                line += 1
        elif char == '"':
            if not field_start:
                return line, ("stray double quote: a field that contains a double quote must be wrapped in "
                              "double quotes, with the inner quote doubled")
            in_quotes, opened_on = True, line
        elif char == "\n":
            line += 1
        field_start = not in_quotes and char in (",", "\n")
        index += 1
    if in_quotes:
        return opened_on, f"a quoted field opened on line {opened_on} is never closed (a stray double quote?)"
    return None


def parse_csv_text(raw: bytes, shown: str, expected_columns: list[str]) -> tuple[ParsedCsv | None, list[Problem]]:
    """Read a CSV strictly, reporting each structural fault with the line it is on."""
    if not raw.strip():
        return None, [Problem(shown, 0, "", "the file is empty: expected a header row and data rows")]
    text, problems = _decode(raw, shown)
    if text is None:
        return None, problems
    other = _guess_other_delimiter(text.partition("\n")[0])
    if other:
        return None, [Problem(shown, 1, "", f"the header is separated by {other}s; the delimiter must be a comma")]

    fault = find_quote_fault(text)
    if fault:
        line, message = fault
        return None, [Problem(shown, line, "", message)]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []
    for row in reader:
        rows.append(row)
        starts.append(reader.line_num - sum(field.count("\n") for field in row))

    header, body, body_lines = rows[0], rows[1:], starts[1:]  # utf-8-sig has removed any BOM
    missing = [column for column in expected_columns if column not in header]
    unknown = [column for column in header if column not in expected_columns]
    for column in missing:
        problems.append(Problem(shown, 1, column, "missing column (the data package requires it)"))
    for column in unknown:
        problems.append(Problem(shown, 1, column or "(empty)", "unknown column: not in the data package"))
    if not missing and not unknown and header != expected_columns:
        problems.append(Problem(shown, 1, "", "columns out of order; expected " + ",".join(expected_columns)))
    if len(set(header)) != len(header):
        problems.append(Problem(shown, 1, "", "a column name is repeated in the header"))
    if not body:
        problems.append(Problem(shown, 1, "", "the header has no data rows under it"))
    for row, line in zip(body, body_lines):
        if row == []:
            problems.append(Problem(shown, line, "", "empty line: remove it"))
        elif len(row) < len(header):
            problems.append(Problem(shown, line, "", f"short row: {len(row)} fields, the header has {len(header)}"))
        elif len(row) > len(header):
            problems.append(Problem(shown, line, "", f"long row: {len(row)} fields, the header has {len(header)} "
                                    "(an unquoted comma inside a field?)"))
    if problems:
        return None, problems
    return ParsedCsv(header, body, body_lines), []


# ---------------------------------------------------------------------------------------------
# Pass 2: the Table Schema, by Frictionless


def check_schema(parsed: ParsedCsv, resource_name: str, shown: str) -> list[Problem]:
    from frictionless import Resource, Schema

    descriptor = resource_descriptor(resource_name)
    table = [parsed.header] + parsed.rows
    resource = Resource(data=table, schema=Schema.from_descriptor(descriptor["schema"]))
    report = resource.validate()
    problems = []
    for error in report.flatten(["type", "rowNumber", "fieldName", "note", "cell", "message"]):
        error_type, row_number, field_name, note, cell, message = error
        line = parsed.lines[row_number - 2] if row_number and row_number >= 2 else 1
        if error_type == "primary-key":
            problems.append(Problem(shown, line, ",".join(descriptor["schema"]["primaryKey"]),
                                    f"duplicate key: {note}"))
        elif field_name:
            shown_cell = f"{cell!r}" if cell not in (None, "") else "empty"
            problems.append(Problem(shown, line, field_name, f"{shown_cell}: {note}"))
        else:
            problems.append(Problem(shown, line, "", message))
    return problems


# ---------------------------------------------------------------------------------------------
# Pass 3: the chapter's rules


def chapter_paragraphs(chapters_dir: Path = paths.CHAPTERS_DIR) -> tuple[str, ...]:
    """The authors' paragraphs as they stand in the chapter pages now, markup removed."""
    paragraphs = []
    for page in sorted(chapters_dir.rglob("*.md")):
        for block in DIRECTIVE_BLOCK.sub("", page.read_text(encoding="utf-8")).split("\n\n"):
            lines = [line for line in block.splitlines() if not PAGE_MARKUP_LINE.match(line)]
            text = FOOTNOTE_REFERENCE.sub("", " ".join(lines)).strip()
            if text:
                paragraphs.append(text)
    return tuple(paragraphs)


def _rule_problems(record: dict, line: int, shown: str, paragraphs: tuple[str, ...]) -> list[Problem]:
    problems = []

    def bad(column: str, message: str) -> None:
        problems.append(Problem(shown, line, column, message))

    def blank(column: str) -> bool:
        return record.get(column, "") == ""

    if "year_end" in record and not blank("year_end") and not blank("year"):
        if record["year_end"].isdigit() and record["year"].isdigit() and int(record["year_end"]) < int(record["year"]):
            bad("year_end", f"{record['year_end']} is before year {record['year']}")
    if "unit" in record:
        if not blank("unit") and blank("value"):
            bad("value", f"empty, but unit {record['unit']!r} is given: a unit needs a number")
        if blank("unit") and not blank("value"):
            bad("unit", f"empty, but value {record['value']!r} is given: say what it counts")
    if "date_precision" in record:
        if blank("year") != blank("date_precision"):
            bad("date_precision", "must be given exactly when year is")
        precision = record["date_precision"]
        if precision == "day" and (blank("month") or blank("day")):
            bad("date_precision", "'day' needs month and day")
        if precision == "month" and blank("month"):
            bad("date_precision", "'month' needs month")
        if not blank("day") and blank("month"):
            bad("day", "a day without a month")
    quote = record.get("quote", "")
    if quote:
        holding = [paragraph for paragraph in paragraphs if quote in paragraph]
        if not holding:
            bad("quote", f"not found verbatim in the chapter text: {quote[:60]!r}…")
        elif not blank("citation") and not any(record["citation"] in paragraph for paragraph in holding):
            bad("citation", f"{record['citation']!r} is not in the quote's paragraph")
    return problems


def check_rules(parsed: ParsedCsv, shown: str, chapters_dir: Path = paths.CHAPTERS_DIR) -> list[Problem]:
    paragraphs = chapter_paragraphs(chapters_dir)
    problems = []
    for row, line in zip(parsed.rows, parsed.lines):
        problems += _rule_problems(dict(zip(parsed.header, row)), line, shown, paragraphs)
    return problems


# ---------------------------------------------------------------------------------------------
# Entry points


def validate_file(path: Path, resource_name: str, chapters_dir: Path = paths.CHAPTERS_DIR) -> tuple[ParsedCsv | None, list[Problem]]:
    shown = _display_path(path)
    if not path.is_file():
        return None, [Problem(shown, 0, "", "no such file")]
    expected = [field["name"] for field in schema_fields(resource_name)]
    parsed, problems = parse_csv_text(path.read_bytes(), shown, expected)
    if parsed is None:
        return None, problems
    problems = check_schema(parsed, resource_name, shown) + check_rules(parsed, shown, chapters_dir)
    return parsed, sorted(set(problems), key=lambda p: (p.line, p.column, p.message))


def _typed_frame(parsed: ParsedCsv, resource_name: str) -> pd.DataFrame:
    frame = pd.DataFrame(parsed.rows, columns=parsed.header).replace({"": pd.NA})
    for field in schema_fields(resource_name):
        column, kind = field["name"], field["type"]
        if kind == "integer":
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        elif kind == "number":
            frame[column] = pd.to_numeric(frame[column]).astype("Float64")
        elif "enum" in field.get("constraints", {}):
            frame[column] = pd.Categorical(frame[column], categories=field["constraints"]["enum"])
        else:
            frame[column] = frame[column].astype("string")
    return frame


def _load(path: Path, resource_name: str) -> pd.DataFrame:
    parsed, problems = validate_file(path, resource_name)
    if problems:
        raise EvidenceError(problems)
    return _typed_frame(parsed, resource_name)


def load_evidence(path: Path = paths.EVIDENCE_CSV) -> pd.DataFrame:
    """The evidence rows, validated, with integer years, float values and categorical codes."""
    return _load(path, EVIDENCE_RESOURCE)


def chapter_number(chapter: Chapter | int) -> int:
    """A chapter's number, checked against the book's declared chapters."""
    number = chapter.number if isinstance(chapter, Chapter) else int(chapter)
    known = [declared.number for declared in chapters.all_chapters()]
    if number not in known:
        raise KeyError(f"unknown chapter {number}; the book's chapters are {', '.join(map(str, known)) or 'none'}")
    return number


def chapter_rows(rows: pd.DataFrame, chapter: Chapter | int) -> pd.DataFrame:
    """The rows of one chapter: a chapter's notebooks never see another chapter's rows."""
    return rows[rows["chapter"] == chapter_number(chapter)]


def load_scores(chapter: Chapter | int | None = None, path: Path = paths.SCORES_CSV) -> pd.DataFrame:
    """The authors' Figure N.1 scores, validated: one chapter's, or every chapter's (None)."""
    scores = _load(path, SCORES_RESOURCE)
    return scores if chapter is None else chapter_rows(scores, chapter)


def section_rows(rows: pd.DataFrame, chapter: Chapter | int, section: str) -> pd.DataFrame:
    """The rows coded from one page of one chapter; an unknown chapter or section is an error,
    not an empty table."""
    number = chapter_number(chapter)
    known = chapters.chapter(number).sections()
    if section not in known:
        raise KeyError(f"unknown section {section!r} of chapter {number}; its sections are {', '.join(known)}")
    return rows[(rows["chapter"] == number) & (rows["section"] == section)]
