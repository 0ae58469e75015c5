"""`make reexecute`: do the published numbers follow from the commit's data?

    python -m startup_capitalism reexecute [--site _build/html | --site edition.zip]
        [--notebook notebooks/…/x.md]

1. Reads the published site as it is (`_build/html` by default, or `--site`/`SITE=` a folder or an
   edition archive); nothing is rebuilt, so the reference is what readers were shown.
2. Executes every MyST notebook (or those given with `--notebook`) in a fresh kernel, from the
   commit's data, and collects what each one glues.
3. Compares every glued output a page pastes with what that page shows: a glued chart by the data
   it draws (the rows of the Vega-Lite spec embedded in the page, and the "Data behind this chart"
   table), never by its pixels; a glued table cell by cell; a glued text as the page prints it.
   Which page pastes which key, under which name, is read from the pages' MyST sources with the
   MyST parser the build uses; the published values are read from the HTML.

Each difference is printed by page, exhibit or table number, row id and column, published → re-
executed ("Exhibit N.k, <row id>, value: published 12.5, re-executed 13.5"); then a table per
notebook. Exits 1 on any difference.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
from bs4 import BeautifulSoup
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue import extract_glue_data_cell
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..book import Book
from ..figures.rendering import chart_rows
from ..figures.tables import TABLE_MIME
from ..text import prose
from .execute import TIMEOUT, notebooks

# the folders that hold no page of the book (as _config.yml's exclude_patterns)
NOT_PAGES = {"_build", ".venv", "benchmarks", "sources", "tools", "tests", "binder", "jupyter-config", ".git"}
ROW_ID_FIELD = "id"  # the evidence row id in a chart's data
ROW_ID_COLUMN = "Row"  # ... and in a glued table
VALUE_WIDTH = 160


# --- what the pages paste (from their MyST sources) ------------------------------------------


@dataclass(frozen=True)
class Paste:
    page: str  # docname, "chapters/NN-slug/section"
    kind: str  # "chart", "table" or "text"
    notebook: Path
    key: str
    name: str = ""  # the figure's or table's :name: (its id in the HTML)
    fmt: str = ""  # a glued text's format spec


def _options_and_body(content: str) -> tuple[dict[str, str], str]:
    """A directive's `:option: value` lines and the rest of its content."""
    options, lines = {}, content.split("\n")
    while lines and lines[0].startswith(":") and lines[0].count(":") >= 2:
        name, _, value = lines.pop(0)[1:].partition(":")
        options[name.strip()] = value.strip()
    return options, "\n".join(lines)


def page_pastes(source: Path, root: Path) -> list[Paste]:
    """Every glued figure, table and text a page pastes, in the order of the page."""
    page = source.relative_to(root).with_suffix("").as_posix()
    found: list[Paste] = []

    def notebook_of(doc: str) -> Path:
        return (source.parent / doc).resolve()

    def walk(text: str) -> None:
        for token in prose.tokens(text, root):
            if token.type in ("fence", "colon_fence") and token.info.startswith("{"):
                directive, _, argument = token.info.partition("}")
                options, body = _options_and_body(token.content)
                kind = {"{glued-figure": "chart", "{glued-table": "table"}.get(directive)
                if kind and "doc" in options:
                    found.append(
                        Paste(
                            page, kind, notebook_of(options["doc"]), argument.strip(), options.get("name", "")
                        )
                    )
                walk(body)
            for child in token.children or []:
                if child.type == "myst_role" and child.meta.get("name") == "glue:text":
                    target, _, fmt = child.content.rpartition(":")
                    doc, _, key = target.rpartition("::")
                    # without a document, the key is the page's own (the page is a notebook)
                    found.append(
                        Paste(page, "text", notebook_of(doc) if doc else source.resolve(), key, fmt=fmt)
                    )

    walk(source.read_text(encoding="utf-8"))
    return found


def book_pastes(root: Path) -> list[Paste]:
    pages = [
        path
        for path in sorted(root.rglob("*.md"))
        if not NOT_PAGES.intersection(path.relative_to(root).parts[:1]) and "glue" in path.read_text("utf-8")
    ]
    return [paste for page in pages for paste in page_pastes(page, root)]


# --- what a chart, a table, a text shows (one reader for the published page and the new output) -


