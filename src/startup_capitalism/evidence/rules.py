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

from .. import chapters
from ..text import prose
from .problems import Problem

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
    chapters_dir: Path  # the book's chapters/ (or a test's copy of it beside a _config.yml)
    actors: dict[str, Actor] | None = None  # None: actors.csv could not be read, so actor_id is not checked
    actors_shown: str = "data/actors.csv"
    _paragraphs: dict[Path, tuple[str, ...]] = field(default_factory=dict)

    def paragraphs(self, page: Path) -> tuple[str, ...]:
        if page not in self._paragraphs:
            self._paragraphs[page] = page_paragraphs(page) if page.is_file() else ()
        return self._paragraphs[page]

    def shown_page(self, page: Path) -> str:
        try:
            return str(page.resolve().relative_to(self.chapters_dir.resolve().parent))
        except ValueError:
            return str(page)


def page_paragraphs(page: Path) -> tuple[str, ...]:
    """The authors' paragraphs of one chapter page as they stand now, the edition's markup removed:
    the page's prose as `prose.py` reads it with the book's MyST parser (no headings, labels,
    directives, fences or footnote definitions), footnote references dropped."""
    return tuple(block.text for block in prose.read_page(page).paragraphs)


def chapter_paragraphs(chapters_dir: Path) -> tuple[str, ...]:
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


