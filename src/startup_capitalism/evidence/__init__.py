"""Load and validate the evidence: the only code that reads `data/`.

Validation runs in three passes, each reporting every problem it finds as a located `Problem`
(`file:line: column: what is wrong`), never an exception trace:

1. the file as text: present, not empty, UTF-8 without a byte-order mark and with LF line ends
   (`normalise_file`, run by `make validate`, rewrites a spreadsheet's BOM and CRLF), comma-delimited,
   well-quoted (a misplaced quote named by row, column and where its field starts), rows as long
   as the header, the header's columns those of the data package;
2. the data package's Table Schema (types, required cells, allowed values, ranges), checked by
   Frictionless and said in plain words, and each primary key once (a repeat names the line of
   the first);
3. the chapter's own rules (`evidence_rules`): dates, amounts, actors, each quote on its own
   chapter's section page, one row per fact; for the actors table, one type per actor; and each
   row's `unit` a line of the units table (`data/units.csv`).

Every message about a row names its id. `load_evidence(book)` (one row per fact, with each actor's
canonical name and type), `load_actors(book)` and `load_scores(book)` return typed DataFrames, or
raise `EvidenceError` listing every problem. Every function takes the book whose data and pages it
reads (`book.Book`): a scratch copy of the book reads its own files, never this repository's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pickle
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import paths
from ..chapters import Chapter
from . import rules as evidence_rules
from .problems import Problem
from .rules import Context, chapter_paragraphs  # noqa: F401 - chapter_paragraphs is public API

if TYPE_CHECKING:
    from ..book import Book

EVIDENCE_RESOURCE = "evidence"
ACTORS_RESOURCE = "actors"
SCORES_RESOURCE = "scores"
UNITS_RESOURCE = "units"
# the kind of number each integer column holds, for messages in plain words
WHOLE_NUMBER_EXAMPLES = {
    "year": "2018",
    "year_end": "2027",
    "month": "9 for September",
    "day": "25",
    "chapter": "2",
    "score": "3",
}


class EvidenceError(ValueError):
    """The evidence did not validate; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _display_path(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the book's root when it is in the book."""
    try:
        return str(path.resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)


@lru_cache(maxsize=1)
def _read_datapackage(path: Path, stamp: tuple) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _datapackage(book: Book) -> dict:
    """The book's data package, read again when the file changes (the preview runs for hours)."""
    if not book.datapackage.is_file():  # a book without data (a test's pages): its rows do not validate
        shown = _display_path(book.datapackage, book.root)
        raise EvidenceError([Problem(shown, 0, "", "no such file (the data package: every table's schema)")])
    status = book.datapackage.stat()
    return _read_datapackage(book.datapackage, (status.st_mtime_ns, status.st_size))


def resource_descriptor(name: str, book: Book) -> dict:
    for resource in _datapackage(book)["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"{book.datapackage}: no resource named {name!r}")


def schema_fields(name: str, book: Book) -> list[dict]:
    return resource_descriptor(name, book)["schema"]["fields"]


# ---------------------------------------------------------------------------------------------
# Pass 1: the file as text


@dataclass
class ParsedCsv:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the line each row starts on


BOM = b"\xef\xbb\xbf"


def _saved_by_a_spreadsheet(raw: bytes) -> list[str]:
    """What a spreadsheet (Excel) adds to a CSV that this book's files do not have."""
    found = ["a byte-order mark (BOM)"] if raw.startswith(BOM) else []
    return found + (["Windows line ends (CRLF)"] if b"\r" in raw else [])


def normalise_file(path: Path) -> str | None:
    """Rewrite a CSV saved with a BOM or CRLF line ends (as Excel saves one) as the book keeps its
    files, UTF-8 without a BOM and with LF line ends, so that the published CSV and its checksum do
    not change with the editor used. The message saying so, or None when nothing was changed."""
    raw = path.read_bytes() if path.is_file() else b""
    found = _saved_by_a_spreadsheet(raw)
    if not found:
        return None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # not rewritten: validation says where the file is not UTF-8
    path.write_bytes(raw.removeprefix(BOM).replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    return (
        f"{path}: had {' and '.join(found)}, as a spreadsheet saves a CSV: rewritten "
        "as UTF-8 without a BOM and with LF line ends (nothing else changed)"
    )


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        return None, [
            Problem(
                shown, line, "", f"not UTF-8: byte 0x{byte:02x} at column {column} (save the file as UTF-8)"
            )
        ]


def _guess_other_delimiter(header_line: str) -> str | None:
    for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")):
        if header_line.count(delimiter) >= 2 and "," not in header_line:
            return name
    return None


def _field_at(text: str, record_start: int, field_start: int) -> tuple[int, str, int, str]:
    """Where a field starts: (its 0-based column, the record's first field, the character of its
    line it starts at, the field's first words)."""
    before = text[record_start:field_start]
    column = len(next(csv.reader(io.StringIO(before + "x", newline="")))) - 1
    row_id = text[record_start:].split(",", 1)[0].strip('"')
    line_start = text.rfind("\n", 0, field_start) + 1
    shown = text[field_start : field_start + 40].split("\n", 1)[0].removeprefix('"')
    return column, row_id, field_start - line_start + 1, shown


def find_quote_fault(text: str) -> tuple[int, str, int, str, int] | None:
    """The first misplaced double quote, by RFC 4180: (line, message, column number, the row's
    first field, the line its record starts on), or None.

    Python's csv module reads `a "b" c` as a literal and guesses at other faults; a co-author
    needs to hear exactly where the quote is wrong: the row, the column and where the field starts.
    """
    line, opened_on, in_quotes, field_start = 1, 0, False, True
    record_start, record_line, field_index = 0, 1, 0
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
                    column, row_id, at, shown = _field_at(text, record_start, field_index)
                    where = "" if line == opened_on else f"line {line}, "
                    return (
                        opened_on,
                        (
                            f"the quoted field that starts at line {opened_on}, character {at} (“{shown}…”) "
                            f"has a stray double quote at {where}character "
                            f"{index - text.rfind(chr(10), 0, index)}: a quoted field ends with a quote "
                            "followed by a comma or the end of the line; if its closing quote is missing, "
                            "add it; a double quote inside the field is written twice"
                        ),
                        column,
                        row_id,
                        record_line,
                    )
            elif char == "\n":
                line += 1
        elif char == '"':
            if not field_start:
                column, row_id, _, _ = _field_at(text, record_start, index)
                return (
                    line,
                    (
                        f"stray double quote at character {index - text.rfind(chr(10), 0, index)} of the "
                        "line: a field that contains a double quote must be wrapped in double quotes, with "
                        "the inner quote doubled"
                    ),
                    column,
                    row_id,
                    record_line,
                )
            in_quotes, opened_on, field_index = True, line, index
        elif char == "\n":
            line += 1
        if not in_quotes and char == "\n":
            record_start, record_line = index + 1, line
        field_start = not in_quotes and char in (",", "\n")
        index += 1
    if in_quotes:
        column, row_id, at, shown = _field_at(text, record_start, field_index)
        return (
            opened_on,
            (
                f"the quoted field that starts at line {opened_on}, character {at} (“{shown}…”) is never "
                "closed: add the closing double quote at the end of that field, before the comma that "
                "follows it (a double quote inside the field is written twice)"
            ),
            column,
            row_id,
            record_line,
        )
    return None


def parse_csv_text(
    raw: bytes, shown: str, expected_columns: list[str]
) -> tuple[ParsedCsv | None, list[Problem]]:
    """Read a CSV strictly, reporting each structural fault with the line it is on."""
    if not raw.strip():
        return None, [Problem(shown, 0, "", "the file is empty: expected a header row and data rows")]
    text, problems = _decode(raw, shown)
    if text is None:
        return None, problems
    found = _saved_by_a_spreadsheet(raw)
    if found:
        line = raw[: raw.find(b"\r")].count(b"\n") + 1 if b"\r" in raw else 1
        return None, [
            Problem(
                shown,
                line,
                "",
                f"{' and '.join(found)}, as a spreadsheet saves a CSV: run `make validate`, which "
                "rewrites the file as UTF-8 without a BOM and with LF line ends",
            )
        ]
    other = _guess_other_delimiter(text.partition("\n")[0])
    if other:
        return None, [
            Problem(shown, 1, "", f"the header is separated by {other}s; the delimiter must be a comma")
        ]

    fault = find_quote_fault(text)
    if fault:
        line, message, column, row_id, record_line = fault
        header = next(csv.reader([text.partition("\n")[0]]), [])
        name = header[column] if record_line > 1 and column < len(header) else ""
        return None, [
            Problem(shown, line, name, message, row_id if record_line > 1 and header[:1] == ["id"] else "")
        ]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []
    for row in reader:
        rows.append(row)
        starts.append(reader.line_num - sum(field.count("\n") for field in row))

    header, body, body_lines = rows[0], rows[1:], starts[1:]
    if not header:
        return None, [Problem(shown, 1, "", "the first line is empty: it must be the header row")]
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
    for row, line in zip(body, body_lines, strict=True):
        row_id = row[0] if row and header[:1] == ["id"] else ""
        if row == []:
            problems.append(Problem(shown, line, "", "empty line: remove it"))
        elif len(row) < len(header):
            problems.append(
                Problem(
                    shown, line, "", f"short row: {len(row)} fields, the header has {len(header)}", row_id
                )
            )
        elif len(row) > len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"long row: {len(row)} fields, the header has {len(header)} "
                    "(an unquoted comma inside a field?)",
                    row_id,
                )
            )
    if problems:
        return None, problems
    return ParsedCsv(header, body, body_lines), []


# ---------------------------------------------------------------------------------------------
# Pass 2: the Table Schema, by Frictionless


def _plain_type_message(field: dict, cell: str) -> str:
    name, kind = field["name"], field["type"]
    if kind == "integer":
        return f"{name} must be a whole number such as {WHOLE_NUMBER_EXAMPLES.get(name, '3')}, got {cell!r}"
    if kind == "number":
        return (
            f"{name} must be a plain number such as 1500000000000 or 21.1 "
            f"(no commas, units or words), got {cell!r}"
        )
    if kind == "boolean":
        return f"{name} must be true, false or empty, got {cell!r}"
    return f"{name} must be a {kind}, got {cell!r}"


def _plain_constraint_message(field: dict, note: str, cell: str) -> str:
    name, constraints = field["name"], field.get("constraints", {})
    constraint = note.split('"')[1] if note.count('"') >= 2 else ""
    if constraint == "required":
        return "empty: this column is required"
    if constraint == "enum":
        allowed = "; ".join(constraints["enum"])
        return f"{cell!r} is not an allowed {name}; use one of: {allowed}"
    if constraint in ("minimum", "maximum"):
        bound = constraints[constraint]
        return f"{cell} is {'below the minimum' if constraint == 'minimum' else 'above the maximum'} {bound}"
    if constraint == "maxLength":
        return f"{len(cell)} characters long; at most {constraints['maxLength']} are allowed"
    if constraint == "pattern":
        return f"{cell!r} is not of the required form (pattern {constraints['pattern']})"
    return f"{cell!r}: {note}"


def _checkable_schema(descriptor: dict) -> dict:
    """The schema Frictionless checks: keys (checked below, naming the first line) and foreign
    keys (checked by the rules, which know the other table) left out."""
    schema = json.loads(json.dumps(descriptor["schema"]))
    schema.pop("primaryKey", None)
    schema.pop("foreignKeys", None)
    for field in schema["fields"]:
        field.get("constraints", {}).pop("unique", None)
    return schema


def _key_problems(parsed: ParsedCsv, descriptor: dict, shown: str) -> list[Problem]:
    """Each repeated primary key once, naming the line that has it first."""
    key = descriptor["schema"].get("primaryKey", [])
    positions = [parsed.header.index(column) for column in key]
    first_line: dict[tuple, int] = {}
    problems = []
    for row, line in zip(parsed.rows, parsed.lines, strict=True):
        value = tuple(row[position] for position in positions)
        if value in first_line:
            shown_key = ", ".join(f"{column} {cell!r}" for column, cell in zip(key, value, strict=True))
            problems.append(
                Problem(
                    shown,
                    line,
                    ",".join(key),
                    f"duplicate {shown_key}: line {first_line[value]} already has it",
                )
            )
        else:
            first_line[value] = line
    return problems


def check_schema(parsed: ParsedCsv, resource_name: str, shown: str, book: Book) -> list[Problem]:
    from frictionless import Resource, Schema

    descriptor = resource_descriptor(resource_name, book)
    fields = {field["name"]: field for field in descriptor["schema"]["fields"]}
    table = [parsed.header] + parsed.rows
    resource = Resource(data=table, schema=Schema.from_descriptor(_checkable_schema(descriptor)))
    report = resource.validate()
    id_position = parsed.header.index("id") if "id" in parsed.header else None
    problems = []
    for error in report.flatten(["type", "rowNumber", "fieldName", "note", "cell", "message"]):
        error_type, row_number, field_name, note, cell, message = error
        row = parsed.rows[row_number - 2] if row_number and row_number >= 2 else None
        line = parsed.lines[row_number - 2] if row is not None else 1
        row_id = row[id_position] if row is not None and id_position is not None else ""
        cell = "" if cell is None else str(cell)
        if field_name and error_type == "type-error":
            problems.append(
                Problem(shown, line, field_name, _plain_type_message(fields[field_name], cell), row_id)
            )
        elif field_name and error_type == "constraint-error":
            problems.append(
                Problem(
                    shown, line, field_name, _plain_constraint_message(fields[field_name], note, cell), row_id
                )
            )
        elif field_name:
            problems.append(Problem(shown, line, field_name, f"{cell!r}: {note}", row_id))
        else:
            problems.append(Problem(shown, line, "", message, row_id))
    return problems + _key_problems(parsed, descriptor, shown)


# ---------------------------------------------------------------------------------------------
# Pass 3: the chapter's rules


def _read_actors(actors_path: Path, book: Book) -> tuple[dict | None, str]:
    """The actors table for checking `actor_id`, or None when it cannot be read (its own
    validation reports why)."""
    shown = _display_path(actors_path, book.root)
    if not actors_path.is_file():
        return None, shown
    expected = [field["name"] for field in schema_fields(ACTORS_RESOURCE, book)]
    parsed, _ = parse_csv_text(actors_path.read_bytes(), shown, expected)
    if parsed is None:
        return None, shown
    return evidence_rules.read_actors(parsed.header, parsed.rows, parsed.lines), shown


def units_path(book: Book) -> Path:
    """The units (and currencies) table, where the book's data package says it is."""
    return book.datapackage.parent / resource_descriptor(UNITS_RESOURCE, book)["path"]


def _unit_problems(parsed: ParsedCsv, shown: str, book: Book) -> list[Problem]:
    """Each row's `unit` must be a line of the units table (the message names the file, so a new
    unit or currency is one line there, not a schema edit)."""
    if "unit" not in parsed.header:
        return []
    path = units_path(book)
    units_shown = _display_path(path, book.root)
    expected = [field["name"] for field in schema_fields(UNITS_RESOURCE, book)]
    table, problems = (
        parse_csv_text(path.read_bytes(), units_shown, expected) if path.is_file() else (None, [])
    )
    if table is None:
        return problems or [Problem(units_shown, 0, "", "no such file (the units a row's value may be in)")]
    problems = check_schema(table, UNITS_RESOURCE, units_shown, book)
    known = [row[0] for row in table.rows]
    position, id_position = (
        parsed.header.index("unit"),
        parsed.header.index("id") if "id" in parsed.header else None,
    )
    for row, line in zip(parsed.rows, parsed.lines, strict=True):
        unit = row[position]
        if unit and unit not in known:
            problems.append(
                Problem(
                    shown,
                    line,
                    "unit",
                    f"{unit!r} is not a unit of {units_shown}: use one of: {'; '.join(known)}; or, for a "
                    f"new unit or currency, add a line `{unit},currency` (or count, duration, ...) to "
                    f"{units_shown}",
                    row[id_position] if id_position is not None else "",
                )
            )
    return problems


def check_rules(
    parsed: ParsedCsv,
    resource_name: str,
    shown: str,
    book: Book,
    chapters_dir: Path | None = None,
    actors_path: Path | None = None,
) -> list[Problem]:
    """The chapter's own rules, against the book's pages and actors (or those given)."""
    chapters_dir = book.chapters_dir if chapters_dir is None else chapters_dir
    actors_path = book.actors_csv if actors_path is None else actors_path
    if resource_name == ACTORS_RESOURCE:
        return evidence_rules.check_actor_rules(parsed.header, parsed.rows, parsed.lines, shown, chapters_dir)
    if resource_name != EVIDENCE_RESOURCE:
        return []
    actors, actors_shown = _read_actors(actors_path, book)
    context = Context(shown, chapters_dir, actors, actors_shown)
    return evidence_rules.check_rules(parsed.header, parsed.rows, parsed.lines, context) + _unit_problems(
        parsed, shown, book
    )


# ---------------------------------------------------------------------------------------------
# Entry points


def validate_file(
    path: Path,
    resource_name: str,
    book: Book,
    chapters_dir: Path | None = None,
    actors_path: Path | None = None,
) -> tuple[ParsedCsv | None, list[Problem]]:
    """A file checked against the book's data package and its rules; `chapters_dir` and
    `actors_path` default to the book's."""
    chapters_dir = book.chapters_dir if chapters_dir is None else chapters_dir
    actors_path = book.actors_csv if actors_path is None else actors_path
    shown = _display_path(path, book.root)
    if not path.is_file():
        return None, [Problem(shown, 0, "", "no such file")]
    expected = [field["name"] for field in schema_fields(resource_name, book)]
    parsed, problems = parse_csv_text(path.read_bytes(), shown, expected)
    if parsed is None:
        return None, problems
    problems = check_schema(parsed, resource_name, shown, book) + check_rules(
        parsed, resource_name, shown, book, chapters_dir, actors_path
    )
    problems = sorted(set(problems), key=lambda p: (p.line, p.column, p.message))
    if not problems:
        _store_checked(
            _typed_frame(parsed, resource_name, book), path, resource_name, book, chapters_dir, actors_path
        )
    return parsed, problems


def _typed_frame(parsed: ParsedCsv, resource_name: str, book: Book) -> pd.DataFrame:
    frame = pd.DataFrame(parsed.rows, columns=parsed.header).replace({"": pd.NA})
    for field in schema_fields(resource_name, book):
        column, kind = field["name"], field["type"]
        if kind == "integer":
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        elif kind == "number":
            frame[column] = pd.to_numeric(frame[column]).astype("Float64")
        elif kind == "boolean":
            frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
        elif "enum" in field.get("constraints", {}):
            frame[column] = pd.Categorical(frame[column], categories=field["constraints"]["enum"])
        else:
            frame[column] = frame[column].astype("string")
    return frame


# ---------------------------------------------------------------------------------------------
# Validated once: the checked file
#
# A file that validated is kept, typed, in the book's `<build folder>/checked/`, under a key made of every
# input of its validation: its own bytes, the data package, the units and actors tables, every
# chapter page (the quotes are checked against them), `_config.yml` (the MyST extensions the pages
# are read with), this package's code and pandas' version. The build's validation stage (and
# `make validate`) writes it; each notebook kernel and the Sphinx extension then load the checked
# rows in milliseconds instead of validating again (about 1.3 s of CPU per kernel). A change to
# any input is a new key, so a stale file is never read; a missing one is validated and written.
# Pickle, because the frame's dtypes (categories, nullable integers) must come back exactly; the
# file is this build's own output, read back by the same package and pandas (both in the key).


def _digest_files(digest, files: list[Path]) -> None:
    for input_path in files:
        digest.update(f"{input_path}\0".encode())
        digest.update(input_path.read_bytes() if input_path.is_file() else b"(none)")
        digest.update(b"\0")


@cache
def _package_digest() -> str:
    """This package's code, hashed once per process: the code a process runs does not change
    under it (an edit to it takes a new process, as the preview's rebuilds are)."""
    digest = hashlib.sha256(pd.__version__.encode())
    _digest_files(digest, sorted(paths.PACKAGE.rglob("*.py")))
    return digest.hexdigest()


def _checked_key(path: Path, resource_name: str, book: Book, chapters_dir: Path, actors_path: Path) -> str:
    digest = hashlib.sha256(f"{resource_name}\0{_package_digest()}\0".encode())
    inputs = [path, book.datapackage, units_path(book), actors_path, book.config_file]
    _digest_files(digest, inputs + sorted(chapters_dir.rglob("*.md")))
    return digest.hexdigest()[:32]


def _checked_path(key: str, resource_name: str, book: Book) -> Path:
    return paths.build_folder(book.root) / "checked" / f"{resource_name}-{key}.pickle"


def _store_checked(
    frame: pd.DataFrame, path: Path, resource_name: str, book: Book, chapters_dir: Path, actors_path: Path
) -> None:
    if resource_name not in (EVIDENCE_RESOURCE, ACTORS_RESOURCE):
        return
    target = _checked_path(
        _checked_key(path, resource_name, book, chapters_dir, actors_path), resource_name, book
    )
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}")  # kernels write at the same time
    staged.write_bytes(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    staged.replace(target)


def _load(path: Path, resource_name: str, book: Book) -> pd.DataFrame:
    """The file's typed rows: from its checked file when one matches every input, else validated
    against the book (and the checked file written); raises `EvidenceError` with every problem."""
    checked = _checked_path(
        _checked_key(path, resource_name, book, book.chapters_dir, book.actors_csv), resource_name, book
    )
    if checked.is_file():
        return pickle.loads(checked.read_bytes())
    parsed, problems = validate_file(path, resource_name, book)
    if problems:
        raise EvidenceError(problems)
    return _typed_frame(parsed, resource_name, book)


def load_actors(book: Book, path: Path | None = None) -> pd.DataFrame:
    """The book's actors (or those of `path`), validated: id, canonical name, type and the forms
    the text uses."""
    return _load(book.actors_csv if path is None else path, ACTORS_RESOURCE, book)


def load_evidence(
    book: Book, path: Path | None = None, actors_path: Path | None = None, *, every_row: bool = False
) -> pd.DataFrame:
    """The evidence, validated, one row per fact: a row that repeats a fact (`same_fact_as`) is left
    out, so every count, chart and table counts the fact once (`every_row=True` keeps it).

    Integer years, float values, categorical codes; `actor_name` and `actor_type` are the main actor's
    canonical name and its one type from the actors table (`actor` stays the text's wording), and
    `actor_names` names every actor of the row, partners included (`each_actor` counts each).
    """
    actors = load_actors(book, actors_path)
    rows = _load(book.evidence_csv if path is None else path, EVIDENCE_RESOURCE, book)
    if not every_row:
        rows = rows[rows["same_fact_as"].isna()]
    named = actors.set_index("id")
    rows = rows.assign(
        actor_name=rows["actor_id"].map(named["name"]).astype("string"),
        actor_type=pd.Categorical(
            rows["actor_id"].map(named["type"]), categories=actors["type"].cat.categories
        ),
        actor_names=[
            "; ".join(named.loc[actor, "name"] for actor in row_actors(row)) or pd.NA
            for row in rows.to_dict("records")
        ],
    )
    return rows.reset_index(drop=True).astype({"actor_names": "string"})


def row_actors(row: dict) -> list[str]:
    """The ids of every actor a row names: its main actor, then its partners."""
    main = [row["actor_id"]] if not pd.isna(row.get("actor_id")) else []
    partners = row.get("partner_ids")
    return main + ([] if pd.isna(partners) else evidence_rules.id_list(partners))


def each_actor(rows: pd.DataFrame, book: Book) -> pd.DataFrame:
    """One row per actor of each evidence row (a row without an actor once), with that actor's id,
    canonical name and type from the book's actors table: what a chart that counts by actor counts,
    so every partner counts."""
    named = load_actors(book).set_index("id")
    expanded = []
    for row in rows.to_dict("records"):
        for actor in row_actors(row) or [pd.NA]:
            known = not pd.isna(actor)
            expanded.append(
                {
                    **row,
                    "actor_id": actor,
                    "actor_name": named.loc[actor, "name"] if known else pd.NA,
                    "actor_type": named.loc[actor, "type"] if known else pd.NA,
                }
            )
    frame = pd.DataFrame(expanded, columns=rows.columns).astype(rows.dtypes.to_dict())
    return frame.reset_index(drop=True)


def chapter_rows(rows: pd.DataFrame, chapter: Chapter) -> pd.DataFrame:
    """The rows of one chapter (one of the book's: `book.chapter(n)`, which refuses an unknown
    number): a chapter's notebooks never see another chapter's rows."""
    return rows[rows["chapter"] == chapter.number]


def load_scores(book: Book, chapter: Chapter | None = None, path: Path | None = None) -> pd.DataFrame:
    """The authors' Figure N.1 scores, validated: one chapter's, or every chapter's (None)."""
    scores = _load(book.scores_csv if path is None else path, SCORES_RESOURCE, book)
    return scores if chapter is None else chapter_rows(scores, chapter)


def section_rows(rows: pd.DataFrame, chapter: Chapter, section: str) -> pd.DataFrame:
    """The rows coded from one page of one chapter; an unknown section is an error, not an empty
    table."""
    number = chapter.number
    known = chapter.sections()
    if section not in known:
        raise KeyError(
            f"unknown section {section!r} of chapter {number}; its sections are {', '.join(known)}"
        )
    return rows[(rows["chapter"] == number) & (rows["section"] == section)]
