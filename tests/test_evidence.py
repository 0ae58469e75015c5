"""The evidence data: the real files pass, and each kind of bad input gets its own located message."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from startup_capitalism import evidence
from startup_capitalism.book import Book
from startup_capitalism.evidence import ACTORS_RESOURCE, EVIDENCE_RESOURCE, validate_file

BOOK = Book(ROOT)

HEADER = [field["name"] for field in evidence.schema_fields(EVIDENCE_RESOURCE, BOOK)]
REAL_LINES = BOOK.evidence_csv.read_text(encoding="utf-8").splitlines()


def real_rows(count: int = 3) -> list[dict]:
    """The first `count` real rows, as a file of their own (a link to a row outside them dropped)."""
    rows = list(csv.DictReader(io.StringIO("\n".join(REAL_LINES[: count + 1]))))
    ids = {row["id"] for row in rows}
    return [
        {**row, "same_fact_as": row["same_fact_as"] if row["same_fact_as"] in ids else ""} for row in rows
    ]


def write_rows(path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def with_change(**changes) -> list[dict]:
    """Three real rows, the second (line 3) with `changes` applied."""
    rows = real_rows()
    rows[1].update(changes)
    return rows


def with_repeat(**changes) -> list[dict]:
    """Three real rows and, on line 5, a copy of the second (line 3) under a new id with `changes`."""
    rows = real_rows()
    rows.append({**rows[1], "id": "jp-op-99", **changes})
    return rows


def problems_of(path) -> list[str]:
    _, problems = validate_file(path, EVIDENCE_RESOURCE, BOOK)
    return [str(problem) for problem in problems]


# (name, how to make the file, expected line, a phrase the message must contain)
def _text(text: str):
    return lambda path: path.write_text(text, encoding="utf-8")


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _rows(rows):
    return lambda path: write_rows(path, rows)


HEADER_LINE = ",".join(HEADER)
MALFORMED = [
    ("empty file", _text(""), 0, "the file is empty"),
    ("header only", _text(HEADER_LINE + "\n"), 1, "no data rows"),
    (
        "semicolon delimiter",
        _text(";".join(HEADER) + "\n" + ";".join(["x"] * len(HEADER)) + "\n"),
        1,
        "separated by semicolons",
    ),
    ("tab delimiter", _text("\t".join(HEADER) + "\n"), 1, "separated by tabs"),
    (
        "stray quote",
        _text(
            HEADER_LINE
            + "\n"
            + REAL_LINES[1]
            + "\n"
            + 'jp-op-99,2,Japan,opening,,,,,,,,,event,a "quoted" title'
            + ",,,,,,,x,\n"
        ),
        3,
        "stray double quote",
    ),
    (
        "unclosed quote",
        _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\n" + 'jp-op-99,2,Japan,"opening\n'),
        3,
        "never closed",
    ),
    ("short row", _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\njp-op-99,2,Japan\n"), 3, "short row"),
    ("long row", _text(HEADER_LINE + "\n" + REAL_LINES[1] + ",extra\n"), 2, "long row"),
    ("missing column", _text(HEADER_LINE.replace(",citation", "") + "\n"), 1, "citation: missing column"),
    ("unknown column", _text(HEADER_LINE + ",colour\n"), 1, "colour: unknown column"),
    (
        "non-UTF-8 bytes",
        _bytes((HEADER_LINE + "\n" + REAL_LINES[1] + "\n").encode() + b"jp-op-99,2,Japan,op\xe9ning\n"),
        3,
        "not UTF-8",
    ),
    (
        "duplicate id",
        _rows(with_change(id=real_rows()[0]["id"])),
        3,
        "id: duplicate id 'jp-op-01': line 2 already has it",
    ),
    ("year out of range", _rows(with_change(year="2150")), 3, "year"),
    (
        "year_end before year",
        _rows(with_change(year="2018", year_end="2010", date_precision="year")),
        3,
        "is before year",
    ),
    ("unit without value", _rows(with_change(value="", unit="percent")), 3, "a unit needs a number"),
    ("value not a number", _rows(with_change(value="twenty", unit="unicorns")), 3, "value"),
    ("unknown section", _rows(with_change(section="economy")), 3, "section"),
    ("unknown dimension", _rows(with_change(dimension="culture")), 3, "dimension"),
    (
        "quote not in the chapter",
        _rows(with_change(quote="Japan invented the startup in 1066.")),
        3,
        "not found verbatim",
    ),
    (
        "quote from the edition's own caption",
        _rows(with_change(quote="The evidence coded from each page of the chapter.")),
        3,
        "not found verbatim",
    ),
    (
        "citation not in the paragraph",
        _rows(with_change(citation="Nobody 1999, 1")),
        3,
        "not in the quote's paragraph",
    ),
    (
        "precision without year",
        _rows(with_change(year="", month="", day="", year_end="", date_precision="year")),
        3,
        "date_precision",
    ),
    # issue 12: actors, dates, amounts, one row per fact
    (
        "unknown actor id",
        _rows(with_change(actor_id="nobody-at-all")),
        3,
        "actor_id: row jp-op-02: unknown actor 'nobody-at-all'",
    ),
    (
        "actor wording not a form of its actor",
        _rows(with_change(actor="Seko")),
        3,
        "'Seko' is not one of the forms",
    ),
    (
        "actor without actor_id",
        _rows(with_change(actor_id="")),
        3,
        "actor_id: row jp-op-02: empty, but actor",
    ),
    (
        "decade without year_end",
        _rows(with_change(year="1990", month="", day="", year_end="", date_precision="decade")),
        3,
        "year_end: row jp-op-02: empty, but date_precision is 'decade'",
    ),
    (
        "period without year_end",
        _rows(with_change(year="2000", month="", day="", year_end="", date_precision="approximate")),
        3,
        "an approximate period needs its last year",
    ),
    (
        "decade not ten years",
        _rows(with_change(year="1990", month="", day="", year_end="1995", date_precision="decade")),
        3,
        "a decade runs from a year ending in 0",
    ),
    (
        "year_end without year",
        _rows(with_change(year="", month="", day="", year_end="2027", date_precision="")),
        3,
        "year_end: row jp-op-02: 2027 is given but year is empty",
    ),
    (
        "open period without year",
        _rows(with_change(year="", month="", day="", date_precision="", open_ended="true")),
        3,
        "open_ended: row jp-op-02: true, but year is empty",
    ),
    (
        "open_ended not true or false",
        _rows(with_change(open_ended="yes")),
        3,
        "open_ended must be true, false or empty",
    ),
    (
        "qualifier not in the list",
        _rows(with_change(value="3", unit="percent", value_qualifier="roughly")),
        3,
        "value_qualifier: row jp-op-02: 'roughly' is not an allowed value_qualifier",
    ),
    (
        "value without qualifier",
        _rows(with_change(value="3", unit="percent", value_qualifier="")),
        3,
        "say how the text qualifies it",
    ),
    (
        "duplicate fact without same_fact_as",
        _rows(with_repeat()),
        5,
        "same_fact_as: row jp-op-99: same quote, date and title as row 'jp-op-02' (line 3)",
    ),
    ("same_fact_as naming no row", _rows(with_change(same_fact_as="jp-op-98")), 3, "unknown row 'jp-op-98'"),
    (
        "same_fact_as naming itself",
        _rows(with_change(same_fact_as="jp-op-02")),
        3,
        "points to the row itself",
    ),
    (
        "same_fact_as naming a repeat",
        _rows(
            with_repeat(same_fact_as="jp-op-02")
            + [{**real_rows()[2], "id": "jp-op-98", "same_fact_as": "jp-op-99"}]
        ),
        6,
        "'jp-op-99' (line 5) itself points to 'jp-op-02'",
    ),
    # issue 10: messages a person can act on
    (
        "year with a letter",
        _rows(with_change(year="20I8")),
        3,
        "year: row jp-op-02: year must be a whole number such as 2018, got '20I8'",
    ),
    (
        "value with a comma",
        _rows(with_change(value="1,000", unit="entrepreneurs", value_qualifier="exact")),
        3,
        "value must be a plain number",
    ),
    (
        "quote on another section's page",
        _rows(with_change(section="finance")),
        3,
        "found only in chapters/02-japan/index.md (chapter 2, section 'opening'), "
        "not in its own section page chapters/02-japan/finance.md",
    ),
    (
        "quote with a typo",
        _rows(with_change(quote=real_rows()[1]["quote"].replace("Trade, and", "Trade and"))),
        3,
        "quote: row jp-op-02: not found verbatim in its section page chapters/02-japan/index.md; "
        "the closest passage differs at character",
    ),
    (
        "empty line inside the data",
        _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\n\n" + REAL_LINES[2] + "\n"),
        3,
        "empty line",
    ),
]


@pytest.mark.parametrize("name,make,line,phrase", MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_input_is_located_and_explained(tmp_path, name, make, line, phrase):
    path = tmp_path / "evidence.csv"
    make(path)
    problems = problems_of(path)
    assert problems, f"{name}: accepted"
    located = [p for p in problems if phrase in p]
    assert located, f"{name}: no message containing {phrase!r} in {problems}"
    prefix = f"{path}:{line}:" if line else f"{path}:"
    assert any(p.startswith(prefix) for p in located), f"{name}: expected line {line} in {located}"


def test_the_corpus_has_at_least_fifteen_distinct_cases():
    assert len({case[0] for case in MALFORMED}) >= 15


def test_the_real_data_passes():
    for path, resource in ((BOOK.evidence_csv, "evidence"), (BOOK.scores_csv, "scores")):
        _, problems = validate_file(path, resource, BOOK)
        assert problems == [], "\n".join(map(str, problems))


def test_make_validate_reports_every_problem_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    write_rows(bad, with_change(year="2150", unit="percent", value=""))
    result = subprocess.run(
        ["make", "-s", "validate", f"EVIDENCE={bad}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{bad}:3: year:" in result.stderr
    assert f"{bad}:3: value:" in result.stderr


def test_make_validate_passes_on_the_real_data():
    result = subprocess.run(["make", "-s", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "rows valid" in result.stdout


def test_a_prose_edit_that_breaks_a_quote_is_caught(tmp_path):
    chapters = tmp_path / "chapters"
    shutil.copytree(BOOK.chapters_dir, chapters)
    shutil.copy2(BOOK.config_file, tmp_path)  # the pages' book: read with its MyST extensions
    page = chapters / "02-japan" / "employment.md"
    page.write_text(page.read_text(encoding="utf-8").replace("12.5 years", "12.6 years"), encoding="utf-8")
    tenure = [
        r
        for r in csv.DictReader(io.StringIO(BOOK.evidence_csv.read_text(encoding="utf-8")))
        if "12.5 years" in r["quote"]
    ]
    assert tenure
    path = tmp_path / "evidence.csv"
    write_rows(path, tenure)
    _, problems = validate_file(path, EVIDENCE_RESOURCE, BOOK, chapters_dir=chapters)
    messages = [str(p) for p in problems if p.column == "quote"]
    assert len(messages) == len(tenure)
    for row, message in zip(tenure, messages, strict=True):
        assert f"row {row['id']}: not found verbatim in its section page" in message
        # the first differing character is marked in both the quote and the page
        assert "12.⟦5⟧ years" in message and "12.⟦6⟧ years" in message
        position = int(re.search(r"differs at character (\d+)", message).group(1))
        assert row["quote"][position - 1] == "5" and row["quote"][: position - 1].endswith("12.")


def test_a_duplicate_id_is_reported_once(tmp_path):
    path = tmp_path / "evidence.csv"
    write_rows(path, with_change(id=real_rows()[0]["id"]))
    assert [p for p in problems_of(path) if "duplicate" in p] == [
        f"{path}:3: id: duplicate id 'jp-op-01': line 2 already has it"
    ]


def test_every_message_about_a_row_names_its_id(tmp_path):
    path = tmp_path / "evidence.csv"
    write_rows(
        path, with_change(year="2150", value="", unit="percent", actor_id="nobody", quote="Not in the book.")
    )
    problems = problems_of(path)
    assert len(problems) >= 4
    assert all(p.startswith(f"{path}:3: ") and ": row jp-op-02: " in p for p in problems), problems


def write_actors(path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "type", "forms"])
        writer.writerows(rows)


def test_an_actor_with_two_types_is_rejected(tmp_path):
    path = tmp_path / "actors.csv"
    write_actors(
        path,
        [["renault", "Renault", "big business", "Renault"], ["renault", "Renault", "foreign", "Renault SA"]],
    )
    _, problems = validate_file(path, ACTORS_RESOURCE, BOOK)
    assert (
        f"{path}:3: type: row renault: actor 'renault' has two types: 'big business' on line 2 "
        "and 'foreign' here; an actor has one type" in [str(p) for p in problems]
    )


def test_a_form_naming_two_actors_is_rejected(tmp_path):
    path = tmp_path / "actors.csv"
    write_actors(
        path,
        [
            ["diet", "National Diet", "central government", "Diet"],
            ["the-diet", "The Diet", "central government", "the Diet | Diet"],
        ],
    )
    _, problems = validate_file(path, ACTORS_RESOURCE, BOOK)
    assert any(
        str(p).startswith(f"{path}:3: forms: ") and "'Diet' is already a form of 'diet' (line 2)" in str(p)
        for p in problems
    ), problems


def test_make_validate_names_an_unknown_actor(tmp_path):
    bad = tmp_path / "bad.csv"
    write_rows(bad, with_change(actor_id="nobody-at-all"))
    result = subprocess.run(
        ["make", "-s", "validate", f"EVIDENCE={bad}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"{bad}:3: actor_id: row jp-op-02: unknown actor 'nobody-at-all'" in result.stderr


# --- issue 12: the real data says what it means ---------------------------------------------

EVERY_ROW = evidence.load_evidence(BOOK, every_row=True)
# each repeat and the row the loader keeps (issue 23: the kept row has the more precise date)
REPEATED_FACTS = {
    "jp-op-02": "jp-fs-28",
    "jp-op-03": "jp-fs-29",
    "jp-sp-18": "jp-fin-50",
    "jp-cc-03": "jp-ant-21",
    "jp-fs-38": "jp-fin-22",
    "jp-emp-01": "jp-emp-42",
    "jp-fs-03": "jp-fin-42",
    "jp-op-18": "jp-fin-50",
    "jp-fin-52": "jp-ant-15",
    "jp-sp-28": "jp-sp-25",
}


def row(row_id: str) -> dict:
    return EVERY_ROW.set_index("id").loc[row_id].to_dict()


def test_every_kishida_row_refers_to_one_actor():
    kishida = EVERY_ROW[EVERY_ROW["actor"].str.contains("Kishida", na=False)]
    assert len(kishida) >= 5
    assert kishida["actor_id"].nunique() == 1
    assert set(kishida["actor_name"]) == {"Kishida government"}


def test_each_actor_has_one_type_and_each_text_form_one_actor():
    actors = evidence.load_actors(BOOK)
    assert actors["id"].is_unique
    forms = [form for cell in actors["forms"] for form in cell.split(" | ")]
    assert len(forms) == len(set(forms))
    assert set(EVERY_ROW["actor"].dropna()) <= set(forms)
    assert {row("jp-fin-11")["actor_type"], row("jp-fs-34")["actor_type"]} == {
        "bank or financial institution",
        "central government",
    }
    assert row("jp-emp-24")["actor_type"] != "academia or media"
    assert row("jp-fin-33")["actor_type"] == "big business"


def test_the_repeated_facts_count_once():
    facts = evidence.load_evidence(BOOK)
    for repeat, first in REPEATED_FACTS.items():
        assert row(repeat)["same_fact_as"] == first
        assert repeat not in set(facts["id"]) and first in set(facts["id"])
    assert len(facts) == len(EVERY_ROW) - len(REPEATED_FACTS)
    assert set(EVERY_ROW["same_fact_as"].dropna()) == set(REPEATED_FACTS.values())


def test_no_period_lacks_year_end_and_open_periods_are_coded_one_way():
    periods = EVERY_ROW[EVERY_ROW["date_precision"].isin(["decade", "approximate"])]
    assert periods["year_end"].notna().all()
    assert EVERY_ROW[EVERY_ROW["year_end"].notna()]["year"].notna().all()
    since_the_1990s = EVERY_ROW[EVERY_ROW["quote"].str.contains("since the 1990s")]
    assert len(since_the_1990s) == 3
    assert {
        (r["year"], r["year_end"], r["date_precision"], r["open_ended"])
        for r in since_the_1990s.to_dict("records")
    } == {(1990, 1999, "decade", True)}


def test_approximate_amounts_are_qualified_and_stated_magnitudes_recorded():
    assert (row("jp-emp-05")["value"], row("jp-emp-05")["value_qualifier"]) == (2, "just over")
    assert (row("jp-emp-06")["value"], row("jp-emp-06")["value_qualifier"]) == (5, "nearly")
    assert row("jp-fin-50")["value_qualifier"] == "order of magnitude" and row("jp-fin-50")["value"] == 1e7
    assert (
        row("jp-emp-38")["value_qualifier"] == "order of magnitude"
        and row("jp-emp-38")["unit"] == "entrepreneurs"
    )
    valued = EVERY_ROW[EVERY_ROW["value"].notna()]
    assert valued["value_qualifier"].notna().all()


def test_citations_borrowed_from_a_neighbouring_clause_are_gone():
    for row_id in ("jp-fin-60", "jp-sp-06", "jp-fin-51", "jp-fin-52", "jp-inn-04", "jp-inn-05", "jp-inn-06"):
        assert pd.isna(row(row_id)["citation"]), row_id
    assert row("jp-fin-59")["citation"] == "Economist 2018c"
    assert pd.isna(row("jp-fin-60")["geography"])
    assert "led to" not in row("jp-sp-02")["title"]
    assert not EVERY_ROW["title"].str.contains("'", regex=False).any()


def test_loaded_frames_are_typed():
    rows = evidence.load_evidence(BOOK)
    assert str(rows["year"].dtype) == "Int64"
    assert str(rows["value"].dtype) == "Float64"
    assert isinstance(rows["dimension"].dtype, pd.CategoricalDtype)
    assert rows["id"].is_unique


def test_an_unknown_section_is_an_error():
    with pytest.raises(KeyError, match="unknown section 'economy'"):
        evidence.section_rows(evidence.load_evidence(BOOK), BOOK.chapter(2), "economy")


# --- property-based: random input never produces a traceback --------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _, problems = validate_file(path, EVIDENCE_RESOURCE, BOOK)
    assert problems  # random bytes are never a valid evidence file


cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=5))
def test_random_rows_never_raise(tmp_path, rows):
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    validate_file(path, EVIDENCE_RESOURCE, BOOK)


# --- coverage of the chapter's facts -----------------------------------------------------------


def test_the_evidence_covers_the_chapters_quantitative_facts():
    rows = evidence.load_evidence(BOOK)
    assert len(rows) >= 150

    def stated(value, unit, **where):
        match = rows[(rows["value"] == value) & (rows["unit"] == unit)]
        for column, wanted in where.items():
            match = match[match[column].astype("string").fillna("") == wanted]
        return len(match) >= 1

    # job tenure in Japan, the US and the UK
    assert stated(12.5, "years", geography="")
    assert stated(4.1, "years", geography="United States")
    assert stated(8.6, "years", geography="United Kingdom")
    # fund sizes
    assert stated(1.5e12, "US dollars") and stated(7e9, "US dollars") and stated(1e11, "US dollars")
    assert stated(1.2e8, "yen")
    # tax rates
    assert stated(20, "percent") and stated(25, "percent") and stated(80, "percent") and stated(12, "percent")
    # unicorn targets
    assert stated(20, "unicorns") and stated(100, "unicorns")


@pytest.mark.parametrize(
    "title_part,year",
    [
        ("J-Startup", 2018),
        ("Mothers", 1999),
        ("JASDAQ", 2000),
        ("Angel Tax", 1997),
        ("Limited Partnership Act", 1997),
        ("SBIR", 1999),
        ("Venture Plaza", 1995),
        ("Cool Japan", 2013),
        ("Startup Visa", 2015),
        ("Re-Challenge", 2008),
        ("insolvency", 1999),
        ("Japan Venture Awards", 2000),
    ],
)
def test_founding_years_of_programs_and_laws(title_part, year):
    rows = evidence.load_evidence(BOOK)
    match = rows[rows["title"].str.contains(title_part, case=False, regex=False)]
    assert (match["year"] == year).any(), f"no row for {title_part!r} dated {year}"


def test_all_five_figure_2_1_score_pairs():
    scores = evidence.load_scores(BOOK)
    pairs = scores.pivot(index="dimension", columns="period", values="score")
    assert pairs.to_dict("index") == {
        "employment": {"antecedents": 1, "startup capitalism": 2},
        "finance": {"antecedents": 1, "startup capitalism": 3},
        "firm size": {"antecedents": 1, "startup capitalism": 2},
        "innovation": {"antecedents": 1, "startup capitalism": 3},
        "social purpose": {"antecedents": 3, "startup capitalism": 3},
    }


# --- issue 23: one actor per role, and rules that keep coding errors out ------------------------

REAL = {r["id"]: r for r in csv.DictReader(io.StringIO(BOOK.evidence_csv.read_text(encoding="utf-8")))}


def rows_of(*row_ids: str, **changes) -> list[dict]:
    """Real rows by id, links to rows outside them dropped; `changes` apply to the last one (line
    len(row_ids) + 1)."""
    rows = [dict(REAL[row_id]) for row_id in row_ids]
    for row in rows:
        row["same_fact_as"] = row["same_fact_as"] if row["same_fact_as"] in row_ids else ""
    rows[-1].update(changes)
    return rows


def problems_for(tmp_path, rows: list[dict]) -> list[str]:
    path = tmp_path / "evidence.csv"
    write_rows(path, rows)
    return [p.replace(f"{path}:", "evidence.csv:") for p in problems_of(path)]


def test_a_value_changed_away_from_its_quote_is_rejected(tmp_path):
    # a reviewer's test: 12.5 years in the quote, 13.5 in the value
    assert "12.5 years" in REAL["jp-emp-27"]["quote"]
    assert problems_for(tmp_path, rows_of("jp-op-01", "jp-emp-27")) == []
    problems = problems_for(tmp_path, rows_of("jp-op-01", "jp-emp-27", value="13.5"))
    assert len(problems) == 1
    assert problems[0].startswith(
        "evidence.csv:3: value: row jp-emp-27: 13.5 is not a quantity its quote states"
    )
    assert "'12.5'" in problems[0]


def test_values_written_in_words_and_with_scales_are_read():
    from startup_capitalism.evidence.rules import quantities

    stated = {q.text: q.values for q in quantities(REAL["jp-fin-56"]["quote"])}
    assert stated == {"24,000": (24000.0,), "US$7 billion": (7e9,)}  # the citation's year is no quantity
    assert [q.text for q in quantities("The plan had three intentions and nineteen clusters.")] == [
        "three",
        "nineteen",
    ]
    assert [q.values for q in quantities("the Kobe City Government paying half")] == [(0.5, 50)]
    assert quantities("in the twenty-first century, by 2027 (Vogel 2018, 106) and figure 2.1") == []


def test_a_year_not_in_the_quote_is_rejected(tmp_path):
    problems = problems_for(tmp_path, rows_of("jp-op-01", "jp-emp-27", year="2021"))
    assert problems == [
        "evidence.csv:3: year: row jp-emp-27: 2021 is not in the row's quote (citations aside): quote the "
        "passage that dates the fact, or leave the date empty"
    ]


def test_year_precision_on_a_decade_or_century_wording_is_rejected(tmp_path):
    assert "twenty-first century" in REAL["jp-cc-04"]["quote"]
    problems = problems_for(tmp_path, rows_of("jp-op-01", "jp-cc-04", date_precision="year"))
    assert len(problems) == 1 and problems[0].startswith(
        "evidence.csv:3: date_precision: row jp-cc-04: 'year', but the quote words 2000 only as a decade"
    )
    decade = problems_for(tmp_path, rows_of("jp-op-01", "jp-fs-01", date_precision="year", year_end=""))
    assert any(p.startswith("evidence.csv:3: date_precision: row jp-fs-01: 'year'") for p in decade), decade


def test_a_since_quote_dated_from_its_start_must_be_open_ended(tmp_path):
    assert REAL["jp-op-07"]["quote"].startswith("Since 2021") and REAL["jp-op-07"]["open_ended"] == "true"
    problems = problems_for(tmp_path, rows_of("jp-op-01", "jp-op-07", open_ended=""))
    assert len(problems) == 1
    assert problems[0].startswith(
        "evidence.csv:3: open_ended: row jp-op-07: empty, but the quote says 'Since 2021'"
    )
    # the same sentence's other fact, dated otherwise ("first began in the early 1990s"), is not open
    assert problems_for(tmp_path, rows_of("jp-op-01", "jp-op-06")) == []
    assert REAL["jp-op-06"]["open_ended"] == ""


def test_a_same_fact_pair_keeping_the_less_precise_date_is_rejected(tmp_path):
    kept, repeat = REAL["jp-fs-28"], REAL["jp-op-02"]
    assert repeat["same_fact_as"] == "jp-fs-28" and (kept["date_precision"], repeat["date_precision"]) == (
        "month",
        "year",
    )
    reversed_link = rows_of("jp-op-02", "jp-fs-28", same_fact_as="jp-op-02")
    reversed_link[0]["same_fact_as"] = ""
    problems = problems_for(tmp_path, reversed_link)
    assert len(problems) == 1
    assert problems[0].startswith(
        "evidence.csv:2: same_fact_as: row jp-op-02: the loader keeps this row and drops its repeat "
        "'jp-fs-28' (line 3), which dates the fact more precisely (month)"
    )


def test_partners_are_known_actors_other_than_the_main_one(tmp_path):
    assert problems_for(tmp_path, rows_of("jp-op-01", "jp-fs-34")) == []
    unknown = problems_for(
        tmp_path, rows_of("jp-op-01", "jp-fs-34", partner_ids="tokyo-stock-exchange;nobody")
    )
    assert unknown == [
        "evidence.csv:3: partner_ids: row jp-fs-34: unknown actor 'nobody': no row of data/actors.csv "
        "has that id (add the actor there, or correct the id)"
    ]
    itself = problems_for(tmp_path, rows_of("jp-op-01", "jp-fs-34", partner_ids="meti"))
    assert itself == ["evidence.csv:3: partner_ids: row jp-fs-34: lists the main actor 'meti' again"]


def test_an_actor_form_not_in_the_text_or_naming_two_actors_is_rejected(tmp_path):
    path = tmp_path / "actors.csv"
    write_actors(
        path,
        [
            ["meti", "METI", "central government", "METI | Yoshiaki Ishii (METI)"],
            ["nissan", "Nissan", "big business", "Nissan"],
            ["renault", "Renault", "big business", "Renault | Renault and Nissan"],
        ],
    )
    _, problems = validate_file(path, ACTORS_RESOURCE, BOOK)
    shown = [str(p).replace(f"{path}:", "actors.csv:") for p in problems]
    assert shown == [
        "actors.csv:2: forms: row meti: 'Yoshiaki Ishii (METI)' does not occur in the chapter text (case and "
        "punctuation exact): list the words the text uses",
        "actors.csv:4: forms: row renault: 'Renault and Nissan' names several actors (nissan, renault): "
        "an actor is one body; code the evidence row with actor_id and partner_ids instead",
    ]


def test_the_issue_23_findings_are_fixed():
    assert row("jp-op-07")["open_ended"] is True and row("jp-op-07")["year"] == 2021
    assert pd.isna(row("jp-fs-20")["citation"]) and row("jp-fs-21")["citation"] == "Seki 2008"
    assert (row("jp-fs-34")["actor_id"], row("jp-fs-34")["partner_ids"]) == ("meti", "tokyo-stock-exchange")
    actors = evidence.load_actors(BOOK)
    text = "\n".join(evidence.chapter_paragraphs(BOOK.chapters_dir))
    for forms in actors["forms"]:
        for form in forms.split(" | "):
            assert form in text, form
    groups = {"renault-nissan-mitsubishi", "toyota-fanuc-and-hitachi", "aoki-and-patrick-dore-inagami"}
    groups |= {
        "national-and-provincial-governments",
        "conglomerates-and-banks",
        "main-banks-and-insurance-companies",
    }
    assert not groups & set(actors["id"])  # the issue's group actors are gone
    assert row("jp-cc-04")["date_precision"] == "century"
    assert {row(r)["date_precision"] for r in ("jp-emp-05", "jp-emp-06")} == {"approximate"}
    assert actors.set_index("id").loc["japan-venture-capital-association", "type"] == "business association"


def test_charts_that_count_by_actor_count_every_partner():
    rows = evidence.load_evidence(BOOK)
    each = evidence.each_actor(rows, BOOK)
    alliance = each[each["id"] == "jp-fin-32"]
    assert list(alliance["actor_name"]) == ["Renault", "Nissan", "Mitsubishi"]
    partnered = rows["partner_ids"].notna()
    expected = len(rows) + sum(len(cell.split(";")) for cell in rows.loc[partnered, "partner_ids"])
    assert len(each) == expected
    assert rows.set_index("id").loc["jp-fs-34", "actor_names"] == (
        "Ministry of Economy, Trade and Industry (METI); Tokyo Stock Exchange"
    )


def test_every_quantity_of_the_chapter_is_recorded_or_listed():
    from startup_capitalism.evidence.uncoded import check_files

    assert check_files(BOOK) == []


def _quantity_messages(tmp_path, chapters=BOOK.chapters_dir, evidence_rows=None, uncoded_text=None):
    from startup_capitalism.evidence.uncoded import check_files

    evidence_path, uncoded_path = BOOK.evidence_csv, BOOK.uncoded_csv
    if evidence_rows is not None:
        evidence_path = tmp_path / "evidence.csv"
        write_rows(evidence_path, evidence_rows)
    if uncoded_text is not None:
        uncoded_path = tmp_path / "uncoded.csv"
        uncoded_path.write_text(uncoded_text, encoding="utf-8")
    return [str(p) for p in check_files(BOOK, evidence_path, BOOK.scores_csv, uncoded_path, chapters)]


def test_a_new_number_in_the_prose_is_reported_with_its_page_line(tmp_path):
    chapters = tmp_path / "chapters"
    shutil.copytree(BOOK.chapters_dir, chapters)
    shutil.copy2(BOOK.config_file, tmp_path)  # the pages' book: read with its MyST extensions
    page = chapters / "02-japan" / "finance.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("By the mid-1990s"))
    lines[at] += " It had 42 mentors."
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = _quantity_messages(tmp_path, chapters)
    assert len(messages) == 1
    assert messages[0].startswith(f"{page.relative_to(tmp_path)}:{at + 1}: quantity: '42' ")


def test_a_value_no_row_records_any_more_is_reported(tmp_path):
    rows = [r for r in REAL.values() if r["id"] != "jp-fin-62"]  # Sumitomo Mitsui's two funds
    messages = _quantity_messages(tmp_path, evidence_rows=rows)
    assert len(messages) == 1 and "finance.md:" in messages[0] and ": quantity: 'two' " in messages[0]


def test_a_stale_or_unreasoned_uncoded_entry_is_rejected(tmp_path):
    header = "chapter,section,quantity,passage,reason\n"
    real = BOOK.uncoded_csv.read_text(encoding="utf-8")
    stale = (
        real + "2,finance,two,Sumitomo Mitsui is a particularly active investor with its two funds,a name\n"
    )
    messages = _quantity_messages(tmp_path, uncoded_text=stale)
    line = stale.count("\n")
    assert messages == [
        f"{tmp_path / 'uncoded.csv'}:{line}: passage: 'two' is not an unrecorded quantity of this passage of "
        "chapter 2, section 'finance' (the passage is not on the page, does not state it, or a row records "
        "it): correct or remove the entry"
    ]
    no_reason = _quantity_messages(
        tmp_path, uncoded_text=header + "2,opening,a hundred,a hundred unicorns,\n"
    )
    assert no_reason == [f"{tmp_path / 'uncoded.csv'}:2: reason: empty: this column is required"]
