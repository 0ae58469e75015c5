"""`make bench`: measure the builds, the tests, the preview and the pages, then the book at scale.

    python -m benchmarks [--runs 3] [--part all|book|scale] [--skip-test]

Prints one table (the median of the runs of each figure, with its goal) and writes it to
`benchmarks/results.md` and `_build/bench.json`. A part run alone replaces only its own figures in
those files. The book's figures are measured in this tree through `make`, as a person runs it (the
installs are done before the clock starts); the scale figures in temporary copies
(`benchmarks/scale.py`) that are removed afterwards. It prints; it never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks import lighthouse, report, scale, throttled_pages
from benchmarks.report import Figure
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


class Run:
    """A command timed to its end, its output kept, its process tree's memory sampled."""

    def __init__(self, command: list[str], cwd: Path = ROOT, env: dict | None = None):
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
    return "notebooks executed: " + ", ".join(str(r.executed) for r in runs)


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
    measured = throttled_pages.measure_pages(site, pages, runs=runs)
    weight = {p: sorted(r["bytes"] for r in results)[len(results) // 2] for p, results in measured.items()}
    heaviest = max(weight, key=weight.get)
    slowest = max(measured, key=lambda p: sorted(r["seconds_to_last_chart"] for r in measured[p])[runs // 2])
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
        f"{sorted(r['seconds_to_last_chart'] for r in measured[page])[runs // 2]:.2f} s, "
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
            note=f"{executions(cold)}; peak memory {max(r.peak_bytes for r in cold) / 1e9:.2f} GB",
        ),
        Figure(
            "no_change_html_s",
            "no-change `make html`",
            "s",
            [r.seconds for r in unchanged],
            3.0,
            "≤ 3 s",
            executions(unchanged),
        ),
        Figure(
            "prose_edit_html_s",
            "prose-edit `make html` (a paragraph added to a section page)",
            "s",
            [r.seconds for r in prose],
            4.0,
            "≤ 4 s, 0 notebooks executed",
            executions(prose),
        ),
        Figure(
            "data_edit_html_s",
            "data-edit `make html` (one evidence title reworded)",
            "s",
            [r.seconds for r in data],
            note=executions(data),
        ),
        Figure(
            "pdf_stage_s",
            "PDF stage of `make book` (the book's PDF and one per chapter)",
            "s",
            pdf_stage,
            note=f"whole `make book` on a built site: {statistics.median(b.seconds for b in books):.1f} s",
        ),
    ]
    say(f"live preview, save to reloaded page, {runs} runs")
    sys.path.insert(0, str(ROOT / "tools"))
    from preview_reload import save_and_wait_for_reload

    reloads, failures = [], []
    for _ in range(runs):
        try:
            reloads.append(save_and_wait_for_reload(ROOT)["seconds"])
        except Exception as error:  # a figure lost, not the whole benchmark
            failures.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    figures.append(
        Figure(
            "preview_reload_s",
            "`make preview`: save to reloaded page in Chromium",
            "s",
            reloads,
            note="; ".join(f"run failed: {f}" for f in failures),
        )
    )
    make("html")
    say(f"pages on a throttled link, {runs} loads each")
    site = ROOT / "_build" / "html"
    pages, notes = page_figures(
        site, throttled_pages.chapter_pages(site, FIRST_CHAPTER), runs, "real book", "real"
    )
    figures += pages
    say(f"the evidence explorer on a throttled link, then Lighthouse on three pages, {runs} runs each")
    seen, seen_notes = lighthouse.figures(site, runs)
    figures += seen
    notes += seen_notes
    if with_test:
        say("every test (pytest, as `make test` runs it after lint and validation), 1 run, about 6 minutes")
        test = Run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        figures.append(
            Figure(
                "make_test_s",
                "`make test`'s pytest (every test; lint and validation not timed)",
                "s",
                [test.seconds],
                note="passed" if test.returncode == 0 else f"FAILED (exit {test.returncode})",
            )
        )
    return figures, notes


SCALE_TESTS = ["tests/test_evidence.py", "tests/test_chapters.py", "tests/test_structure.py"]


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
        say(f"{label}: data tests ({', '.join(SCALE_TESTS)}), 1 run")
        tests = Run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SCALE_TESTS], book, environment
        )
        figures = [
            Figure(
                f"{key}_cold_html_s",
                f"{label}: cold HTML build",
                "s",
                [cold.seconds],
                note=f"{detail}; {cold.executed} notebooks executed; peak memory of the process tree "
                f"{cold.peak_bytes / 1e9:.2f} GB" + ("" if cold.returncode == 0 else "; BUILD FAILED"),
            ),
            Figure(
                f"{key}_no_change_html_s",
                f"{label}: no-change HTML build (driver, without make)",
                "s",
                [again.seconds],
                note=executions([again]),
            ),
            Figure(
                f"{key}_data_tests_s",
                f"{label}: data tests",
                "s",
                [tests.seconds],
                note=("passed" if tests.returncode == 0 else f"FAILED (exit {tests.returncode})"),
            ),
        ]
        notes = []
        if cold.returncode == 0:
            say(f"{label}: pages on a throttled link")
            site = book / "_build" / "html"
            pages = [p for dirname in pages_of for p in throttled_pages.chapter_pages(site, dirname)]
            page_figs, notes = page_figures(site, pages, page_runs, label, key)
            figures += page_figs
        return figures, notes


