"""The evidence explorer: every evidence row in one searchable, sortable, filterable table.

The table is drawn by ITables: DataTables (with its SearchPanes filters) comes from the bundle the
`itables` package ships, copied into the site's static files, so the page asks no other server for
anything and the browser caches the library. Each row links to the paragraph that quotes it (`paragraphs.py`),
which the site highlights on arrival.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from . import chapters as chapters_module
from .paragraphs import anchor_for_quote

# filters above the table, one pane per column (the brief's chapter, section, dimension, kind,
# actor type, orientation and years)
FILTERED = ["chapter", "section", "dimension", "kind", "actor type", "orientation", "year"]
SHOWN = [
    "row",
    "chapter",
    "section",
    "dimension",
    "kind",
    "actor",
    "actor type",
    "orientation",
    "year",
    "until",
    "what",
    "citation",
    "quoted in",
]


def _years(value) -> str:
    return "" if pd.isna(value) else str(int(value))


def explorer_frame(rows: pd.DataFrame, site_root: str = "../") -> pd.DataFrame:
    """One line per evidence row, with a link to the paragraph quoting it.

    `site_root` is the way from the explorer's page to the site's root ("../" from book/).
    """
    by_number = {c.number: c for c in chapters_module.all_chapters()}
    links = []
    for row in rows.itertuples(index=False):
        chapter = by_number.get(int(row.chapter))
        target = (
            anchor_for_quote(str(row.quote), chapter, str(row.section))
            if chapter and not pd.isna(row.quote)
            else None
        )
        if target:
            links.append(
                f'<a class="evidence-paragraph-link" href="{escape(site_root + target)}">'
                f"{escape(str(row.section))}</a>"
            )
        else:
            links.append(escape(str(row.section)))  # the validator reports a quote it cannot find
    text = rows.astype("object").where(rows.notna(), "")
    return pd.DataFrame(
        {
            "row": [f'<span id="row-{escape(str(i))}">{escape(str(i))}</span>' for i in rows["id"]],
            "chapter": [
                f"{int(n)} {by_number[int(n)].title}" if int(n) in by_number else str(n)
                for n in rows["chapter"]
            ],
            "section": text["section"].astype(str),
            "dimension": text["dimension"].astype(str),
            "kind": text["kind"].astype(str),
            "actor": text["actor"].map(lambda v: escape(str(v))),
            "actor type": text["actor_type"].astype(str),
            "orientation": text["orientation"].astype(str),
            "year": rows["year"].map(_years),
            "until": rows["year_end"].map(_years),
            "what": text["title"].map(lambda v: escape(str(v))),
            "citation": text["citation"].map(lambda v: escape(str(v))),
            "quoted in": links,
        }
    )[SHOWN]


def bundle_files() -> list[Path]:
    """DataTables as itables ships it (one ES module and its stylesheet), for the site to serve."""
    from itables.utils import find_package_file

    script = Path(find_package_file("html/dt_bundle.js"))
    return [script, script.with_suffix(".css")]


def explorer_html(frame: pd.DataFrame, caption: str, bundle_url: str) -> str:
    """The table as HTML for the page: filters, search, sort, 25 rows a page; DataTables is
    imported from `bundle_url`, the site's own copy of itables' bundle."""
    from itables import to_html_datatable

    filtered = [frame.columns.get_loc(name) for name in FILTERED]
    return to_html_datatable(
        frame,
        caption=caption,
        table_id="evidence-explorer-table",
        connected=True,
        dt_url=bundle_url,
        allow_html=True,
        showIndex=False,
        classes="display compact evidence-explorer",
        layout={"top1": "searchPanes", "topStart": "pageLength", "topEnd": "search"},
        searchPanes={"columns": filtered, "layout": "columns-4", "cascadePanes": True, "initCollapsed": True},
        columnDefs=[
            {"searchPanes": {"show": True}, "targets": filtered},
            {"searchPanes": {"show": False}, "targets": "_all"},
        ],
        pageLength=25,
        scrollX=True,
        order=[],
        maxBytes=0,
    )
