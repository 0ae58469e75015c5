"""The evidence data: the real files pass, and each kind of bad input gets its own located message."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from startup_capitalism import evidence, paths
from startup_capitalism.evidence import EVIDENCE_RESOURCE, validate_file

HEADER = [field["name"] for field in evidence.schema_fields(EVIDENCE_RESOURCE)]
REAL_LINES = paths.EVIDENCE_CSV.read_text(encoding="utf-8").splitlines()


def real_rows(count: int = 3) -> list[dict]:
    return list(csv.DictReader(io.StringIO("\n".join(REAL_LINES[: count + 1]))))


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


def problems_of(path) -> list[str]:
    _, problems = validate_file(path, EVIDENCE_RESOURCE)
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
    ("semicolon delimiter", _text(";".join(HEADER) + "\n" + ";".join(["x"] * len(HEADER)) + "\n"), 1,
     "separated by semicolons"),
    ("tab delimiter", _text("\t".join(HEADER) + "\n"), 1, "separated by tabs"),
    ("stray quote", _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\n" + 'jp-op-99,2,Japan,opening,,,,,,,,,event,a "quoted" title' + ",,,,,,,x,\n"), 3,
     "stray double quote"),
    ("unclosed quote", _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\n" + 'jp-op-99,2,Japan,"opening\n'), 3,
     "never closed"),
    ("short row", _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\njp-op-99,2,Japan\n"), 3, "short row"),
    ("long row", _text(HEADER_LINE + "\n" + REAL_LINES[1] + ",extra\n"), 2, "long row"),
    ("missing column", _text(HEADER_LINE.replace(",citation", "") + "\n"), 1, "citation: missing column"),
    ("unknown column", _text(HEADER_LINE + ",colour\n"), 1, "colour: unknown column"),
    ("non-UTF-8 bytes", _bytes((HEADER_LINE + "\n" + REAL_LINES[1] + "\n").encode() + b"jp-op-99,2,Japan,op\xe9ning\n"), 3,
     "not UTF-8"),
    ("duplicate id", _rows(with_change(id=real_rows()[0]["id"])), 3, "duplicate"),
    ("year out of range", _rows(with_change(year="2150")), 3, "year"),
    ("year_end before year", _rows(with_change(year="2018", year_end="2010", date_precision="year")), 3, "is before year"),
    ("unit without value", _rows(with_change(value="", unit="percent")), 3, "a unit needs a number"),
    ("value not a number", _rows(with_change(value="twenty", unit="unicorns")), 3, "value"),
    ("unknown section", _rows(with_change(section="economy")), 3, "section"),
    ("unknown dimension", _rows(with_change(dimension="culture")), 3, "dimension"),
    ("quote not in the chapter", _rows(with_change(quote="Japan invented the startup in 1066.")), 3,
     "not found verbatim"),
    ("quote from the edition's own caption", _rows(with_change(quote="The evidence coded from each page of the chapter.")), 3,
     "not found verbatim"),
    ("citation not in the paragraph", _rows(with_change(citation="Nobody 1999, 1")), 3, "not in the quote's paragraph"),
    ("precision without year", _rows(with_change(year="", month="", day="", year_end="", date_precision="year")), 3,
     "date_precision"),
    ("empty line inside the data", _text(HEADER_LINE + "\n" + REAL_LINES[1] + "\n\n" + REAL_LINES[2] + "\n"), 3,
     "empty line"),
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
    for path, resource in ((paths.EVIDENCE_CSV, "evidence"), (paths.SCORES_CSV, "scores")):
        _, problems = validate_file(path, resource)
        assert problems == [], "\n".join(map(str, problems))


def test_make_validate_reports_every_problem_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    write_rows(bad, with_change(year="2150", unit="percent", value=""))
    result = subprocess.run(["make", "-s", "validate", f"EVIDENCE={bad}"], cwd=ROOT, capture_output=True, text=True)
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
    chapters.mkdir()
    page = (paths.CHAPTERS_DIR / "02-japan" / "employment.md").read_text(encoding="utf-8")
    (chapters / "employment.md").write_text(page.replace("12.5 years", "12.6 years"), encoding="utf-8")
    tenure = [r for r in csv.DictReader(io.StringIO(paths.EVIDENCE_CSV.read_text(encoding="utf-8")))
              if "12.5 years" in r["quote"]]
    assert tenure
    path = tmp_path / "evidence.csv"
    write_rows(path, tenure)
    _, problems = validate_file(path, EVIDENCE_RESOURCE, chapters_dir=chapters)
    assert any("not found verbatim" in str(p) for p in problems)


def test_loaded_frames_are_typed():
    rows = evidence.load_evidence()
    assert str(rows["year"].dtype) == "Int64"
    assert str(rows["value"].dtype) == "Float64"
    assert isinstance(rows["dimension"].dtype, pd.CategoricalDtype)
    assert rows["id"].is_unique


def test_an_unknown_section_is_an_error():
    with pytest.raises(KeyError, match="unknown section 'economy'"):
        evidence.section_rows(evidence.load_evidence(), 2, "economy")


# --- property-based: random input never produces a traceback --------------------------------

@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _, problems = validate_file(path, EVIDENCE_RESOURCE)
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
    validate_file(path, EVIDENCE_RESOURCE)


# --- coverage of the chapter's facts -----------------------------------------------------------

def test_the_evidence_covers_the_chapters_quantitative_facts():
    rows = evidence.load_evidence()
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


@pytest.mark.parametrize("title_part,year", [
    ("J-Startup", 2018), ("Mothers", 1999), ("JASDAQ", 2000), ("Angel Tax", 1997), ("Limited Partnership Act", 1997),
    ("SBIR", 1999), ("Venture Plaza", 1995), ("Cool Japan", 2013), ("Startup Visa", 2015), ("Re-Challenge", 2008),
    ("insolvency", 1999), ("Japan Venture Awards", 2000),
])
def test_founding_years_of_programs_and_laws(title_part, year):
    rows = evidence.load_evidence()
    match = rows[rows["title"].str.contains(title_part, case=False, regex=False)]
    assert (match["year"] == year).any(), f"no row for {title_part!r} dated {year}"


def test_all_five_figure_2_1_score_pairs():
    scores = evidence.load_scores()
    pairs = scores.pivot(index="dimension", columns="period", values="score")
    assert pairs.to_dict("index") == {
        "employment": {"antecedents": 1, "startup capitalism": 2},
        "finance": {"antecedents": 1, "startup capitalism": 3},
        "firm size": {"antecedents": 1, "startup capitalism": 2},
        "innovation": {"antecedents": 1, "startup capitalism": 3},
        "social purpose": {"antecedents": 3, "startup capitalism": 3},
    }
