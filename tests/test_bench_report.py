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
