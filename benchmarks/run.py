"""`make bench`: measure the builds, the tests, the preview and the pages, profile a rebuild, then
the book at scale.

    python -m benchmarks [--runs 3] [--part all|book|profile|scale] [--skip-test] [--chapters 20]

Prints one table (the median of the runs of each figure, with its goal and the load average
around its runs) and writes it, once the run has finished, to `benchmarks/results.md` and
`_build/bench.json`. A part run alone replaces only its own figures (or profile) in those files.
The book's figures are measured in this tree through `make`, as a person runs it (the
installs are done before the clock starts); the scale figures in temporary copies
(`benchmarks/scale.py`) that are removed afterwards. It prints; it never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks import lighthouse, profiling, report, scale, throttled_pages
from benchmarks.report import Figure, load_now
from startup_capitalism.paths import ROOT

RESULTS = ROOT / "benchmarks" / "results.md"
BENCH_JSON = ROOT / "_build" / "bench.json"
EXECUTING = re.compile(r"^    executing \S+\.md$", re.MULTILINE)
# what a cold build starts without: the work folders, the execution cache, the published site, the stamps
COLD_PATHS = (
    "_build/work",
    "_build/work-pdf",
    "_build/.jupyter_cache",
    "_build/html",
    "_build/pdf",
    "_build/.validated",
)
FIRST_CHAPTER = "02-japan"
PROSE_PAGE = f"chapters/{FIRST_CHAPTER}/social-purpose.md"
PROSE_EDIT = "\n\nBenchmark edit: a paragraph added to time a rebuild, removed right after.\n"
CORES = os.cpu_count() or 1
# the issues' goals for figures of their own
PREVIEW_RELOAD_GOAL_S = 2.0  # issue 26: the preview's save-to-reload
MAKE_TEST_GOAL_S = 360.0  # issue 18: `make test` under 6 minutes on a quiet 2-core machine
SCALE_CHAPTERS = 20  # the scale case's chapters: the real one and generated ones
# a stage of the build driver and the time it printed for it
STAGE = re.compile(r"^==> \[\d+/\d+\] (.+)$\n(?:(?!==> ).*\n)*?    done in ([0-9.]+) s$", re.MULTILINE)
# pytest's last line ("3 failed, 40 passed, 2 deselected in 12.3s") and its failures (-ra)
PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected)")
PYTEST_FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


class Run:
    """A command timed to its end, its output kept, its process tree's memory sampled."""

    def __init__(self, command: list[str], cwd: Path = ROOT, env: dict | None = None):
        self.load = [load_now()]
        cpu_before = children_cpu_seconds()
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self.peak_bytes = 0
        sampler = threading.Thread(target=self._sample, args=(process.pid,), daemon=True)
        sampler.start()
        self.output, _ = process.communicate()
        self.seconds = time.monotonic() - started
        self.load.append(load_now())
        # the CPU time of the whole process tree (driver, Sphinx, the kernels): on a busy machine
        # this, not the wall time, says what the command costs; ÷ cores, a floor for the wall time
        self.cpu_seconds = children_cpu_seconds() - cpu_before
        self.returncode = process.returncode
        sampler.join(timeout=1)
        self.executed = len(EXECUTING.findall(self.output))
        if self.returncode != 0:
            print(f"    ! {' '.join(command)} exited {self.returncode}:\n" + self.output[-2000:], flush=True)

    def _sample(self, pid: int) -> None:
        try:
            root = psutil.Process(pid)
            while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
                total = 0
                for process in [root, *root.children(recursive=True)]:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_bytes = max(self.peak_bytes, total)
                time.sleep(0.2)
        except psutil.Error:
            pass


def children_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def make(*targets: str) -> Run:
    return Run(["make", "--no-print-directory", *targets])


def say(what: str) -> None:
    print(f"==> [bench] {what}", flush=True)


