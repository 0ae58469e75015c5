"""Pass 3 of validation: the chapter's own rules for evidence rows, one small function per rule.

A row rule takes a row (a dict of its cells, all text) and the `Context`, and yields
`(column, message)` for each thing wrong with it; a table rule takes every row with its line and
yields `(line, column, row id, message)`. Each is registered in `ROW_RULES` or `TABLE_RULES` by
its decorator; `check_rules` runs them all. To add a rule, write one function and decorate it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from . import chapters, paths
from .problems import Problem

FOOTNOTE_REFERENCE = re.compile(r"\[\^\d+\]")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", flags=re.S)
# what the chapter pages add to the authors' text, removed before quotes are looked up: directive
# blocks (the edition's figures, tables and captions), labels, headings, footnote definitions
DIRECTIVE_BLOCK = re.compile(r"^```.*?^```[ \t]*$", flags=re.M | re.S)
PAGE_MARKUP_LINE = re.compile(r"^(\(.*\)=|#+ |\[\^\d+\]:)")
PERIODS = ("decade", "approximate")
FORM_SEPARATOR = " | "
SHOWN_AROUND = 30  # characters of context either side of a marked difference


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    forms: tuple[str, ...]
    line: int


@dataclass
class Context:
    shown: str  # the evidence file as messages name it
    chapters_dir: Path = paths.CHAPTERS_DIR
    actors: dict[str, Actor] | None = None  # None: actors.csv could not be read, so actor_id is not checked
    actors_shown: str = "data/actors.csv"
    _paragraphs: dict[Path, tuple[str, ...]] = field(default_factory=dict)

    def paragraphs(self, page: Path) -> tuple[str, ...]:
        if page not in self._paragraphs:
            self._paragraphs[page] = page_paragraphs(page) if page.is_file() else ()
        return self._paragraphs[page]

    def shown_page(self, page: Path) -> str:
        try:
            return str(page.resolve().relative_to(paths.ROOT))
        except ValueError:
            return str(page)


def page_paragraphs(page: Path) -> tuple[str, ...]:
    """The authors' paragraphs of one chapter page as they stand now, the edition's markup removed."""
    text = FRONT_MATTER.sub("", page.read_text(encoding="utf-8"))
    paragraphs = []
    for block in DIRECTIVE_BLOCK.sub("", text).split("\n\n"):
        lines = [line for line in block.splitlines() if not PAGE_MARKUP_LINE.match(line)]
        paragraph = FOOTNOTE_REFERENCE.sub("", " ".join(lines)).strip()
        if paragraph:
            paragraphs.append(paragraph)
    return tuple(paragraphs)


def chapter_paragraphs(chapters_dir: Path = paths.CHAPTERS_DIR) -> tuple[str, ...]:
    """Every authors' paragraph of every chapter page."""
    return tuple(p for page in sorted(chapters_dir.rglob("*.md")) for p in page_paragraphs(page))


RowRule = Callable[[dict, Context], Iterable[tuple[str, str]]]
TableRule = Callable[[list[tuple[int, dict]], Context], Iterable[tuple[int, str, str, str]]]
ROW_RULES: list[RowRule] = []
TABLE_RULES: list[TableRule] = []


def row_rule(rule: RowRule) -> RowRule:
    ROW_RULES.append(rule)
    return rule


def table_rule(rule: TableRule) -> TableRule:
    TABLE_RULES.append(rule)
    return rule


def _given(record: dict, column: str) -> bool:
    return record.get(column, "") != ""


def _whole(record: dict, column: str) -> int | None:
    """A cell as a whole number, or None (a malformed cell is pass 2's to report)."""
    cell = record.get(column, "")
    return int(cell) if cell.isdigit() else None


# ---------------------------------------------------------------------------------------------
# Dates


