"""The bench's profile part: where a no-change and a prose-edit `make html` spend their time.

    python -m benchmarks --part profile         (or as part of `make bench`)

Each build is the driver (`python -m startup_capitalism build html`) run as `make html` runs it,
with the bench's `profile_hook/` on PYTHONPATH: its `sitecustomize` runs the driver and the
processes it spawns (Sphinx's, validation's) under cProfile, so nothing of the book's code changes
to be profiled.
cProfile slows the code it watches (every Python call is counted), so its seconds are larger
than the untimed build's; they say where the time goes, the figures say how long it takes. The
imports are timed apart with `python -X importtime -c "import startup_capitalism.sphinxext"`.
"""

from __future__ import annotations

import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from startup_capitalism.paths import ROOT

HOOK = Path(__file__).resolve().parent / "profile_hook"
# the build as `make html` runs it, and its processes profiled, by how their command line starts:
# the driver's, and the processes it spawns (Sphinx's; validation's when it runs), not the kernels
HTML_BUILD = [sys.executable, "-m", "startup_capitalism", "build", "html"]
PROGRAMS = {"-m build": "driver", "-c --multiprocessing-fork": "spawned"}
SPHINX = ("sphinx/application.py", "build")  # the spawned process that ran Sphinx has this
TOP = 10
# (where, function, what it is): the phases of a build, each a function whose cumulative time is
# the phase's; matched on the end of the file's path (the first match of the largest time wins)
PHASES = [
    ("commands/build.py", "build", "the whole build (Sphinx's process waited for)"),
    ("commands/build.py", "__init__", "validation's fingerprint of data, chapters and package"),
    ("commands/build.py", "execute_notebooks", "the notebooks' fingerprint (nothing executed)"),
    ("commands/build.py", "publish", "publishing (hard links of unchanged files, SHA256SUMS)"),
    ("<frozen importlib._bootstrap>", "_find_and_load", "every import"),
    ("sphinx/application.py", "__init__", "Sphinx set-up: configuration, extensions, environment"),
    ("sphinx/application.py", "_load_existing_env", "Sphinx set-up: the pickled environment loaded"),
    ("sphinx/application.py", "build", "Sphinx build: read, write, finish"),
    ("sphinx/builders/__init__.py", "read", "read: the changed documents parsed"),
    ("sphinx/builders/__init__.py", "write", "write: the changed pages written"),
    ("sphinx/builders/html/__init__.py", "finish", "finish: indices, search index, static files"),
]
EMIT = ("sphinx/events.py", "emit")
# frames that only pass the call on (the interpreter's and click's entry points)
PLUMBING = re.compile(r"^(<built-in method builtins.exec>|<module>|main|invoke|__call__|_main|run_module)$")


def short(function: tuple[str, int, str]) -> str:
    """`package/module.py:function` (site-packages and the tree's root cut off)."""
    filename, line, name = function
    if filename.startswith("<") or filename == "~":
        return name if filename == "~" else f"{filename}:{name}"
    path = filename.split("site-packages/")[-1].replace(f"{ROOT}/", "")
    return f"{path.replace('src/', '')}:{name}"


def package(filename: str) -> str:
    """The package a function's file belongs to (the book's own code by its tree folder)."""
    if filename == "~" or filename.startswith("<"):
        return "Python itself (builtins, imports' bytecode loading)"
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if filename.startswith(str(ROOT)):
        parts = filename.removeprefix(f"{ROOT}/").split("/")
        return (parts[1] if parts[0] == "src" and len(parts) > 2 else parts[0]) + " (this tree)"
    return "standard library"


def analyse(path: Path) -> dict:
    """The phases, the top functions (wrapper chains folded) and own time by package of one profile."""
    stats = pstats.Stats(str(path)).stats  # {function: (cc, nc, own, cumulative, callers)}
    total = max((entry[3] for entry in stats.values()), default=0.0)
    phases = []
    for where, name, what in PHASES:
        times = [entry[3] for (f, _, n), entry in stats.items() if n == name and f.endswith(where)]
        if times:
            phases.append([what, round(max(times), 3)])
    handlers: dict[str, float] = defaultdict(float)
    for function, (*_, callers) in stats.items():
        for caller, edge in callers.items():
            if caller[2] == EMIT[1] and caller[0].endswith(EMIT[0]):
                handlers[package(function[0])] += edge[3]
    phases += [
        [f"Sphinx event handlers of {name}", round(seconds, 3)]
        for name, seconds in sorted(handlers.items(), key=lambda kv: -kv[1])[:5]
        if seconds >= 0.01
    ]
    own: dict[str, float] = defaultdict(float)
    for function, entry in stats.items():
        own[package(function[0])] += entry[2]
    return {
        "total": round(total, 3),
        "phases": phases,
        "top": top_functions(stats),
        "packages": [[name, round(s, 3)] for name, s in sorted(own.items(), key=lambda kv: -kv[1])[:8]],
    }


def top_functions(stats: dict, count: int = TOP) -> list[list]:
    """The functions with the largest cumulative time, a wrapper left out when the one function it
    calls takes (nearly) all of its time: a chain of wrappers shows once, at its working end."""
    ranked = sorted(stats.items(), key=lambda kv: -kv[1][3])
    chosen: list[list] = []
    for function, (_, _, own, cumulative, _) in ranked:
        if cumulative < 0.02 or len(chosen) == count:
            break
        if PLUMBING.match(function[2]) or function[0] == "~" and "exec" in function[2]:
            continue
        callees = [(f, e) for f, e in stats.items() if function in e[4]]
        heaviest = max((e[4][function][3] for _, e in callees), default=0.0)
        if heaviest >= 0.9 * cumulative and own < 0.1 * cumulative:
            continue  # a wrapper: its heaviest callee is listed instead
        chosen.append([short(function), round(cumulative, 3)])
    return chosen


