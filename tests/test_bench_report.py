"""The benchmark's writer (`benchmarks/report.py`) on made-up figures: the table, results.md and
bench.json say the medians, the goals and which are missed. Nothing is timed here."""

import json

from benchmarks.report import Figure, markdown, table, write

FAKE = [
    Figure(
        "no_change_html_s",
        "no-change `make html`",
        "s",
        [2.9, 2.1, 2.5],
        3.0,
        "≤ 3 s",
        "notebooks executed: 0, 0, 0",
    ),
    Figure(
        "prose_edit_html_s",
        "prose-edit `make html`",
        "s",
        [4.5, 5.0, 4.8],
        4.0,
        "≤ 4 s",
        "why: Sphinx rewrites",
    ),
    Figure("real_heaviest_page_mb", "heaviest page", "MB", [3.4]),
]
MACHINE = {"cpu": "a made-up CPU", "cores": 2, "load_average_1_5_15": [1.0, 2.0, 3.0]}


def test_a_figure_is_the_median_of_its_runs_and_knows_its_goal():
    assert FAKE[0].median == 2.5 and FAKE[0].met is True
    assert FAKE[1].median == 4.8 and FAKE[1].met is False
    assert FAKE[2].met is None and FAKE[2].verdict() == ""


def test_the_table_has_one_line_per_figure_with_median_runs_goal_and_verdict():
    lines = table(FAKE).splitlines()
    assert len(lines) == 2 + len(FAKE)
    assert "2.50 s" in lines[2] and "≤ 3 s" in lines[2] and "met" in lines[2]
    assert "4.80 s" in lines[3] and "MISSED" in lines[3]
    assert "3.40 MB" in lines[4]


def test_results_md_lists_the_machine_and_the_missed_goals_with_their_reason():
    text = markdown(FAKE, MACHINE, ["a note"])
    missed = text.split("## Goals missed")[1].split("## Notes")[0]
    assert "prose-edit" in missed and "why: Sphinx rewrites" in missed
    assert "no-change" not in missed
    assert "a made-up CPU" in text and "load average 1 5 15: [1.0, 2.0, 3.0]" in text
    assert "- a note" in text


def test_bench_json_holds_every_run_the_median_and_the_verdict(tmp_path):
    write(FAKE, MACHINE, [], tmp_path / "results.md", tmp_path / "build" / "bench.json")
    saved = json.loads((tmp_path / "build" / "bench.json").read_text(encoding="utf-8"))
    by_key = {f["key"]: f for f in saved["figures"]}
    assert by_key["no_change_html_s"]["runs"] == [2.9, 2.1, 2.5]
    assert by_key["no_change_html_s"]["median"] == 2.5 and by_key["no_change_html_s"]["met"] is True
    assert by_key["prose_edit_html_s"]["met"] is False
    assert saved["machine"]["cores"] == 2
    assert (tmp_path / "results.md").read_text(encoding="utf-8").startswith("# Benchmark results")


def test_each_figure_shows_the_load_average_around_its_runs():
    busy = Figure("cold_html_s", "cold `make html`", "s", [30.0], load=[0.42, 1.9, 0.8])
    quiet = Figure("no_change_html_s", "no-change", "s", [2.0], load=[0.31, 0.34])
    text = markdown([busy, quiet, FAKE[2]], MACHINE, [])
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0].split(" | ")[5] == "load"
    assert "| 0.4–1.9 |" in rows[1] and "| 0.3 |" in rows[2]
    assert rows[3].split(" | ")[5] == ""  # a figure measured without its load: an empty cell
    assert "0.4–1.9" in table([busy])


PROFILE = {
    "how": "how it was profiled",
    "builds": [
        {
            "what": "No-change `make html`",
            "summary": "Sphinx read nothing.",
            "phases": [["Sphinx set-up", 0.8], ["read", 0.01]],
            "top": [["jupyter-book: lark/lark.py:__init__", 0.9]],
            "packages": [["lark", 0.6]],
        }
    ],
    "imports": {"what": "Imports", "summary": "1.4 s in all", "top": [["jsonschema", 1.1]]},
}


def test_the_profile_section_lists_each_builds_costs_with_their_seconds(tmp_path):
    text = markdown(FAKE, MACHINE, ["a note"], PROFILE)
    profile = text.split("## Profile")[1].split("## Notes")[0]
    assert "### No-change `make html`" in profile and "Sphinx read nothing." in profile
    assert (
        "| 0.80 | Sphinx set-up |" in profile and "| 0.90 | jupyter-book: lark/lark.py:__init__ |" in profile
    )
    assert "| 0.60 | lark |" in profile and "| 1.10 | jsonschema |" in profile
    assert "## Profile" not in markdown(FAKE, MACHINE, [])
    write(FAKE, MACHINE, [], tmp_path / "results.md", tmp_path / "bench.json", PROFILE)
    assert json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["profile"] == PROFILE


DRIVER_OUTPUT = """==> [1/4] validating data/ against data/datapackage.json and the chapter text
    running alongside the next stages
==> [2/4] executing the notebooks whose code or inputs changed, 2 at once
    executing notebooks/02-japan/finance.md
    done in 40.6 s
==> [3/4] HTML site, strict
    done in 12.3 s
==> [4/4] publishing
    site: _build/html/index.html
    done in 0.4 s
"""


def test_the_stages_of_a_build_are_read_from_the_drivers_lines():
    from benchmarks.run import stages

    assert stages(DRIVER_OUTPUT) == [
        ("executing the notebooks whose code or inputs changed", 40.6),
        ("HTML site", 12.3),
        ("publishing", 0.4),
    ]


def test_a_test_runs_outcome_names_its_counts_and_failed_tests():
    from benchmarks.run import tests_outcome

    class Ended:
        returncode = 1
        output = (
            "....F\n=========== short test summary info ============\n"
            "FAILED tests/test_evidence.py::test_the_repeated_facts_count_once - assert 5 == 12\n"
            "FAILED tests/test_evidence.py::test_malformed[quote on another page]\n"
            "2 failed, 40 passed, 9 deselected in 12.31s\n"
        )

    outcome = tests_outcome(Ended())
    assert outcome.startswith("FAILED (exit 1): 2 failed, 40 passed, 9 deselected")
    assert "tests/test_evidence.py::test_the_repeated_facts_count_once," in outcome
    assert outcome.endswith("tests/test_evidence.py::test_malformed[quote on another page]")
    Ended.returncode, Ended.output = -15, "....."
    assert tests_outcome(Ended()) == "FAILED (exit -15)"


def test_the_scale_goal_follows_the_chapter_count_and_the_test_figure_sits_by_the_cold_build():
    from benchmarks.run import CORES, goals_at_scale, in_order

    figures = {
        "cold_html_s": Figure("cold_html_s", "cold", "s", [30.0]),
        "no_change_html_s": Figure("no_change_html_s", "no-change", "s", [2.0]),
        "chapters3_cold_html_s": Figure("chapters3_cold_html_s", "3 chapters", "s", [40.0]),
        "make_test_s": Figure("make_test_s", "make test", "s", [300.0], 360.0, "≤ 6 min"),
    }
    goals_at_scale(figures)
    assert figures["chapters3_cold_html_s"].limit == round(3 * 30.0 / CORES * 1.2, 1)
    assert figures["chapters3_cold_html_s"].goal.startswith("≤ 3 × one chapter (30.0 s)")
    assert [f.key for f in in_order(figures)][:2] == ["cold_html_s", "make_test_s"]
