"""The evidence explorer: every evidence row in one searchable, sortable, filterable table.

The table is drawn by ITables in offline mode: DataTables (with its SearchPanes filters) comes
from the `itables` package and is embedded in the page when the notebook runs, so the site asks
no other server for anything. Each row links to the paragraph that quotes it (`paragraphs.py`),
which the site highlights on arrival.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from . import chapters as chapters_module
from .paragraphs import anchor_for_quote

# filters above the table, one pane per column (the brief's chapter, section, dimension, kind,
# actor type, orientation and years)
FILTERED = ["chapter", "section", "dimension", "kind", "actor type", "orientation", "year"]
SHOWN = ["row", "chapter", "section", "dimension", "kind", "actor", "actor type", "orientation", "year",
         "until", "what", "citation", "quoted in"]


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
        target = anchor_for_quote(str(row.quote), chapter, str(row.section)) if chapter and not pd.isna(row.quote) else None
        if target:
            links.append(f'<a class="evidence-paragraph-link" href="{escape(site_root + target)}">'
                         f'{escape(str(row.section))}</a>')
        else:
            links.append(escape(str(row.section)))  # the validator reports a quote it cannot find
    text = rows.astype("object").where(rows.notna(), "")
    return pd.DataFrame({
        "row": [f'<span id="row-{escape(str(i))}">{escape(str(i))}</span>' for i in rows["id"]],
        "chapter": [f"{int(n)} {by_number[int(n)].title}" if int(n) in by_number else str(n) for n in rows["chapter"]],
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
    })[SHOWN]


def show_explorer(frame: pd.DataFrame, caption: str) -> None:
    """Display the table (the notebook's output): filters, search, sort, 25 rows a page."""
    from itables import show

    filtered = [frame.columns.get_loc(name) for name in FILTERED]
    show(
        frame,
        caption=caption,
        allow_html=True,
        showIndex=False,
        connected=False,
        classes="display compact evidence-explorer",
        layout={"top1": "searchPanes", "topStart": "pageLength", "topEnd": "search"},
        searchPanes={"columns": filtered, "layout": "columns-4", "cascadePanes": True, "initCollapsed": True},
        columnDefs=[{"searchPanes": {"show": True}, "targets": filtered},
                    {"searchPanes": {"show": False}, "targets": "_all"}],
        pageLength=25,
        scrollX=True,
        order=[],
        maxBytes=0,
    )
