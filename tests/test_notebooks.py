"""nbval over the MyST notebooks: a failing cell fails the run, named by notebook and cell."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

FAILING_NOTEBOOK = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A probe

```{code-cell} ipython3
value = 1
```

```{code-cell} ipython3
raise ValueError("this cell fails on purpose")
```
"""


def test_a_failing_cell_is_reported_with_its_notebook_and_cell():
    probe_dir = ROOT / "_build" / "nbval-probe"
    probe_dir.mkdir(parents=True, exist_ok=True)
    probe = probe_dir / "failing.md"
    probe.write_text(FAILING_NOTEBOOK, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        probe.unlink()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 failed, 1 passed" in output
    assert "_build/nbval-probe/failing.md::Cell 1" in output and "this cell fails on purpose" in output
    assert not list(probe_dir.glob("*.ipynb")), "nbval left a converted copy behind"


def test_every_notebook_is_collected_from_markdown():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    notebooks = {line.split("::")[0] for line in result.stdout.splitlines() if "::Cell" in line}
    assert notebooks == {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").rglob("*.md")}


def test_make_reproduce_compares_every_notebook_with_the_build(built_book):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "reproduce.py")], cwd=ROOT, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "every output matches the published build" in output
    rows = [line for line in output.splitlines() if line.startswith("notebooks/")]
    assert len(rows) == len(list((ROOT / "notebooks").rglob("*.md")))
    for row in rows:
        cells, outputs, mismatches = map(int, row.split()[1:4])
        assert cells > 0 and outputs > 0 and mismatches == 0