@dataclass
class ChartShown:
    spec: dict
    headings: list[str]
    rows: list[list[str]]  # the "Data behind this chart" table


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def chart_shown(element) -> ChartShown | None:
    """The spec a chart block draws and its data table, from the HTML of the block."""
    script = element.select_one("script.startup-chart-spec")
    if script is None:
        return None
    spec = json.loads(script.string or "{}").get("spec", {})
    table = element.select_one("details.startup-chart-data table")
    headings = [_text(th) for th in table.select("thead th")] if table else []
    rows = [[_text(td) for td in tr.select("td")] for tr in table.select("tbody tr")] if table else []
    return ChartShown(spec, headings, rows)


def table_shown(element) -> tuple[list[str], list[list[str]]]:
    headings = [_text(th) for th in element.select("thead th")]
    rows = [[_text(td) for td in tr.select("td")] for tr in element.select("tbody tr")]
    return headings, rows


def caption_number(element) -> str:
    number = element.select_one(".caption-number")
    return number.get_text().strip() if number else ""


# --- re-execution --------------------------------------------------------------------------------


def execute(notebook: Path, root: Path) -> tuple[dict[str, dict], float]:
    """Run a notebook in a fresh kernel, in its own folder; its glued outputs by key, and seconds."""
    started = time.monotonic()
    nb = jupytext.read(notebook)
    client = NotebookClient(
        nb, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:  # named by its notebook: the pool's traceback would not say
        raise RuntimeError(f"reexecute: {notebook.relative_to(root)} failed to execute:\n{error}") from None
    glued = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            glued.update({key: dict(output["data"]) for key, output in extract_glue_data_cell(cell)})
    return glued, time.monotonic() - started


def execute_all(paths: list[Path], root: Path) -> dict[Path, tuple[dict[str, dict], float]]:
    """Every notebook in a kernel of its own, one process per core."""
    with ProcessPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        return dict(zip(paths, pool.map(functools.partial(execute, root=root), paths), strict=True))


# --- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    page: str
    where: str  # "Exhibit N.k", "Table N.k", "Exhibit N.k caption", "text"
    row: str  # the evidence row id, "row 3", or the glue key
    column: str
    published: object
    reexecuted: object

    def __str__(self) -> str:
        old, new = _shown_pair(self.published, self.reexecuted)
        return f"{self.page}: {self.where}, {self.row}, {self.column}: published {old}, re-executed {new}"


def _shown_pair(old, new) -> tuple[str, str]:
    """Both values as text; a long one cut to a window around where the two first differ."""
    old, new = (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in (old, new))
    if max(len(old), len(new)) <= VALUE_WIDTH:
        return old, new
    same = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
    )
    start = max(0, same - VALUE_WIDTH // 4)

    def window(text: str) -> str:
        cut = text[start : start + VALUE_WIDTH // 2]
        return ("…" if start else "") + cut + ("…" if start + VALUE_WIDTH // 2 < len(text) else "")

    return window(old), window(new)


def _keyed(rows: list, id_of) -> dict[str, object]:
    """Rows by their evidence row id when every row has a distinct one, else by position."""
    ids = [id_of(row) for row in rows]
    if all(ids) and len(set(ids)) == len(ids):
        return dict(zip(ids, rows, strict=True))
    return {f"row {number}": row for number, row in enumerate(rows, start=1)}


def _compare_rows(published: dict, reexecuted: dict, cell, columns) -> list[tuple[str, str, object, object]]:
    """(row, column, published, re-executed) for each cell that differs, row added or row dropped."""
    found = []
    for row in [*published, *(r for r in reexecuted if r not in published)]:
        if row not in reexecuted:
            found.append((row, "the whole row", "present", "absent"))
        elif row not in published:
            found.append((row, "the whole row", "absent", "present"))
        else:
            for column in columns(published[row], reexecuted[row]):
                old, new = cell(published[row], column), cell(reexecuted[row], column)
                if old != new:
                    found.append((row, column, old, new))
    return found


def _leaves(value, path: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _without_data(spec: dict) -> dict:
    drawn = {key: value for key, value in spec.items() if key not in ("datasets", "data")}
    if "layer" in drawn:
        drawn["layer"] = [{k: v for k, v in layer.items() if k != "data"} for layer in drawn["layer"]]
    return drawn


def compare_chart(published: ChartShown, new: ChartShown) -> list[tuple[str, str, object, object]]:
    def fields(a: dict, b: dict) -> list[str]:
        return list(dict.fromkeys([*a, *b]))

    # 1. the data the chart draws
    old_rows, new_rows = chart_rows(published.spec), chart_rows(new.spec)
    found = _compare_rows(
        _keyed(old_rows, lambda r: r.get(ROW_ID_FIELD)),
        _keyed(new_rows, lambda r: r.get(ROW_ID_FIELD)),
        lambda row, column: row.get(column),
        fields,
    )
    # 2. the "Data behind this chart" table, row for row (it lists the drawn rows in their order)
    if published.headings != new.headings:
        found.append(("data table", "headings", published.headings, new.headings))
    else:
        label = [str(r.get(ROW_ID_FIELD) or f"row {n}") for n, r in enumerate(new_rows or old_rows, start=1)]

        def table_row_id(position: int) -> str:
            return label[position] if position < len(label) else f"row {position + 1}"

        found += [
            (row, f"{column} (Data behind this chart)", old, new)
            for row, column, old, new in _compare_rows(
                {
                    table_row_id(i): dict(zip(published.headings, r, strict=False))
                    for i, r in enumerate(published.rows)
                },
                {table_row_id(i): dict(zip(new.headings, r, strict=False)) for i, r in enumerate(new.rows)},
                lambda row, column: row.get(column),
                lambda a, b: list(dict.fromkeys([*a, *b])),
            )
        ]
    # 3. the rest of the spec: marks, encodings, titles, the description read aloud
    old_rest, new_rest = dict(_leaves(_without_data(published.spec))), dict(_leaves(_without_data(new.spec)))
    for path in dict.fromkeys([*old_rest, *new_rest]):
        if old_rest.get(path) != new_rest.get(path):
            found.append(("chart spec", path, old_rest.get(path, "absent"), new_rest.get(path, "absent")))
    return found


def compare_table(
    published: tuple[list[str], list[list[str]]], new: dict
) -> list[tuple[str, str, object, object]]:
    old_headings, old_rows = published
    new_headings = [" ".join(str(c).split()) for c in new["columns"]]
    new_rows = [[" ".join(str(c).split()) for c in row] for row in new["rows"]]
    if old_headings != new_headings:
        return [("table", "headings", old_headings, new_headings)]
    position = new_headings.index(ROW_ID_COLUMN) if ROW_ID_COLUMN in new_headings else None

    def keyed(rows):
        return _keyed(rows, lambda r: r[position] if position is not None and position < len(r) else None)

    return _compare_rows(
        keyed(old_rows),
        keyed(new_rows),
        lambda row, column: row[new_headings.index(column)] if new_headings.index(column) < len(row) else "",
        lambda a, b: new_headings,
    )


@dataclass
class Tally:
    pasted: dict[str, int] = field(default_factory=lambda: {"chart": 0, "table": 0, "text": 0})
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0


def compare_page(page: str, pastes: list[Paste], site: Path, glued: dict[Path, dict], tallies: dict) -> None:
    """Compare one published page with the re-executed outputs it pastes."""
    html = site / f"{page}.html"
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser") if html.is_file() else None
    texts = soup.select("span.pasted-text") if soup else []
    expected_texts = [p for p in pastes if p.kind == "text"]
    if soup and len(texts) != len(expected_texts):
        for notebook in {p.notebook for p in pastes} & set(tallies):
            tallies[notebook].differences.append(
                Difference(page, "the page", "glued texts", "count", len(texts), len(expected_texts))
            )
        texts = []
    text_spans = iter(texts)
    for paste in pastes:
        if paste.notebook not in tallies:  # a notebook left out (--notebook): its text span is skipped
            if paste.kind == "text":
                next(text_spans, None)
            continue
        tally = tallies[paste.notebook]
        tally.pasted[paste.kind] += 1
        new = glued.get(paste.notebook, {}).get(paste.key)

        def differ(where: str, row: str, column: str, old, now, paste=paste, tally=tally) -> None:
            tally.differences.append(Difference(page, where, row, column, old, now))

        if soup is None:
            differ(
                paste.name or "the page", paste.key, "page", f"no {html.relative_to(site)} in the site", ""
            )
            continue
        if new is None:
            differ(
                paste.name or "text", paste.key, "glued output", "on the page", "not glued by the notebook"
            )
            continue
        if paste.kind == "text":
            span = next(text_spans, None)
            holder = span.find_parent(["figure", "table"]) if span else None
            where = f"{caption_number(holder)} caption" if holder and caption_number(holder) else "text"
            shown = _text(span) if span else "absent"
            now = format_plain_text(new.get("text/plain", ""), paste.fmt)
            if shown != now:
                differ(where, paste.key, "value", shown, now)
            continue
        element = soup.find(id=paste.name)
        if element is None:
            differ(paste.name, paste.key, "element", "absent from the page", "glued")
            continue
        where = caption_number(element) or paste.name
        if paste.kind == "chart":
            old = chart_shown(element)
            now = chart_shown(BeautifulSoup(new.get("text/html", ""), "html.parser"))
            if old is None or now is None:
                differ(
                    where,
                    paste.key,
                    "chart",
                    "a chart" if old else "no chart",
                    "a chart" if now else "no chart",
                )
                continue
            found = compare_chart(old, now)
        else:
            found = compare_table(table_shown(element), new.get(TABLE_MIME, {"columns": [], "rows": []}))
        for row, column, old_value, new_value in found:
            differ(where, row, column, old_value, new_value)


def published_site(site: Path, scratch: Path) -> Path:
    """The site's folder: `site` itself, or an edition archive unpacked into `scratch`."""
    if site.is_file():
        shutil.unpack_archive(site, scratch)
        found = sorted(scratch.rglob("index.html"), key=lambda p: len(p.parts))
        if not found:
            sys.exit(f"reexecute: {site} holds no index.html: not an edition of the site")
        return found[0].parent
    if not (site / "index.html").is_file():
        sys.exit(
            f"reexecute: no published site in {site} (no index.html): run `make book`, or point SITE= at a "
            "published site's folder or archive"
        )
    return site


def reexecute(book: Book, site_given: Path | None = None, chosen: list[Path] | None = None) -> int:
    """Compare the published site (`site_given`, by default the book's) with every notebook (or
    those `chosen`) re-executed; 0 when every glued output matches, 1 otherwise."""
    site_given = site_given or book.site_dir
    chosen = [p.resolve() for p in chosen] if chosen else notebooks(book)
    root = book.root
    with tempfile.TemporaryDirectory(prefix="reexecute-") as scratch:
        site = published_site(site_given.resolve(), Path(scratch))
        print(f"==> [1/3] reading what {site_given} publishes", flush=True)
        pastes = book_pastes(root)
        print(f"==> [2/3] executing {len(chosen)} notebook(s), each in a fresh kernel", flush=True)
        started = time.monotonic()
        try:
            executed = execute_all(chosen, root)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
        tallies = {path: Tally(seconds=executed[path][1]) for path in chosen}
        print(
            f"==> [3/3] comparing with the published pages (executed in {time.monotonic() - started:.0f} s)"
        )
        by_page: dict[str, list[Paste]] = {}
        for paste in pastes:
            by_page.setdefault(paste.page, []).append(paste)
        for page, page_pastes_ in by_page.items():
            compare_page(
                page, page_pastes_, site, {path: glued for path, (glued, _) in executed.items()}, tallies
            )
    differences = [d for tally in tallies.values() for d in tally.differences]
    for difference in differences:
        print(f"  {difference}")
    header = f"{'notebook':<44} {'charts':>6} {'tables':>6} {'texts':>6} {'differences':>11} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for path, tally in tallies.items():
        print(
            f"{path.relative_to(root).as_posix():<44} {tally.pasted['chart']:>6} {tally.pasted['table']:>6} "
            f"{tally.pasted['text']:>6} {len(tally.differences):>11} {tally.seconds:>8.1f}"
        )
    print("-" * len(header))
    if differences:
        print(
            f"reexecute: {len(differences)} difference(s) from the published site {site_given}",
            file=sys.stderr,
        )
        return 1
    compared = sum(sum(t.pasted.values()) for t in tallies.values())
    print(f"reexecute: all {compared} glued outputs the site pastes match the published site {site_given}")
    return 0
