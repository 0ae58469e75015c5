"""The notebooks as a reviewer meets them: nbval compares their outputs with the published build,
`make reexecute` finds a published number that the data do not give, JupyterLab opens a MyST
notebook as a notebook, and each notebook page shows its data-loading cell and links its .ipynb."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jupytext
import nbformat
import pytest
from bs4 import BeautifulSoup
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from conftest import ROOT, chapter_docnames

NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.md") if "\nkernelspec:" in p.read_text(encoding="utf-8")[:800]
)
PROBE_NOTEBOOK = """\
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
value = 6 * 7
```

```{code-cell} ipython3
FAILING_CELL
```
"""
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


nbval_hook = _load("root_conftest", ROOT / "conftest.py")
from startup_capitalism.commands import reexecute as reproduce  # noqa: E402


def _probe(name: str, last_cell: str) -> Path:
    probe_dir = ROOT / "_build" / "nbval-probe"
    probe_dir.mkdir(parents=True, exist_ok=True)
    probe = probe_dir / name
    probe.write_text(PROBE_NOTEBOOK.replace("FAILING_CELL", last_cell), encoding="utf-8")
    return probe


def _pytest(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return result.returncode, result.stdout + result.stderr


# --- nbval --------------------------------------------------------------------------------------


def test_a_failing_cell_is_reported_with_its_notebook_and_cell():
    probe = _probe("failing.md", 'raise ValueError("this cell fails on purpose")')
    try:
        code, output = _pytest("--nbval-lax", str(probe.relative_to(ROOT)))
    finally:
        probe.unlink()
    assert code == 1, output
    assert "1 failed, 1 passed" in output
    assert "_build/nbval-probe/failing.md::Cell 1" in output and "this cell fails on purpose" in output
    assert not list(probe.parent.glob("*.ipynb")), "nbval left a converted copy behind"


def test_a_changed_output_fails_naming_the_cell_and_an_unchanged_one_passes(tmp_path):
    """nbval (strict, as pyproject's addopts run it) against references in an execution cache: the
    published output 41 where the notebook now prints 42 fails cell 1; the output 42 passes."""
    probes = {
        "41": _probe("changed.md", "print(value)"),
        "42": _probe("unchanged.md", "print(value)  # same"),
    }
    cache = get_cache(tmp_path / "cache")
    try:
        for published, probe in probes.items():
            reference = jupytext.read(probe)
            cells = [cell for cell in reference.cells if cell.cell_type == "code"]
            for count, cell in enumerate(cells, start=1):
                cell.execution_count = count
            cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{published}\n")]
            cache.cache_notebook_bundle(CacheBundleIn(reference, uri=str(probe)), check_validity=False)
        code, output = _pytest(
            *(str(probe.relative_to(ROOT)) for probe in probes.values()),
            env={"NBVAL_REFERENCE_CACHE": str(tmp_path / "cache")},
        )
    finally:
        for probe in probes.values():
            probe.unlink()
    assert code == 1, output
    assert "1 failed, 3 passed" in output
    assert "FAILED _build/nbval-probe/changed.md::Cell 1" in output and "Cell outputs differ" in output
    assert "41" in output and "42" in output
    assert "unchanged.md::Cell 1" not in output.split("short test summary")[-1]


def test_every_notebook_is_collected_from_markdown():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    notebooks = {line.split("::")[0] for line in result.stdout.splitlines() if "::Cell" in line}
    assert notebooks == {p.relative_to(ROOT).as_posix() for p in NOTEBOOKS}


def test_nbval_compares_every_cell_of_every_notebook_with_the_build(built_book):
    """What `make test`'s nbval run compares with: each code cell has the build's execution count
    (nbval skips a cell without one) and, together, the cells have the outputs the build published."""
    for path in NOTEBOOKS:
        reference = nbval_hook.reference_outputs(jupytext.read(path), path)
        code = [cell for cell in reference.cells if cell.cell_type == "code"]
        assert all(cell.execution_count is not None for cell in code), path
        assert sum(len(cell.outputs) for cell in code) > 0, path


# --- make reexecute -----------------------------------------------------------------------------


def _page(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def _a_number_behind_a_chart(site: Path):
    """(docname, exhibit number, row id, published text) of the first number in a chapter page's
    "Data behind this chart" table, with the evidence row the chart draws in that table row."""
    for docname in chapter_docnames():
        for figure in _page(site, docname).select("figure"):
            shown = reproduce.chart_shown(figure)
            if shown is None or not figure.select_one(".caption-number"):
                continue
            for position, (row, cells) in enumerate(
                zip(reproduce.chart_rows(shown.spec), shown.rows, strict=False)
            ):
                numbers = [cell for cell in cells if NUMBER.match(cell)]
                if row.get("id") and numbers:
                    return docname, figure, position, row["id"], numbers[0]
    pytest.fail("no chapter page has a number in a chart's data table")


def _a_number_in_a_caption(site: Path):
    for docname in chapter_docnames():
        for span in _page(site, docname).select("figcaption span.pasted-text, caption span.pasted-text"):
            if NUMBER.match(span.get_text().strip()):
                holder = span.find_parent(["figure", "table"])
                return docname, holder, span.get_text().strip()
    pytest.fail("no chapter page has a glued number in a caption")


def _bumped(number: str) -> str:
    decimals = len(number.partition(".")[2])
    return f"{float(number) + 1:.{decimals}f}"


def _copy_of_the_site(site: Path, destination: Path) -> Path:
    """The site by hard links (fast); a page to edit is unlinked first, so the original stays."""
    shutil.copytree(site, destination, copy_function=os.link)
    return destination


def _edit(copy: Path, docname: str, old_html: str, new_html: str) -> None:
    page = copy / f"{docname}.html"
    text = page.read_text(encoding="utf-8")
    assert text.count(old_html) >= 1
    page.unlink()
    page.write_text(text.replace(old_html, new_html, 1), encoding="utf-8")


def _notebook_of(docname: str, name: str) -> Path:
    pastes = reproduce.page_pastes(ROOT / f"{docname}.md", ROOT)
    return next(p.notebook for p in pastes if p.name == name)


def _reexecute(site: Path, notebook: Path) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "startup_capitalism", "reexecute", "--notebook", str(notebook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SITE": str(site)},
    )
    return result.returncode, result.stdout + result.stderr


def test_reexecute_matches_the_published_site_as_it_is(built_book):
    docname, figure, *_ = _a_number_behind_a_chart(built_book.site)
    notebook = _notebook_of(docname, figure["id"])
    code, output = _reexecute(built_book.site, notebook)
    assert code == 0, output[-4000:]
    row = next(line for line in output.splitlines() if line.startswith(notebook.relative_to(ROOT).as_posix()))
    charts, tables, texts, differences = map(int, row.split()[1:5])
    assert charts > 0 and differences == 0, row


def test_reexecute_names_the_exhibit_row_and_both_values_of_an_edited_chart_number(built_book, tmp_path):
    docname, figure, position, row_id, number = _a_number_behind_a_chart(built_book.site)
    number_label = figure.select_one(".caption-number").get_text().strip()
    table_row = figure.select("details.startup-chart-data tbody tr")[position]
    edited_row = str(table_row).replace(f"<td>{number}</td>", f"<td>{_bumped(number)}</td>", 1)
    copy = _copy_of_the_site(built_book.site, tmp_path / "site")
    _edit(copy, docname, str(table_row), edited_row)
    code, output = _reexecute(copy, _notebook_of(docname, figure["id"]))
    assert code == 1, output[-4000:]
    line = next((line for line in output.splitlines() if number_label in line and row_id in line), "")
    assert f"published {_bumped(number)}, re-executed {number}" in line, output[-4000:]
    assert "Data behind this chart" in line


def test_reexecute_names_the_exhibit_and_both_values_of_an_edited_caption_number(built_book, tmp_path):
    docname, holder, number = _a_number_in_a_caption(built_book.site)
    number_label = holder.select_one(".caption-number").get_text().strip()
    copy = _copy_of_the_site(built_book.site, tmp_path / "site")
    _edit(
        copy,
        docname,
        f'<span class="pasted-text">{number}</span>',
        f'<span class="pasted-text">{_bumped(number)}</span>',
    )
    code, output = _reexecute(copy, _notebook_of(docname, holder["id"]))
    assert code == 1, output[-4000:]
    assert f"{number_label} caption" in output
    assert f"published {_bumped(number)}, re-executed {number}" in output


# --- JupyterLab and the published notebook pages ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url) as response:
        return response.read().decode("utf-8")


def test_jupyterlab_with_the_repository_config_opens_a_myst_notebook_as_a_notebook(tmp_path):
    port = _free_port()
    notebook = NOTEBOOKS[0].relative_to(ROOT).as_posix()
    env = {
        **os.environ,
        # the repository's config, as `make lab` and Binder set it; nobody's own settings
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = tmp_path / "lab.log"
    lab = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--no-browser",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={ROOT}",
            "--allow-root",  # this test may run in a container as root
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until the server answers (or stops): a wait, not a timing
            try:
                _get(f"{base}/api/status")
                break
            except OSError:
                assert lab.poll() is None, log.read_text()
                time.sleep(0.2)
        opened = json.loads(_get(f"{base}/api/contents/{notebook}?type=notebook&content=1"))
        settings = json.loads(_get(f"{base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin"))
        page = _get(f"{base}/lab")
    finally:
        lab.terminate()
        lab.wait()
    assert opened["type"] == "notebook"
    sources = [cell["source"] for cell in opened["content"]["cells"] if cell["cell_type"] == "code"]
    expected = [cell.source for cell in jupytext.read(NOTEBOOKS[0]).cells if cell.cell_type == "code"]
    assert sources == expected
    # the repository's override becomes the setting's default (a user's own choice would still win)
    viewers = settings["schema"]["properties"]["defaultViewers"]["default"]
    assert viewers.get("markdown") == "Jupytext Notebook" and viewers.get("myst") == "Jupytext Notebook"
    assert "jupyterlab-jupytext" in page  # the extension that provides the "Jupytext Notebook" viewer


def test_every_notebook_page_shows_its_data_loading_cell_and_links_its_executed_ipynb(built_book):
    for path in NOTEBOOKS:
        docname = path.relative_to(ROOT).with_suffix("").as_posix()
        page = built_book.page(docname)
        hidden = [
            cell.source
            for cell in jupytext.read(path).cells
            if cell.cell_type == "code" and "hide-input" in cell.metadata.get("tags", [])
        ]
        assert hidden, f"{path}: no data-loading cell tagged hide-input"
        shown = [
            " ".join(cell.get_text().split()) for cell in page.select("div.cell.tag_hide-input .cell_input")
        ]
        assert [" ".join(source.split()) for source in hidden] == shown, docname
        links = [a["href"] for a in page.select('a[href$=".ipynb"]')]
        assert links, f"{docname}: no .ipynb download"
        ipynb = (built_book.site / docname).parent / links[0]
        notebook = nbformat.read(ipynb.resolve(), as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert [cell.source for cell in code] == [
            c.source for c in jupytext.read(path).cells if c.cell_type == "code"
        ]
        assert all(cell.execution_count for cell in code) and any(cell.outputs for cell in code), ipynb