def scale_figures(page_runs: int, only: str | None = None) -> tuple[list[Figure], list[str]]:
    figures, notes = [], []
    cases = [
        (
            "20 chapters",
            "chapters20",
            lambda book: f"{len(scale.add_generated_chapters(book, 19)) + 1} chapters",
            [FIRST_CHAPTER, f"21-{scale.COUNTRIES[18].lower()}"],
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
        if only and key != only:
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
    "MB Vega bundle on pages with charts), uncompressed: Python's http.server sends no gzip. A fresh "
    "browser context, cache disabled, for each load.",
    "Peak memory: the sum of the resident memory of the build's whole process tree (driver, Sphinx, "
    "the kernels), sampled every 0.2 s with psutil.",
    "Tests at scale: the data tests only (test_evidence, test_chapters, test_structure); the whole "
    "suite builds and checks the book several times over and was not run at scale for lack of time.",
]


def goals_at_scale(figures: dict[str, Figure]) -> None:
    """The scale goals, which are relative to the real book's figures."""
    one, twenty = figures.get("cold_html_s"), figures.get("chapters20_cold_html_s")
    if one and twenty and one.median:
        twenty.limit = round(20 * one.median / CORES * 1.2, 1)
        twenty.goal = f"≤ 20 × one chapter ({one.median:.1f} s) ÷ {CORES} cores + 20 % = {twenty.limit} s"
    real = figures.get("real_heaviest_page_mb")
    for key in ("evidence10_heaviest_page_mb", "evidence100_heaviest_page_mb"):
        if real and real.median and key in figures:
            figures[key].limit = round(1.5 * real.median, 2)
            figures[key].goal = f"≤ 1.5 × the real book's ({real.median:.2f} MB) = {figures[key].limit} MB"


def load_previous(path: Path = BENCH_JSON) -> tuple[dict[str, Figure], list[str]]:
    if not path.is_file():
        return {}, []
    saved = json.loads(path.read_text(encoding="utf-8"))
    fields = set(Figure.__dataclass_fields__)
    return (
        {f["key"]: Figure(**{k: v for k, v in f.items() if k in fields}) for f in saved["figures"]},
        saved.get("notes", []),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per figure of the real book (scale: 1 build each)"
    )
    parser.add_argument("--part", choices=["all", "book", "scale"], default="all")
    parser.add_argument(
        "--case", choices=["chapters20", "evidence10", "evidence100"], help="one scale case only"
    )
    parser.add_argument(
        "--json", type=Path, default=BENCH_JSON, help="where the figures are read and written"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the table is written for people")
    parser.add_argument("--skip-test", action="store_true", help="leave out `make test` (6 minutes)")
    arguments = parser.parse_args(argv)
    about = report.machine()
    figures, notes = load_previous(arguments.json)
    if arguments.part in ("all", "book"):
        new, new_notes = book_figures(arguments.runs, not arguments.skip_test)
        figures.update({f.key: f for f in new})
        notes = [n for n in notes if not n.startswith(("real book", "Lighthouse"))] + new_notes
    if arguments.part in ("all", "scale"):
        new, new_notes = scale_figures(page_runs=1, only=arguments.case)
        figures.update({f.key: f for f in new})
        labels = {n.split(",")[0] for n in new_notes}
        notes = [n for n in notes if n.split(",")[0] not in labels] + new_notes
    goals_at_scale(figures)
    about["load_average_1_5_15_at_end"] = [round(x, 2) for x in os.getloadavg()]
    ordered = list(figures.values())
    print(report.table(ordered))
    report.write(
        ordered, about, METHOD + [n for n in notes if n not in METHOD], arguments.results, arguments.json
    )
    print(f"\nwritten: {arguments.results}, {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
