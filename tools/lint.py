"""`make lint` (run by `make test`): ruff over the code and the notebooks' code, actionlint over CI.

    python tools/lint.py          # check only; exit 1 on any finding
    python tools/lint.py --fix    # ruff format + ruff check --fix, notebooks included

ruff reads its settings from pyproject.toml. The MyST notebooks are written to a temporary folder
as .ipynb (jupytext), where ruff checks their code cells only; findings are reported under the
notebook's own path, with the cell number. `--fix` rewrites the MyST files through `jupytext
--pipe`, which changes code cells only.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

from startup_capitalism.paths import ROOT

CODE = ["src", "tools", "tests", "benchmarks", "conftest.py"]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.md"))
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def run(command: list[str], rename: tuple[str, str] | None = None) -> bool:
    """Run a checker; print its output (temporary paths renamed to the notebooks'); True if clean."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if rename:
        output = output.replace(rename[0], rename[1]).replace(".ipynb", ".md")
    if result.returncode != 0:
        print(output.rstrip(), file=sys.stderr)
    return result.returncode == 0


def check() -> bool:
    ruff = str(BIN / "ruff")
    clean = run([ruff, "check", "--output-format", "concise", *CODE])
    clean &= run([ruff, "format", "--check", "--diff", *CODE])
    with tempfile.TemporaryDirectory(prefix="lint-notebooks-") as scratch:
        for notebook in NOTEBOOKS:
            target = Path(scratch) / notebook.relative_to(ROOT).with_suffix(".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(jupytext.read(notebook), target)
        config = ["--config", str(ROOT / "pyproject.toml")]
        rename = (f"{scratch}/", "")
        clean &= run([ruff, "check", "--output-format", "concise", *config, scratch], rename)
        clean &= run([ruff, "format", "--check", "--diff", *config, scratch], rename)
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    if not workflows:
        print(f"lint: no workflow in {WORKFLOWS.relative_to(ROOT)}", file=sys.stderr)
        clean = False
    clean &= run([str(BIN / "actionlint"), *map(str, workflows)])
    return clean


def fix() -> None:
    ruff = str(BIN / "ruff")
    subprocess.run([ruff, "check", "--fix", *CODE], cwd=ROOT)
    subprocess.run([ruff, "format", *CODE], cwd=ROOT, check=True)
    for notebook in NOTEBOOKS:
        for step in (f"{ruff} check --fix --exit-zero --quiet {{}}", f"{ruff} format --quiet {{}}"):
            subprocess.run(
                [str(BIN / "jupytext"), "--quiet", "--pipe", step, str(notebook)], cwd=ROOT, check=True
            )


def main(argv: list[str]) -> int:
    if argv == ["--fix"]:
        fix()
    elif argv:
        print(__doc__, file=sys.stderr)
        return 2
    if check():
        print(
            f"lint: ruff (check and format) and actionlint: no findings in {', '.join(CODE)}, "
            f"{len(NOTEBOOKS)} notebooks and the workflows"
        )
        return 0
    print("lint: findings above; `python tools/lint.py --fix` fixes what ruff can", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