@row_rule
def year_end_not_before_year(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    year, year_end = _whole(record, "year"), _whole(record, "year_end")
    if year is not None and year_end is not None and year_end < year:
        yield "year_end", f"{year_end} is before year {year}"


@row_rule
def year_end_needs_year(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if _given(record, "year_end") and not _given(record, "year"):
        yield (
            "year_end",
            (
                f"{record['year_end']} is given but year is empty: a range needs its first year "
                "(for a target dated only by its deadline, put that year in year)"
            ),
        )


@row_rule
def period_needs_year_end(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    precision = record.get("date_precision", "")
    if precision in PERIODS and _given(record, "year") and not _given(record, "year_end"):
        period, example = (
            ("a decade", "1990 and 1999 for 'the 1990s'")
            if precision == "decade"
            else ("an approximate period", "2000 and 2004 for 'the early 2000s'")
        )
        yield (
            "year_end",
            (
                f"empty, but date_precision is {precision!r}: {period} needs its last year "
                f"(year and year_end are {example}; an open period also sets open_ended)"
            ),
        )


@row_rule
def decade_spans_ten_years(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    year, year_end = _whole(record, "year"), _whole(record, "year_end")
    if record.get("date_precision") == "decade" and year is not None and year_end is not None:
        if year % 10 or year_end != year + 9:
            yield (
                "year_end",
                f"a decade runs from a year ending in 0 to nine years later ({year}–{year_end} is not one)",
            )


@row_rule
def open_period_needs_a_start(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if record.get("open_ended") == "true" and not _given(record, "year"):
        yield (
            "open_ended",
            "true, but year is empty: an open period ('since the 1990s') needs the year it starts",
        )


@row_rule
def precision_matches_date(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if "date_precision" not in record:
        return
    if _given(record, "year") != _given(record, "date_precision"):
        yield "date_precision", "must be given exactly when year is"
    precision = record["date_precision"]
    if precision == "day" and not (_given(record, "month") and _given(record, "day")):
        yield "date_precision", "'day' needs month and day"
    if precision == "month" and not _given(record, "month"):
        yield "date_precision", "'month' needs month"
    if _given(record, "day") and not _given(record, "month"):
        yield "day", "a day without a month"


@row_rule
def country_is_the_chapters(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    """A row's country is the one its chapter declares (in the front matter of its index.md)."""
    number = _whole(record, "chapter")
    declared = {chapter.number: chapter for chapter in chapters.all_chapters(context.chapters_dir)}
    chapter = declared.get(number)
    if chapter is not None and _given(record, "country") and record["country"] != chapter.country:
        yield (
            "country",
            f"{record['country']!r}, but chapter {number} is {chapter.country!r} (declared in "
            f"{context.shown_page(chapter.folder / 'index.md')}): a row's country is its chapter's",
        )


# ---------------------------------------------------------------------------------------------
# Amounts


@row_rule
def value_and_unit_together(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if "unit" not in record:
        return
    if _given(record, "unit") and not _given(record, "value"):
        yield "value", f"empty, but unit {record['unit']!r} is given: a unit needs a number"
    if _given(record, "value") and not _given(record, "unit"):
        yield "unit", f"empty, but value {record['value']!r} is given: say what it counts"


@row_rule
def value_qualifier_with_value(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if "value_qualifier" not in record:
        return
    if _given(record, "value") and not _given(record, "value_qualifier"):
        yield (
            "value_qualifier",
            (
                f"empty, but value {record['value']!r} is given: say how the text qualifies it "
                "(exact, about, at least, just over, nearly, order of magnitude)"
            ),
        )
    if _given(record, "value_qualifier") and not _given(record, "value"):
        yield "value_qualifier", f"{record['value_qualifier']!r} is given but value is empty"


# ---------------------------------------------------------------------------------------------
# Actors


@row_rule
def actor_id_with_actor(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if "actor_id" not in record:
        return
    if _given(record, "actor") and not _given(record, "actor_id"):
        yield (
            "actor_id",
            f"empty, but actor {record['actor']!r} is named: "
            f"give the id of its row in {context.actors_shown}",
        )
    if _given(record, "actor_id") and not _given(record, "actor"):
        yield (
            "actor",
            f"empty, but actor_id {record['actor_id']!r} is given: copy the text's wording for the actor",
        )


@row_rule
def actor_id_is_an_actor(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if context.actors is None or not _given(record, "actor_id"):
        return
    actor = context.actors.get(record["actor_id"])
    if actor is None:
        yield (
            "actor_id",
            (
                f"unknown actor {record['actor_id']!r}: no row of {context.actors_shown} has that id "
                "(add the actor there, or correct the id)"
            ),
        )
    elif _given(record, "actor") and record["actor"] not in actor.forms:
        yield (
            "actor",
            (
                f"{record['actor']!r} is not one of the forms {context.actors_shown}:{actor.line} lists for "
                f"{actor.id!r}: add it to that actor's forms, or correct actor_id"
            ),
        )


# ---------------------------------------------------------------------------------------------
# Quotes and citations


def section_page(chapter: chapters.Chapter, section: str, context: Context) -> Path:
    """`chapter.page_for_section(section)`, under the chapters folder being checked
    (a scratch copy in tests)."""
    return context.chapters_dir / chapter.dirname / chapter.page_for_section(section).name


def own_page(record: dict, context: Context) -> Path | None:
    number = _whole(record, "chapter")
    if number is None or not _given(record, "section"):
        return None
    try:
        return section_page(chapters.chapter(number, context.chapters_dir), record["section"], context)
    except (KeyError, chapters.ChapterError):
        return None


def quote_paragraph(record: dict, context: Context) -> str | None:
    page = own_page(record, context)
    if page is None:
        return None
    return next((p for p in context.paragraphs(page) if record["quote"] in p), None)


def marked_difference(quote: str, paragraphs: tuple[str, ...]) -> str:
    """Where the quote parts from the closest passage of the page, the first differing character marked."""
    best_size, best_paragraph = 0, ""
    for paragraph in paragraphs:
        match = SequenceMatcher(None, quote, paragraph, autojunk=False).find_longest_match(
            0, len(quote), 0, len(paragraph)
        )
        if match.size > best_size:
            best_size, best_paragraph = match.size, paragraph
    if best_size < 12:
        return "no passage of the page is close to it"
    # align on the first stretch the two share, so the first difference is the one marked
    blocks = SequenceMatcher(None, quote, best_paragraph, autojunk=False).get_matching_blocks()
    first = next(block for block in blocks if block.size >= min(8, best_size))
    start = first.b - first.a
    # where the quote starts before the paragraph does (words added in front), pad so positions match
    passage = " " * max(-start, 0) + best_paragraph[max(start, 0) : start + len(quote)]
    at = next(
        (i for i, (a, b) in enumerate(zip(quote, passage, strict=False)) if a != b),
        min(len(quote), len(passage)),
    )

    def mark(text: str) -> str:
        before = ("…" if at > SHOWN_AROUND else "") + text[max(0, at - SHOWN_AROUND) : at]
        after = text[at + 1 : at + 1 + SHOWN_AROUND] + ("…" if len(text) > at + 1 + SHOWN_AROUND else "")
        return f"{before}⟦{text[at : at + 1] or '(end)'}⟧{after}"

    return (
        f"the closest passage differs at character {at + 1} (marked ⟦ ⟧): "
        f"quote {mark(quote)!r}, page {mark(passage)!r}"
    )


def other_pages_holding(quote: str, own: Path | None, context: Context) -> list[str]:
    found = []
    for chapter in chapters.all_chapters(context.chapters_dir):
        for section in chapter.sections():
            page = section_page(chapter, section, context)
            if page != own and any(quote in p for p in context.paragraphs(page)):
                found.append(f"{context.shown_page(page)} (chapter {chapter.number}, section {section!r})")
    return found


@row_rule
def quote_on_its_own_section_page(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    quote = record.get("quote", "")
    if not quote:
        return
    page = own_page(record, context)
    if page is None or not page.is_file():
        where = f"chapter {record.get('chapter')!r}, section {record.get('section')!r}"
        yield (
            "section",
            f"there is no chapter page for {where} under {context.shown_page(context.chapters_dir)}",
        )
        return
    if quote_paragraph(record, context) is not None:
        return
    elsewhere = other_pages_holding(quote, page, context)
    if elsewhere:
        yield (
            "quote",
            (
                f"found only in {', '.join(elsewhere)}, not in its own section page "
                f"{context.shown_page(page)}: correct section (or chapter)"
            ),
        )
    else:
        yield (
            "quote",
            (
                f"not found verbatim in its section page {context.shown_page(page)}; "
                + marked_difference(quote, context.paragraphs(page))
            ),
        )


@row_rule
def citation_in_quote_paragraph(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if not _given(record, "citation") or not _given(record, "quote"):
        return
    paragraph = quote_paragraph(record, context)
    if paragraph is not None and record["citation"] not in paragraph:
        yield "citation", f"{record['citation']!r} is not in the quote's paragraph"


# ---------------------------------------------------------------------------------------------
# Rows against each other


@row_rule
def same_fact_not_itself(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if _given(record, "same_fact_as") and record["same_fact_as"] == record.get("id"):
        yield "same_fact_as", "points to the row itself: name the row that records the fact first"


@table_rule
def same_fact_points_to_a_first_row(
    rows: list[tuple[int, dict]], context: Context
) -> Iterator[tuple[int, str, str, str]]:
    by_id = {record["id"]: (line, record) for line, record in reversed(rows) if record.get("id")}
    for line, record in rows:
        target = record.get("same_fact_as", "")
        if not target or target == record.get("id"):
            continue
        if target not in by_id:
            yield (
                line,
                "same_fact_as",
                record.get("id", ""),
                f"unknown row {target!r}: no row of {context.shown} has that id",
            )
        elif by_id[target][1].get("same_fact_as"):
            yield (
                line,
                "same_fact_as",
                record.get("id", ""),
                (
                    f"{target!r} (line {by_id[target][0]}) itself points to "
                    f"{by_id[target][1]['same_fact_as']!r}: "
                    "point to the row that records the fact first"
                ),
            )


@table_rule
def one_row_per_fact(rows: list[tuple[int, dict]], context: Context) -> Iterator[tuple[int, str, str, str]]:
    fact_columns = ("quote", "year", "month", "day", "year_end", "title")
    first: dict[tuple, tuple[int, dict]] = {}
    for line, record in rows:
        key = tuple(record.get(column, "") for column in fact_columns)
        if key not in first:
            first[key] = (line, record)
            continue
        first_line, first_record = first[key]
        linked = record.get("same_fact_as") == first_record.get("id") or first_record.get(
            "same_fact_as"
        ) == record.get("id")
        if not linked:
            yield (
                line,
                "same_fact_as",
                record.get("id", ""),
                (
                    f"same quote, date and title as row {first_record.get('id')!r} (line {first_line}): "
                    f"one row per fact, so merge the two or set same_fact_as to {first_record.get('id')!r}"
                ),
            )


def check_rules(
    header: list[str], rows: list[list[str]], lines: list[int], context: Context
) -> list[Problem]:
    records = [(line, dict(zip(header, row, strict=True))) for row, line in zip(rows, lines, strict=True)]
    problems = []
    for line, record in records:
        for rule in ROW_RULES:
            for column, message in rule(record, context):
                problems.append(Problem(context.shown, line, column, message, record.get("id", "")))
    for rule in TABLE_RULES:
        for line, column, row_id, message in rule(records, context):
            problems.append(Problem(context.shown, line, column, message, row_id))
    return problems


# ---------------------------------------------------------------------------------------------
# The actors table


def read_actors(header: list[str], rows: list[list[str]], lines: list[int]) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for row, line in zip(rows, lines, strict=True):
        record = dict(zip(header, row, strict=True))
        forms = tuple(
            form.strip() for form in record.get("forms", "").split(FORM_SEPARATOR.strip()) if form.strip()
        )
        actors.setdefault(
            record.get("id", ""),
            Actor(record.get("id", ""), record.get("name", ""), record.get("type", ""), forms, line),
        )
    return actors


def check_actor_rules(
    header: list[str], rows: list[list[str]], lines: list[int], shown: str
) -> list[Problem]:
    """One type per actor, and each form of the text names one actor."""
    problems = []
    first: dict[str, tuple[int, str]] = {}
    form_owner: dict[str, tuple[int, str]] = {}
    for row, line in zip(rows, lines, strict=True):
        record = dict(zip(header, row, strict=True))
        actor_id, actor_type = record.get("id", ""), record.get("type", "")
        if actor_id in first and first[actor_id][1] != actor_type:
            problems.append(
                Problem(
                    shown,
                    line,
                    "type",
                    (
                        f"actor {actor_id!r} has two types: {first[actor_id][1]!r} "
                        f"on line {first[actor_id][0]} and {actor_type!r} here; an actor has one type"
                    ),
                    actor_id,
                )
            )
        first.setdefault(actor_id, (line, actor_type))
        for form in record.get("forms", "").split(FORM_SEPARATOR.strip()):
            form = form.strip()
            owner = form_owner.get(form)
            if owner and owner[1] != actor_id:
                problems.append(
                    Problem(
                        shown,
                        line,
                        "forms",
                        (
                            f"{form!r} is already a form of {owner[1]!r} (line {owner[0]}): "
                            "a form names one actor"
                        ),
                        actor_id,
                    )
                )
            form_owner.setdefault(form, (line, actor_id))
    return problems