def _contains_form(text: str, form: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None


def form_problems(
    header: list[str], rows: list[list[str]], lines: list[int], shown: str, chapters_dir: Path
) -> list[Problem]:
    """Each form is the chapter's own wording (case and punctuation exact), and names one actor: a
    form that holds the forms of two other actors (or of one, joined by "and") is a group, whose
    members are listed by id."""
    text = "\n".join(chapter_paragraphs(chapters_dir))
    records = [(line, dict(zip(header, row, strict=True))) for row, line in zip(rows, lines, strict=True)]
    forms_of = {
        record.get("id", ""): [form.strip() for form in record.get("forms", "").split("|") if form.strip()]
        for _, record in records
    }
    problems = []
    for line, record in records:
        actor_id = record.get("id", "")
        for form in forms_of[actor_id]:
            if form not in text:
                problems.append(
                    Problem(
                        shown,
                        line,
                        "forms",
                        f"{form!r} does not occur in the chapter text (case and punctuation exact): "
                        "list the words the text uses",
                        actor_id,
                    )
                )
            members = sorted(
                other
                for other, forms in forms_of.items()
                if other != actor_id and any(_contains_form(form, f) for f in forms if f != form)
            )
            # two other actors, or one other joined to this one ("Renault and Nissan" as a form of Renault)
            if len(members) >= 2 or (members and re.search(r"\band\b|,", form)):
                problems.append(
                    Problem(
                        shown,
                        line,
                        "forms",
                        f"{form!r} names several actors ({', '.join(sorted({*members, actor_id}))}): "
                        "an actor is one body; "
                        "code the evidence row with actor_id and partner_ids instead",
                        actor_id,
                    )
                )
    return problems


def check_actor_rules(
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    shown: str,
    chapters_dir: Path,
) -> list[Problem]:
    """One type per actor, each form of the text names one actor and occurs in the text."""
    problems = form_problems(header, rows, lines, shown, chapters_dir)
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


# ---------------------------------------------------------------------------------------------
# Quantities: the numbers a passage states, read as a reviewer reads them

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
}  # fmt: skip
# words that state a quantity without a number word: the values a row may record for each
QUANTITY_PHRASES = {
    "tens of millions": (1e7,),
    "dozens": (12,),
    "tenfold": (10,),
    "half": (0.5, 50),  # a half, or 50 percent
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
ORDINAL_TAIL = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
# a parenthesis holding a year is a citation ("(Vogel 2018, 106)", "(authors’ interview, Kobe, June 25,
# 2018)", "Johnson’s (1982)"): its numbers are the source's, not quantities of the text
CITATION = re.compile(
    r"\((?=(?:1[89]|20)\d\d|[^()]*(?:[A-Z][\w’'&.-]*\.?\s(?:1[89]|20)\d\d[a-z]?\b|interview))[^()]*\)"
)
NUMERAL = re.compile(
    r"(?<![\w.,])(?:US)?(?P<dollar>\$)?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?(?![\w-]*\d)"
)
YEAR_LIKE = re.compile(r"^(?:1[89]|20)\d\d$")
WORDS = re.compile(
    r"\b(?:(?:a\s(?=hundred|thousand))?(?P<word>" + "|".join(NUMBER_WORDS) + r")(?!-" + ORDINAL_TAIL + r")"
    r"|(?P<phrase>" + "|".join(QUANTITY_PHRASES) + r"))\b",
    flags=re.I,
)
DECADE = re.compile(r"\b((?:1[89]|20)\d0)s\b")
CENTURY = re.compile(r"\b(twentieth|twenty-first)\s+century\b", flags=re.I)
CENTURY_START = {"twentieth": 1900, "twenty-first": 2000}
SINCE = re.compile(r"\bsince\s+(?:the\s+(?:early\s+|mid-|late\s+)?)?((?:1[89]|20)\d\d)(s?)\b", flags=re.I)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    values: tuple[float, ...]


def without_citations(text: str, keep_interviews: bool = False) -> str:
    """The text with every citation blanked out, positions kept; `keep_interviews` keeps the
    authors' interviews, whose date is the date the interviewee said it."""

    def blank(match: re.Match) -> str:
        return match.group() if keep_interviews and "interview" in match.group() else " " * len(match.group())

    return CITATION.sub(blank, text)


def quantities(text: str) -> list[Quantity]:
    """Every amount, percentage and count a passage states, as numerals or words; years, dates, the
    numbers of figures and the numbers in citations are not quantities."""
    plain = without_citations(text)
    found = []
    for match in NUMERAL.finditer(plain):
        number, scale = match["number"], match["scale"]
        if YEAR_LIKE.match(number) and not match["dollar"] and not scale:
            continue  # a year, or a decade ("1990s" does not match: the s is a word character)
        if re.search(
            r"\b(?:figure|fig\.|table|section)\s$", plain[max(0, match.start() - 8) : match.start()], re.I
        ):
            continue
        value = float(number.replace(",", "")) * SCALES.get(scale or "", 1)
        found.append(Quantity(match.start(), match.end(), match.group().strip(), (value,)))
    for match in WORDS.finditer(plain):
        if match["word"]:
            word = match["word"].lower()
            after = plain[match.end() : match.end() + 12]
            scale = re.match(r"\s(million|billion|trillion)\b", after)
            value = NUMBER_WORDS[word] * (SCALES[scale[1]] if scale else 1)
            end = match.end() + (scale.end() if scale else 0)
            found.append(Quantity(match.start(), end, plain[match.start() : end], (float(value),)))
        else:
            phrase = match["phrase"].lower()
            found.append(Quantity(match.start(), match.end(), match.group(), QUANTITY_PHRASES[phrase]))
    return sorted(found, key=lambda quantity: quantity.start)


def states_value(quantity: Quantity, value: float) -> bool:
    return any(abs(candidate - value) <= 1e-9 * max(abs(value), 1) for candidate in quantity.values)


def year_wordings(text: str, year: int) -> tuple[bool, bool]:
    """(the text names the year itself, the text names a decade or century holding it)."""
    plain = without_citations(text, keep_interviews=True)
    exact = re.search(rf"(?<![\d\w]){year}(?![\d\w])", plain) is not None
    period = any(int(d) <= year <= int(d) + 9 for d in DECADE.findall(plain)) or any(
        CENTURY_START[c.lower()] <= year < CENTURY_START[c.lower()] + 100 for c in CENTURY.findall(plain)
    )
    return exact, period


@row_rule
def value_in_quote(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if not _given(record, "value") or not _given(record, "quote"):
        return
    try:
        value = float(record["value"])
    except ValueError:
        return  # pass 2 reports a malformed value
    stated = quantities(record["quote"])
    if not any(states_value(quantity, value) for quantity in stated):
        shown = ", ".join(repr(quantity.text) for quantity in stated) or "none"
        yield (
            "value",
            f"{record['value']} is not a quantity its quote states (the quote states: {shown}): "
            "record the number the quote gives, or quote the passage that gives this one",
        )


@row_rule
def dates_in_quote(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if not _given(record, "quote"):
        return
    for column in ("year", "year_end"):
        year = _whole(record, column)
        if year is None:
            continue
        exact, period = year_wordings(record["quote"], year)
        if not exact and not period:
            yield (
                column,
                f"{year} is not in the row's quote (citations aside): quote the passage that dates the "
                "fact, or leave the date empty",
            )
        elif column == "year" and not exact and record.get("date_precision") in ("year", "month", "day"):
            yield (
                "date_precision",
                f"{record['date_precision']!r}, but the quote words {year} only as a decade or century "
                "('the 1990s', 'the twenty-first century'): use 'decade', 'approximate' or 'century'",
            )


@row_rule
def since_is_open_ended(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    """'Since 2021, …' and 'since the 1990s' start an open period: a row dated from that start is
    open-ended. A row dated otherwise records another fact of the sentence (its own date says why)."""
    year = _whole(record, "year")
    if year is None or record.get("open_ended") == "true":
        return
    for match in SINCE.finditer(without_citations(record.get("quote", ""))):
        start = int(match[1])
        if start == year or (match[2] and start <= year <= start + 9):
            yield (
                "open_ended",
                f"empty, but the quote says {match.group()!r}: the period runs on from {year}, so set "
                "open_ended to true (or date the row by the other fact it records)",
            )
            return


PRECISION_RANK = {"century": 0, "decade": 1, "approximate": 2, "year": 3, "month": 4, "day": 5}


def _date_detail(record: dict) -> tuple[int, bool]:
    """How much of a date a row gives: its precision's rank, and whether it has a year_end."""
    return PRECISION_RANK.get(record.get("date_precision", ""), -1), _given(record, "year_end")


@table_rule
def same_fact_keeps_the_precise_date(
    rows: list[tuple[int, dict]], context: Context
) -> Iterator[tuple[int, str, str, str]]:
    """The loader keeps the row a repeat points to: that row must date the fact at least as precisely
    as the repeat, or the repeat's month, day or deadline is lost."""
    by_id = {record["id"]: (line, record) for line, record in rows if record.get("id")}
    for line, record in rows:
        target = by_id.get(record.get("same_fact_as", ""))
        if target is None or target[1] is record:
            continue
        kept_line, kept = target
        (rank, has_end), (kept_rank, kept_has_end) = _date_detail(record), _date_detail(kept)
        if rank > kept_rank or (has_end and not kept_has_end):
            what = record.get("date_precision") if rank > kept_rank else f"year_end {record.get('year_end')}"
            yield (
                kept_line,
                "same_fact_as",
                kept.get("id", ""),
                (
                    f"the loader keeps this row and drops its repeat {record.get('id')!r} (line {line}), "
                    f"which dates the fact more precisely ({what}): point this row to "
                    f"{record.get('id')!r} instead, so the kept row has the precise date"
                ),
            )


# ---------------------------------------------------------------------------------------------
# Several actors in one row

ID_SEPARATOR = ";"


def id_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(ID_SEPARATOR) if part.strip()]


@row_rule
def partners_are_other_actors(record: dict, context: Context) -> Iterator[tuple[str, str]]:
    if not _given(record, "partner_ids"):
        return
    partners = id_list(record["partner_ids"])
    if not _given(record, "actor_id"):
        yield "partner_ids", "given, but actor_id is empty: name the main actor first"
    if record.get("actor_id") in partners:
        yield "partner_ids", f"lists the main actor {record['actor_id']!r} again"
    if len(set(partners)) != len(partners):
        yield "partner_ids", "lists an actor twice"
    for partner in partners:
        if context.actors is not None and partner not in context.actors:
            yield (
                "partner_ids",
                f"unknown actor {partner!r}: no row of {context.actors_shown} has that id "
                "(add the actor there, or correct the id)",
            )


# ---------------------------------------------------------------------------------------------
# Every quantity of a chapter page recorded, or listed as deliberately uncoded


# the reason the import gives each quantity of a new chapter (`make chapter`), so that the chapter
# validates at once: such an entry is a to-do, not a decision, and is superseded without a word when
# a row records its quantity (a decided entry that no quantity needs any more is reported)
NOT_YET_CODED = (
    "not yet coded: listed by the chapter's import; record it in an evidence row (and delete this "
    "line) or give the reason it stays uncoded"
)


@dataclass(frozen=True)
class Uncoded:
    chapter: int
    section: str
    quantity: str
    passage: str
    reason: str
    line: int


def page_line(page: Path, paragraph: str, offset: int) -> int:
    """The line of a chapter page on which a paragraph's character `offset` stands."""
    text = page.read_text(encoding="utf-8")
    start_words = paragraph[:40]
    at = text.find(start_words)
    if at < 0:
        return 0
    return text.count("\n", 0, at) + 1 + paragraph[:offset].count("\n")


def unaccounted_quantities(
    rows: list[dict], uncoded: list[Uncoded], context: Context, uncoded_shown: str
) -> list[Problem]:
    """Each quantity of each chapter page that no row records (in its quote, as its value) and the
    uncoded list does not give a reason for; and each uncoded entry that names nothing on its page."""
    problems = []
    used: set[Uncoded] = set()
    for chapter in chapters.all_chapters(context.chapters_dir):
        for section in chapter.sections():
            page = section_page(chapter, section, context)
            own_rows = [
                row
                for row in rows
                if row.get("chapter") == str(chapter.number) and row.get("section") == section
            ]
            own_uncoded = [u for u in uncoded if u.chapter == chapter.number and u.section == section]
            for paragraph in context.paragraphs(page):
                for quantity in quantities(paragraph):
                    if _recorded(quantity, paragraph, own_rows):
                        continue
                    listed = _listed(quantity, paragraph, own_uncoded, used)
                    if listed is not None:
                        used.add(listed)
                        continue
                    around = paragraph[max(0, quantity.start - 40) : quantity.end + 40]
                    problems.append(
                        Problem(
                            context.shown_page(page),
                            page_line(page, paragraph, quantity.start),
                            "quantity",
                            (
                                f"{quantity.text!r} (…{around}…) is neither a row's value (with a quote "
                                f"holding it) nor listed with a reason in {uncoded_shown}"
                            ),
                        )
                    )
    for entry in uncoded:
        if entry not in used and entry.reason != NOT_YET_CODED:
            problems.append(
                Problem(
                    uncoded_shown,
                    entry.line,
                    "passage",
                    (
                        f"{entry.quantity!r} is not an unrecorded quantity of this passage of chapter "
                        f"{entry.chapter}, section {entry.section!r} (the passage is not on the page, does "
                        "not state it, or a row records it): correct or remove the entry"
                    ),
                )
            )
    return problems


def _spans(passage: str, paragraph: str) -> Iterator[tuple[int, int]]:
    at = paragraph.find(passage)
    while passage and at >= 0:
        yield at, at + len(passage)
        at = paragraph.find(passage, at + 1)


def _recorded(quantity: Quantity, paragraph: str, rows: list[dict]) -> bool:
    for row in rows:
        try:
            value = float(row.get("value", ""))
        except ValueError:
            continue
        if not states_value(quantity, value):
            continue
        if any(
            start <= quantity.start and quantity.end <= end for start, end in _spans(row["quote"], paragraph)
        ):
            return True
    return False


def _listed(
    quantity: Quantity, paragraph: str, uncoded: list[Uncoded], used: set[Uncoded] = frozenset()
) -> Uncoded | None:
    """The entry that lists the quantity: one not yet used by another quantity where there is one
    (two quantities of the same words can stand in one entry's passage, each with an entry)."""
    listing = [
        entry
        for entry in uncoded
        if entry.quantity == quantity.text
        and any(
            start <= quantity.start and quantity.end <= end for start, end in _spans(entry.passage, paragraph)
        )
    ]
    # a decided entry before the import's to-do for the same quantity (a to-do left unused is silent)
    listing.sort(key=lambda entry: entry.reason == NOT_YET_CODED)
    return next((entry for entry in listing if entry not in used), listing[0] if listing else None)