def clean_build(root: Path = ROOT) -> None:
    for name in COLD_PATHS:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def executions(runs: list[Run]) -> str:
    return (
        "notebooks executed: "
        + ", ".join(str(r.executed) for r in runs)
        + f"; CPU time (median) {statistics.median(r.cpu_seconds for r in runs):.1f} s"
    )


def loads(runs: list[Run]) -> list[float]:
    return [value for run in runs for value in run.load]


def stages(output: str) -> list[tuple[str, float]]:
    """The build driver's stages and the seconds it printed for each."""
    return [(what.split(",")[0].strip(), float(seconds)) for what, seconds in STAGE.findall(output)]


def stages_note(run: Run) -> str:
    return "; ".join(f"{what}: {seconds:.1f} s" for what, seconds in stages(run.output))


def tests_outcome(run: Run) -> str:
    """pytest's counts and the failed tests' ids, or how it ended when it printed none."""
    last = next(
        (line for line in reversed(run.output.splitlines()) if " in " in line and PYTEST_COUNTS.search(line)),
        "",
    )
    counts = ", ".join(f"{n} {what}" for n, what in PYTEST_COUNTS.findall(last))
    failed = PYTEST_FAILED.findall(run.output)
    outcome = ("passed" if run.returncode == 0 else f"FAILED (exit {run.returncode})") + (
        f": {counts}" if counts else ""
    )
    if failed:
        outcome += "; failed: " + ", ".join(failed[:12]) + (" ..." if len(failed) > 12 else "")
    return outcome


def edited(path: Path, change, runs: int) -> list[Run]:
    """`make html` after `change(text)` is saved to path; the file restored (and rebuilt) after each run."""
    original = path.read_text(encoding="utf-8")
    results = []
    try:
        for _ in range(runs):
            path.write_text(change(original), encoding="utf-8")
            results.append(make("html"))
            path.write_text(original, encoding="utf-8")
            make("html")
    finally:
        path.write_text(original, encoding="utf-8")
    return results


def edited_title(text: str) -> str:
    """The evidence with one fact's title reworded (a data edit that validates)."""
    header, first, rest = text.split("\n", 2)
    fields = first.split(",")
    title_at = header.split(",").index("title")
    fields[title_at] = fields[title_at] + " (edited)"
    return "\n".join([header, ",".join(fields), rest])


