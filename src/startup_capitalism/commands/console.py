"""What a command prints: a line per stage, the problems with their file and line, and the full
output of each stage in `_build/logs/<stage>.log`."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# what to do about Sphinx's messages that do not say it themselves
HINTS = {
    "document isn't included in any toctree": "add `- file: {docname}` to _toc.yml (and to _toc-pdf.yml "
    "for a chapter page), next to its chapter's other pages",
    "Glue reference": "the notebook named in `:doc:` glues no such key: check the key's spelling",
}


def stage(number: int, total: int, what: str) -> float:
    print(f"==> [{number}/{total}] {what}", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f"    done in {time.monotonic() - started:.1f} s", flush=True)


def say(line: str) -> None:
    print(f"    {line}", flush=True)


class Problems(io.TextIOBase):
    """Sphinx's warning stream (and jupyter-book's error stream): every message is kept, and
    written to the stage's log as well."""

    def __init__(self, log: io.TextIOBase):
        self.log = log
        self.text = ""

    def write(self, text: str) -> int:
        if self.log.closed:  # a handler that kept this stream after its stage (at exit: a pool's last words)
            return sys.__stderr__.write(text)
        self.log.write(text)
        self.text += ANSI.sub("", text)
        return len(text)

    def lines(self) -> list[str]:
        return list(dict.fromkeys(line for line in self.text.splitlines() if line.strip()))


@contextlib.contextmanager
def stage_log(path: Path) -> Iterator[Problems]:
    """Everything this process and its children (kernels, TeX) write while inside goes to `path`;
    what is written to `sys.stderr` (Sphinx's warnings and errors) is also kept as the problems.
    Python's own warnings (deprecations in a library) go to the log only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("w", encoding="utf-8", errors="replace", buffering=1) as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        problems = Problems(log)
        try:
            with (
                warnings.catch_warnings(),
                contextlib.redirect_stdout(log),
                contextlib.redirect_stderr(problems),
            ):
                warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: (
                    log.write(warnings.formatwarning(message, category, filename, lineno, line))
                )
                yield problems
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def report(problems: list[str], root: Path) -> None:
    """Each problem on stderr, its path relative to the book, with a hint where Sphinx gives none."""
    for problem in problems:
        problem = problem.replace(f"{root}/", "")
        docname = problem.split(":")[0].rsplit(".", 1)[0]
        hint = next(
            (f"\n    -> {what.format(docname=docname)}" for cause, what in HINTS.items() if cause in problem),
            "",
        )
        print(f"  {problem}{hint}", file=sys.stderr, flush=True)