def profiled_build(folder: Path, label: str) -> dict:
    """`python -m startup_capitalism build html` with the driver and Sphinx's process under cProfile."""
    out = folder / label
    out.mkdir(parents=True)
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT / "src")]),
        "BENCH_PROFILE_DIR": str(out),
        "BENCH_PROFILE_PROGRAMS": "|".join(PROGRAMS),
    }
    started = time.monotonic()
    result = subprocess.run(
        HTML_BUILD,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    found: dict[str, list[Path]] = {"driver": [], "Sphinx": []}
    for profile in sorted(out.glob("*.prof")):
        if profile.name.startswith("m_build-"):
            found["driver"].append(profile)
        elif any(f.endswith(SPHINX[0]) and n == SPHINX[1] for f, _, n in pstats.Stats(str(profile)).stats):
            found["Sphinx"].append(profile)  # (a spawned validation process is left out)
    phases, top, packages = [], [], []
    for program, profiles in found.items():
        for profile in profiles:
            found_in = analyse(profile)
            phases += [[f"{program}: {what}", s] for what, s in found_in["phases"]]
            # the top functions and packages of the process that ran Sphinx
            if program == "Sphinx" or not found["Sphinx"]:
                top += [[f"{program}: {what}", s] for what, s in found_in["top"]]
                packages = found_in["packages"]
    read = re.search(r"reading sources\.\.\. \[100%\] (\S+)", log_text("html"))
    outdated = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", log_text("html"))
    summary = (
        f"Under cProfile the whole build took {seconds:.2f} s (exit {result.returncode}); "
        + (f"Sphinx found {outdated.group(0)} document(s)" if outdated else "Sphinx read nothing")
        + (f", the last read {read.group(1)}" if read else "")
        + "."
    )
    return {"what": label, "summary": summary, "phases": phases, "top": top, "packages": packages}


def log_text(builder: str) -> str:
    from startup_capitalism.paths import build_folder

    log = build_folder(ROOT) / "logs" / f"{builder}.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def heaviest_imports(lines: list[str], leave_out: str = "") -> tuple[float, list[list]]:
    """From `-X importtime` lines: the seconds of every outermost import together, and the heaviest
    packages, each at its outermost (largest) entry, with what it imported first."""
    entries = []  # (name, cumulative seconds, depth)
    for line in lines:
        found = IMPORT_LINE.match(line)
        if found:
            entries.append((found.group(4), int(found.group(2)) / 1e6, len(found.group(3)) // 2))
    total = sum(seconds for _, seconds, depth in entries if depth == 0)
    by_package: dict[str, float] = {}
    for name, seconds, _ in entries:
        root = name.split(".")[0]
        if name != leave_out and seconds > by_package.get(root, 0.0):
            by_package[root] = seconds
    heaviest = sorted(by_package.items(), key=lambda kv: -kv[1])[:TOP]
    return total, [[name, round(seconds, 3)] for name, seconds in heaviest]


def imports(module: str = "startup_capitalism.sphinxext") -> dict:
    """`python -X importtime -c "import <module>"`: its seconds and the heaviest packages."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    total, top = heaviest_imports(result.stderr.splitlines(), leave_out=module)
    return {
        "what": f'Imports: `python -X importtime -c "import {module}"`',
        "summary": f"Importing `{module}` took {total:.2f} s in all (exit {result.returncode}). "
        "Each package below at its outermost import; they overlap where one imports another.",
        "top": top,
    }


def imports_of_a_build() -> dict:
    """The imports of a no-change `make html`'s processes, the driver's and Sphinx's (no cProfile:
    Python's own `PYTHONPROFILEIMPORTTIME`, whose lines both write to the stderr they share)."""
    environment = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    started = time.monotonic()
    result = subprocess.run(HTML_BUILD, cwd=ROOT, env=environment, capture_output=True, text=True)
    seconds = time.monotonic() - started
    total, top = heaviest_imports(result.stderr.splitlines())
    return {
        "what": "Imports of a no-change `make html` (the driver and Sphinx's process; "
        "`PYTHONPROFILEIMPORTTIME`)",
        "summary": f"Their imports took {total:.2f} s of a {seconds:.2f} s build (import timing on).",
        "top": top,
    }


HOW = (
    "What a no-change and a prose-edit `make html` spend their time on, profiled with cProfile in "
    "the driver and the process it spawns for Sphinx, by `benchmarks/profiling.py`. "
    "cProfile slows every Python call it counts, so its seconds run above the timed figures: read "
    "them as shares. Phases are nested (the set-up includes the environment's loading; the build "
    "includes read and write)."
)


def profile(prose_page: Path, prose_edit) -> dict:
    """The profile of a no-change build and of a prose edit (undone and rebuilt, untimed, after)."""
    # two builds first: after one that executed notebooks, the next re-reads the pages that paste
    # from them and the one after that `appendix/data` (seen 30 Nov); then a build changes nothing
    for _ in range(2):
        subprocess.run(HTML_BUILD, cwd=ROOT, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as folder:
        builds = [profiled_build(Path(folder), "No-change `make html`")]
        original = prose_page.read_text(encoding="utf-8")
        try:
            prose_page.write_text(prose_edit(original), encoding="utf-8")
            builds.append(
                profiled_build(Path(folder), f"Prose-edit `make html` ({prose_page.relative_to(ROOT)})")
            )
        finally:
            prose_page.write_text(original, encoding="utf-8")
            subprocess.run(HTML_BUILD, cwd=ROOT, capture_output=True)
    return {"how": HOW, "builds": builds, "imports": [imports_of_a_build(), imports()]}