def page_figures(
    site: Path, pages: list[str], runs: int, label: str, key: str
) -> tuple[list[Figure], list[str]]:
    # every page loaded once (its weight is the same on every load), then the heaviest and the
    # slowest `runs - 1` times more, for their medians: the figures of a full `runs` each
    measured = throttled_pages.measure_pages(site, pages, runs=1)
    weight = {p: results[0]["bytes"] for p, results in measured.items()}
    heaviest = max(weight, key=weight.get)
    slowest = max(measured, key=lambda p: measured[p][0]["seconds_to_last_chart"])
    if runs > 1:
        again = throttled_pages.measure_pages(site, sorted({heaviest, slowest}), runs=runs - 1)
        for page, results in again.items():
            measured[page] += results
        slowest = max(
            (heaviest, slowest),
            key=lambda p: statistics.median(r["seconds_to_last_chart"] for r in measured[p]),
        )
    figures = [
        Figure(
            f"{key}_heaviest_page_mb",
            f"{label}: heaviest chapter page, transfer size",
            "MB",
            [r["bytes"] / 1e6 for r in measured[heaviest]],
            note=f"{heaviest}; {measured[heaviest][0]['charts']} charts",
        ),
        Figure(
            f"{key}_median_page_mb",
            f"{label}: median chapter page, transfer size",
            "MB",
            [sorted(weight.values())[len(weight) // 2] / 1e6],
            note=f"median over {len(weight)} pages",
        ),
        Figure(
            f"{key}_last_chart_s",
            f"{label}: time to last chart drawn, slowest page (10 Mbit/s, 40 ms)",
            "s",
            [r["seconds_to_last_chart"] for r in measured[slowest]],
            note=slowest,
        ),
    ]
    notes = [
        f"{label}, {page}: {weight[page] / 1e6:.2f} MB, last chart at "
        f"{statistics.median(r['seconds_to_last_chart'] for r in measured[page]):.2f} s "
        f"({len(measured[page])} load(s)), "
        f"{measured[page][0]['charts']} charts, {measured[page][0]['requests']} requests"
        for page in measured
    ]
    return figures, notes


def book_figures(runs: int, with_test: bool) -> tuple[list[Figure], list[str]]:
    make("deps")  # installs excluded: the .venv is complete before any clock starts
    say(f"cold HTML build, {runs} runs")
    cold = []
    for _ in range(runs):
        clean_build()
        cold.append(make("html"))
    say(f"no-change HTML build, {runs} runs")
    unchanged = [make("html") for _ in range(runs)]
    say(f"prose-edit HTML build, {runs} runs")
    prose = edited(ROOT / PROSE_PAGE, lambda text: text.rstrip("\n") + PROSE_EDIT, runs)
    say(f"data-edit HTML build, {runs} runs")
    data = edited(ROOT / "data" / "evidence.csv", edited_title, runs)
    say(f"PDF build (make book on a built site), {runs} runs")
    books = [make("book") for _ in range(runs)]
    pdf_stage = [
        float(m.group(1))
        for b in books
        for m in [re.search(r"PDF through LaTeX.*?\n(?:.*\n)*?    done in ([0-9.]+) s", b.output)]
        if m
    ]
    figures = [
        Figure(
            "cold_html_s",
            "cold `make html` (no work folder, no execution cache)",
            "s",
            [r.seconds for r in cold],
            note=f"{executions(cold)}; peak memory {max(r.peak_bytes for r in cold) / 1e9:.2f} GB; "
            f"stages of the first run: {stages_note(cold[0])}; CPU time {cold[0].cpu_seconds:.0f} s",
            load=loads(cold),
        ),
        Figure(
            "no_change_html_s",
            "no-change `make html`",
            "s",
            [r.seconds for r in unchanged],
            3.0,
            "≤ 3 s",
            executions(unchanged),
            load=loads(unchanged),
        ),
        Figure(
            "prose_edit_html_s",
            "prose-edit `make html` (a paragraph added to a section page)",
            "s",
            [r.seconds for r in prose],
            4.0,
            "≤ 4 s, 0 notebooks executed",
            executions(prose),
            load=loads(prose),
        ),
        Figure(
            "data_edit_html_s",
            "data-edit `make html` (one evidence title reworded)",
            "s",
            [r.seconds for r in data],
            note=executions(data),
            load=loads(data),
        ),
        Figure(
            "pdf_stage_s",
            "PDF stage of `make book` (the book's PDF and one per chapter)",
            "s",
            pdf_stage,
            note=f"whole `make book` on a built site: {statistics.median(b.seconds for b in books):.1f} s",
            load=loads(books),
        ),
    ]
    say(f"live preview, save to reloaded page, {runs} runs")
    sys.path.insert(0, str(ROOT / "tools"))
    from preview_reload import save_and_wait_for_reload

    reloads, failures, around = [], [], []
    for _ in range(runs):
        around.append(load_now())
        try:
            reloads.append(save_and_wait_for_reload(ROOT)["seconds"])
        except Exception as error:  # a figure lost, not the whole benchmark
            failures.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        around.append(load_now())
    figures.append(
        Figure(
            "preview_reload_s",
            "`make preview`: save to reloaded page in Chromium",
            "s",
            reloads,
            PREVIEW_RELOAD_GOAL_S,
            "≤ 2 s",
            "; ".join(f"run failed: {f}" for f in failures)
            or "from the save of a paragraph added to the first chapter's opening page",
            load=around,
        )
    )
    make("html")
    say(f"pages on a throttled link, {runs} loads each")
    site = ROOT / "_build" / "html"
    before = load_now()
    pages, notes = page_figures(
        site, throttled_pages.chapter_pages(site, FIRST_CHAPTER), runs, "real book", "real"
    )
    for figure in pages:
        figure.load = [before, load_now()]
    figures += pages
    say(f"the evidence explorer on a throttled link, then Lighthouse on three pages, {runs} runs each")
    before = load_now()
    seen, seen_notes = lighthouse.figures(site, runs)
    for figure in seen:
        figure.load = [before, load_now()]
    figures += seen
    notes += seen_notes
    if with_test:
        figures.append(make_test_figure())
    return figures, notes


def make_test_figure() -> Figure:
    """`make test` as a person runs it, once everything it installs is installed (untimed first).

    It runs alone: no build, preview or server of the bench is running, and its builds use their
    own folder (`_build/test`, set by tests/conftest.py) and scratch copies, never the bench's."""
    make("system-deps", "checkers")  # installs excluded, as for the builds (npm's checkers too)
    say("`make test` (lint, validation, every test), 1 run, about 6 minutes")
    test = make("test")
    return Figure(
        "make_test_s",
        "`make test` (lint, validation and every test, installs done)",
        "s",
        [test.seconds],
        MAKE_TEST_GOAL_S,
        "≤ 6 min on a quiet 2-core machine",
        tests_outcome(test),
        load=test.load,
    )


SCALE_TESTS = ["tests/test_evidence.py", "tests/test_chapters.py", "tests/test_structure.py"]
# the tests of those files that need the session-built book are left out at scale (the build is
# timed above; with them the figure timed a second full build, HTML, PDF and EPUB, of the copy)
WITHOUT_BUILT_BOOK = "benchmarks.without_built_book"


def scale_case(
    label: str, key: str, prepare, page_runs: int, pages_of: list[str]
) -> tuple[list[Figure], list[str]]:
    """Cold build, no-change build, pages and data tests of a generated book in a temporary copy."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{key}-") as folder:
        book = scale.copy_tree(Path(folder) / "book")
        detail = prepare(book)
        environment = scale.environment(book)
        driver = [sys.executable, "-m", "startup_capitalism", "build", "html", "--root", str(book)]
        say(f"{label}: cold HTML build, 1 run")
        cold = Run(driver, book, environment)
        say(f"{label}: no-change HTML build, 1 run")
        again = Run(driver, book, environment)
        say(f"{label}: data tests ({', '.join(SCALE_TESTS)}; those needing the built book left out), 1 run")
        tests = Run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", WITHOUT_BUILT_BOOK]
            + SCALE_TESTS,
            book,
            environment,
        )
        figures = [
            Figure(
                f"{key}_cold_html_s",
                f"{label}: cold HTML build",
                "s",
                [cold.seconds],
                note=f"{detail}; {cold.executed} notebooks executed; stages: {stages_note(cold)}; CPU time "
                f"{cold.cpu_seconds:.0f} s (÷ {CORES} cores: {cold.cpu_seconds / CORES:.0f} s); peak "
                f"memory of the process tree {cold.peak_bytes / 1e9:.2f} GB"
                + ("" if cold.returncode == 0 else "; BUILD FAILED"),
                load=cold.load,
            ),
            Figure(
                f"{key}_no_change_html_s",
                f"{label}: no-change HTML build (driver, without make)",
                "s",
                [again.seconds],
                note=executions([again]),
                load=again.load,
            ),
            Figure(
                f"{key}_data_tests_s",
                f"{label}: data tests",
                "s",
                [tests.seconds],
                note=tests_outcome(tests)
                + " (tests that assert facts of the real data fail on generated rows by design)",
                load=tests.load,
            ),
        ]
        notes = []
        if cold.returncode == 0:
            say(f"{label}: pages on a throttled link")
            site = book / "_build" / "html"
            pages = [p for dirname in pages_of for p in throttled_pages.chapter_pages(site, dirname)]
            before = load_now()
            page_figs, notes = page_figures(site, pages, page_runs, label, key)
            for figure in page_figs:
                figure.load = [before, load_now()]
            figures += page_figs
        return figures, notes


def scale_figures(
    page_runs: int, only: str | None = None, chapters: int = SCALE_CHAPTERS
) -> tuple[list[Figure], list[str]]:
    figures, notes = [], []
    last = scale.SOURCE_CHAPTER + chapters - 1  # the generated chapters follow the real one
    cases = [
        (
            f"{chapters} chapters",
            f"chapters{chapters}",
            lambda book: f"{len(scale.add_generated_chapters(book, chapters - 1)) + 1} chapters",
            [FIRST_CHAPTER, f"{last:02d}-{scale.COUNTRIES[chapters - 2].lower()}"],
        ),
        (
            "evidence ×10",
            "evidence10",
            lambda book: f"{scale.multiply_evidence(book, 10)} evidence rows",
            [FIRST_CHAPTER],
        ),
        (
            "evidence ×100",
            "evidence100",
            lambda book: f"{scale.multiply_evidence(book, 100)} evidence rows",
            [FIRST_CHAPTER],
        ),
    ]
    for label, key, prepare, pages_of in cases:
        if only and not key.startswith(only):
            continue
        case_figures, case_notes = scale_case(label, key, prepare, page_runs, pages_of)
        figures += case_figures
        notes += case_notes
    return figures, notes


# how the figures were made, for the reader of results.md
METHOD = [
    "Book figures: measured in this tree through `make`, as a person runs it, after `make deps` "
    "(installs excluded); a cold build starts without `_build/work`, the execution cache, the "
    "published site and the validation stamp. The prose edit adds a paragraph to a section page; the "
    "data edit rewords one evidence title; each is undone (and rebuilt, untimed) after its run.",
    "Scale figures: in temporary copies made by `benchmarks/scale.py` (removed afterwards), built "
    "with the driver (`startup_capitalism build html`), one build each. The 20-chapter book is the real "
    "chapter 2 and 19 chapters generated from its manuscript (new number, country and figure number; "
    "paragraphs verbatim), each imported with `make chapter`, with chapter 2's evidence rows and "
    "scores copied to it. Their notebooks are the ones `make chapter` writes (a table per section, "
    "Figure N.1): lighter than chapter 2's hand-written ones, so '20 × one chapter', with the real "
    "one-chapter book as 'one chapter', is a generous bound.",
    "Evidence ×10 and ×100: every real row replicated with a new id (a country code per copy) and a "
    "title marked as a copy; quotes unchanged, so they stay verbatim in their pages and the data "
    "validates.",
    "Page weight: what crossed the wire for the page and everything it loads (theme, fonts, the 0.9 "
    "MB Vega bundle on pages with charts), served gzip-compressed as a static host serves it "
    "(the bench's gzip site server). A fresh browser context, cache disabled, for each load; "
    "every page once (its weight is the same on every load), the heaviest and the slowest page "
    "again for the median of their runs.",
    "Peak memory: the sum of the resident memory of the build's whole process tree (driver, Sphinx, "
    "the kernels), sampled every 0.2 s with psutil.",
    "Tests at scale: the data tests only (test_evidence, test_chapters, test_structure) without "
    "those that need the session-built book (`-p benchmarks.without_built_book`): with them, the "
    "figure timed a second full build (HTML, PDF, EPUB) of the generated book, which at 20 "
    "chapters and ×100 ran past 5.5 minutes and was stopped by hand (exit -15). Tests that assert "
    "facts of the real data (its repeated facts, Figure 2.1's pairs) fail on generated rows by "
    "design; the note names them.",
    "`make test`: timed as a person runs it, after `make system-deps checkers` (installs excluded); "
    "nothing of the bench runs beside it (its builds use `_build/test` and scratch copies).",
    "Load: the 1-minute load average before and after each run of a figure; CPU time: the whole "
    "process tree's user and system time (`RUSAGE_CHILDREN`), which a busy machine inflates far "
    "less than the wall time.",
]


def goals_at_scale(figures: dict[str, Figure]) -> None:
    """The scale goals, which are relative to the real book's figures."""
    one = figures.get("cold_html_s")
    for key, figure in figures.items():
        many = re.fullmatch(r"chapters(\d+)_cold_html_s", key)
        if one and one.median and many:
            count = int(many.group(1))
            figure.limit = round(count * one.median / CORES * 1.2, 1)
            figure.goal = (
                f"≤ {count} × one chapter ({one.median:.1f} s) ÷ {CORES} cores + 20 % = {figure.limit} s"
            )
    real = figures.get("real_heaviest_page_mb")
    for key in ("evidence10_heaviest_page_mb", "evidence100_heaviest_page_mb"):
        if real and real.median and key in figures:
            figures[key].limit = round(1.5 * real.median, 2)
            figures[key].goal = f"≤ 1.5 × the real book's ({real.median:.2f} MB) = {figures[key].limit} MB"


def load_previous(path: Path = BENCH_JSON) -> tuple[dict[str, Figure], list[str], dict]:
    if not path.is_file():
        return {}, [], {}
    saved = json.loads(path.read_text(encoding="utf-8"))
    fields = set(Figure.__dataclass_fields__)
    return (
        {f["key"]: Figure(**{k: v for k, v in f.items() if k in fields}) for f in saved["figures"]},
        saved.get("notes", []),
        saved.get("profile", {}),
    )


# figures shown side by side, whatever order they were measured in (the rest follow as measured)
SHOWN_FIRST = ["cold_html_s", "make_test_s"]


def in_order(figures: dict[str, Figure]) -> list[Figure]:
    first = [figures[key] for key in SHOWN_FIRST if key in figures]
    return first + [f for key, f in figures.items() if key not in SHOWN_FIRST]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per figure of the real book (scale: 1 build each)"
    )
    parser.add_argument("--part", choices=["all", "book", "profile", "scale"], default="all")
    parser.add_argument(
        "--chapters",
        type=int,
        default=SCALE_CHAPTERS,
        help=f"chapters of the generated book at scale ({SCALE_CHAPTERS}; 3 for a quick check of the bench)",
    )
    parser.add_argument(
        "--case", choices=["chapters", "evidence10", "evidence100"], help="one scale case only"
    )
    parser.add_argument(
        "--json", type=Path, default=BENCH_JSON, help="where the figures are read and written"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the table is written for people")
    parser.add_argument("--skip-test", action="store_true", help="leave out `make test` (6 minutes)")
    arguments = parser.parse_args(argv)
    about = report.machine()
    figures, notes, profile = load_previous(arguments.json)
    if arguments.part in ("all", "book"):
        new, new_notes = book_figures(arguments.runs, not arguments.skip_test)
        figures.update({f.key: f for f in new})
        notes = [n for n in notes if not n.startswith(("real book", "Lighthouse"))] + new_notes
    if arguments.part in ("all", "profile"):
        say("profile of a no-change and a prose-edit `make html` (cProfile), and of the extension's imports")
        profile = profiling.profile(ROOT / PROSE_PAGE, lambda text: text.rstrip("\n") + PROSE_EDIT)
    if arguments.part in ("all", "scale"):
        new, new_notes = scale_figures(page_runs=1, only=arguments.case, chapters=arguments.chapters)
        figures.update({f.key: f for f in new})
        labels = {n.split(",")[0] for n in new_notes}
        notes = [n for n in notes if n.split(",")[0] not in labels] + new_notes
    goals_at_scale(figures)
    about["load_average_1_5_15_at_end"] = [round(x, 2) for x in os.getloadavg()]
    ordered = in_order(figures)
    print(report.table(ordered))
    report.write(
        ordered,
        about,
        METHOD + [n for n in notes if n not in METHOD],
        arguments.results,
        arguments.json,
        profile,
    )
    print(f"\nwritten: {arguments.results}, {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
