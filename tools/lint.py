"""ruff over the code and the notebooks' code, actionlint over CI.

    python tools/lint.py          # check only; exit 1 on any finding (`make test` runs this)
    python tools/lint.py --fix    # ruff format + ruff check --fix, notebooks included (`make lint`)

ruff reads its settings from pyproject.toml (line length 110). The MyST notebooks are written to a
temporary folder as .ipynb (jupytext), where ruff checks their code cells only; each finding is
reported at its line of the notebook's own `.md` file (`notebooks/NN-slug/page.md:LINE:COL: ...`).
`--fix` rewrites the MyST files through `jupytext --pipe`, which changes code cells only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

from startup_capitalism.book import Book, NotInABookError
from startup_capitalism.commands.execute import notebooks

CODE = ["src", "tools", "tests", "benchmarks", "conftest.py"]
WORKFLOWS = Path(".github") / "workflows"
BIN = Path(sys.executable).parent


def run(root: Path, command: list[str], rename: tuple[str, str] | None = None) -> bool:
    """Run a checker in `root`; print its output (temporary paths renamed to the notebooks');
    True if clean."""
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if rename:
        output = at_file_lines(root, output.replace(rename[0], rename[1]).replace(".ipynb", ".md"))
    if result.returncode != 0:
        print(output.rstrip(), file=sys.stderr)
    return result.returncode == 0


def cell_first_lines(notebook: Path) -> dict[int, int]:
    """{cell number, as ruff counts them (1-based, every cell): the line of the `.md` file where
    the cell's code begins}, for the code cells."""
    lines = notebook.read_text(encoding="utf-8").splitlines()
    starts, position = {}, 0
    for number, cell in enumerate(jupytext.read(notebook).cells, start=1):
        if cell.cell_type != "code":
            continue
        while position < len(lines) and not lines[position].startswith("```{code-cell}"):
            position += 1
        first = cell.source.splitlines()[0] if cell.source.strip() else None
        line = position + 1
        while first is not None and line < len(lines) and lines[line] != first:
            line += 1
        starts[number] = line + 1  # 1-based
        position += 1
    return starts


def at_file_lines(root: Path, output: str) -> str:
    """ruff's `NOTEBOOK.md:cell N:ROW:COL` (and its `::: cell N` frames) as `NOTEBOOK.md:LINE:COL`."""

    def line_of(notebook: str, cell: str, row: str) -> int:
        return cell_first_lines(root / notebook).get(int(cell), 1) + int(row) - 1

    output = re.sub(
        r"(\S+\.md):cell (\d+):(\d+):(\d+)",
        lambda m: f"{m[1]}:{line_of(m[1], m[2], m[3])}:{m[4]}",
        output,
    )
    return re.sub(r"::: cell \d+\n", "", output)


def check_notebook_code(
    root: Path, ruff: str, config: list[str], scratch: str, converted: dict[Path, Path]
) -> bool:
    """ruff check over the converted notebooks, each finding at its line of the `.md` file."""
    result = subprocess.run(
        [ruff, "check", "--output-format", "json", *config, scratch], cwd=root, capture_output=True, text=True
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        print(result.stdout + result.stderr, file=sys.stderr)
        return False
    for finding in sorted(findings, key=lambda f: (f["filename"], f.get("cell") or 0, f["location"]["row"])):
        notebook = converted[Path(finding["filename"]).resolve()]
        row, column = finding["location"]["row"], finding["location"]["column"]
        line = cell_first_lines(notebook).get(finding.get("cell"), 1) + row - 1
        fixable = " [*]" if finding.get("fix") else ""
        shown = notebook.relative_to(root)
        print(f"{shown}:{line}:{column}: {finding['code']}{fixable} {finding['message']}", file=sys.stderr)
    return not findings and result.returncode == 0


def check(root: Path, pages: list[Path]) -> bool:
    """ruff and actionlint over the tree at `root`, its MyST notebooks `pages` included."""
    ruff = str(BIN / "ruff")
    clean = run(root, [ruff, "check", "--output-format", "concise", *CODE])
    clean &= run(root, [ruff, "format", "--check", "--diff", *CODE])
    with tempfile.TemporaryDirectory(prefix="lint-notebooks-") as scratch:
        converted = {}
        for notebook in pages:
            target = Path(scratch) / notebook.relative_to(root).with_suffix(".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(jupytext.read(notebook), target)
            converted[target.resolve()] = notebook
        config = ["--config", str(root / "pyproject.toml")]
        rename = (f"{scratch}/", "")
        clean &= check_notebook_code(root, ruff, config, scratch, converted)
        clean &= run(root, [ruff, "format", "--check", *config, scratch], rename)
    workflows = sorted((root / WORKFLOWS).glob("*.y*ml"))
    if not workflows:
        print(f"lint: no workflow in {WORKFLOWS}", file=sys.stderr)
        clean = False
    clean &= run(root, [str(BIN / "actionlint"), *map(str, workflows)])
    return clean


def fix(root: Path, pages: list[Path]) -> None:
    ruff = str(BIN / "ruff")
    subprocess.run([ruff, "check", "--fix", *CODE], cwd=root)
    subprocess.run([ruff, "format", *CODE], cwd=root, check=True)
    for notebook in pages:
        for step in (f"{ruff} check --fix --exit-zero --quiet {{}}", f"{ruff} format --quiet {{}}"):
            subprocess.run(
                [str(BIN / "jupytext"), "--quiet", "--pipe", step, str(notebook)], cwd=root, check=True
            )


def main(argv: list[str]) -> int:
    if argv not in ([], ["--fix"]):
        print(__doc__, file=sys.stderr)
        return 2
    try:  # the book of the working folder: `make lint` runs in the tree it lints, a scratch copy too
        book = Book.containing(Path.cwd())
    except NotInABookError as error:
        print(f"lint: {error}; run it in the book's folder", file=sys.stderr)
        return 2
    pages = notebooks(book)
    if argv == ["--fix"]:
        fix(book.root, pages)
    if check(book.root, pages):
        print(
            f"lint: ruff (check and format) and actionlint: no findings in {', '.join(CODE)}, "
            f"{len(pages)} notebooks and the workflows"
        )
        return 0
    print(
        "lint: findings above; `make lint` (python tools/lint.py --fix) fixes what ruff can "
        "(the lines it reports again need a hand: e.g. split a string longer than 110 characters)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
