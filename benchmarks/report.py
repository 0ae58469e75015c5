"""The benchmark's figures and how they are written: one printed table, `benchmarks/results.md`
and `_build/bench.json`. Nothing here measures; nothing here fails a run."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured figure: every run's value, the goal beside it, and what a reader must know."""

    key: str  # stable name in bench.json
    what: str
    unit: str  # "s", "MB", "KB", "rows"
    runs: list[float] = field(default_factory=list)
    limit: float | None = None  # the goal, an upper bound in `unit` (None: no goal, a figure only)
    goal: str = ""  # the goal in words, as the issue gives it
    note: str = ""  # e.g. notebooks executed, peak memory, why a goal is missed
    higher_is_better: bool = False  # `limit` is a lower bound (a score)
    # the 1-minute load average around the runs (lowest and highest seen before and after each),
    # so a figure measured on a busy machine says so beside it
    load: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.median is None:
            return None
        return self.median >= self.limit if self.higher_is_better else self.median <= self.limit

    def verdict(self) -> str:
        return {None: "", True: "met", False: "MISSED"}[self.met]

    def load_shown(self) -> str:
        if not self.load:
            return ""
        low, high = min(self.load), max(self.load)
        return f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}"

    def shown(self) -> str:
        if self.median is None:
            return "not measured"
        digits = 0 if self.unit in {"rows", "KB", "points"} else 2 if self.median < 10 else 1
        return f"{self.median:.{digits}f} {self.unit}"


def load_now() -> float:
    """The machine's 1-minute load average now."""
    return round(os.getloadavg()[0], 2)


def machine() -> dict:
    """What the figures were measured on: CPU, cores, memory, and how busy the machine was."""
    model = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1e6, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def table(figures: list[Figure]) -> str:
    """The printed table: figure, median, runs, goal, verdict, load, note."""
    rows = [("figure", "median", "runs", "goal", "", "load", "note")]
    rows += [
        (f.what, f.shown(), str(len(f.runs)), f.goal, f.verdict(), f.load_shown(), f.note) for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 6 else cell for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def markdown(figures: list[Figure], about: dict, notes: list[str], profile: dict | None = None) -> str:
    missed = [f for f in figures if f.met is False]
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks`); each figure is the median of the runs "
        "given beside it. Speeds are measured, never asserted: the tests do not time anything.",
        "",
        "## Machine",
        "",
    ]
    out += [f"- {name.replace('_', ' ')}: {value}" for name, value in about.items()]
    out += [
        "",
        "## Figures",
        "",
        "The load column is the machine's 1-minute load average seen before and after each run of "
        "the figure (lowest–highest): on 2 cores, above about 1 the figure counts other work too.",
        "",
        "| figure | median | runs | goal | verdict | load | note |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| {f.what} | {f.shown()} | {len(f.runs)} | {f.goal} | {f.verdict()} | {f.load_shown()} | {f.note} |"
        for f in figures
    ]
    out += ["", "## Goals missed", ""]
    out += [f"- **{f.what}**: {f.shown()} against {f.goal}. {f.note}" for f in missed] or ["- none"]
    if profile:
        out += ["", *profile_markdown(profile)]
    if notes:
        out += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    return "\n".join(out) + "\n"


def profile_markdown(profile: dict) -> list[str]:
    """The profile part's findings (benchmarks/profile.py): per build, its phases, the functions
    that cost most (cumulative) and the time spent in each package's own code; then the imports."""
    out = ["## Profile", "", profile.get("how", "")]
    for build in profile.get("builds", []):
        out += ["", f"### {build['what']}", "", build.get("summary", "")]
        for title, rows in (
            ("Phases (cumulative seconds, from cProfile)", build.get("phases", [])),
            ("Top functions by cumulative time (wrappers folded into what they call)", build.get("top", [])),
            ("Own time by package (where the CPU went)", build.get("packages", [])),
        ):
            if rows:
                out += ["", f"{title}:", "", "| seconds | what |", "|---|---|"]
                out += [f"| {seconds:.2f} | {what} |" for what, seconds in rows]
    imports = profile.get("imports") or []
    for timed in [imports] if isinstance(imports, dict) else imports:
        out += ["", f"### {timed['what']}", "", timed.get("summary", ""), ""]
        out += ["| seconds | import (cumulative: with what it imports first) |", "|---|---|"]
        out += [f"| {seconds:.2f} | {what} |" for what, seconds in timed.get("top", [])]
    return out


def write(
    figures: list[Figure],
    about: dict,
    notes: list[str],
    markdown_path: Path,
    json_path: Path,
    profile: dict | None = None,
) -> None:
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(markdown(figures, about, notes, profile), encoding="utf-8")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": about,
        "notes": notes,
        "profile": profile or {},
        "figures": [{**asdict(f), "median": f.median, "met": f.met} for f in figures],
    }
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
