"""Tables for the chapter pages: shown as a DataFrame in the notebook, glued as plain rows.

The chapter page's ``{glued-table}`` directive turns the glued rows into a real table, so the HTML
and the LaTeX builders both typeset it (numbered, captioned) instead of pasting a text dump.
"""

from __future__ import annotations

import pandas as pd
from myst_nb import glue

from . import fmt

TABLE_MIME = "application/vnd.startup-capitalism.table+json"
ROW_COLUMN = "Row"  # an evidence table's column of row ids, linked to the evidence explorer on the site


class GluedTable:
    """A DataFrame with a display form for notebooks and a table form for the chapter pages."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        cells = self.frame.astype("string").fillna("")
        columns = [str(column) for column in cells.columns]
        rows = cells.values.tolist()
        # relative column widths for the LaTeX builder: the longest cell, bounded so that short
        # columns (dates, row ids) do not wrap and long ones (facts, quotes) do not crowd them out
        widths = [
            min(50, max(11, len(column) // 2, *(len(row[i]) for row in rows)))
            for i, column in enumerate(columns)
        ]
        return {
            "text/plain": self.frame.to_string(index=False),
            TABLE_MIME: {
                "columns": columns,
                "rows": rows,
                "widths": widths,
                "row_ids": columns.index(ROW_COLUMN) if ROW_COLUMN in columns else None,
            },
        }


def glue_table(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Glue `frame` for a chapter page's ``{glued-table}`` and return it for display here."""
    glue(key, GluedTable(frame), display=False)
    return frame


def evidence_table(frame: pd.DataFrame, *, with_quantity: bool = False) -> pd.DataFrame:
    """Evidence rows as a reader's table: date, fact, actor, citation and row id, oldest first."""
    ordered = frame.sort_values(["year", "id"], na_position="last")
    table = pd.DataFrame(
        {
            "Date": [fmt.date_label(row) for row in ordered.to_dict("records")],
            "Fact": ordered["title"].astype("string"),
        }
    )
    if with_quantity:
        table["Value"] = [
            fmt.quantity(v, u, q)
            for v, u, q in zip(ordered["value"], ordered["unit"], ordered["value_qualifier"], strict=True)
        ]
    # the actors' canonical names, partners included, so one actor reads the same in every row (tooltips
    # keep the text's wording)
    table["Actor"] = ordered["actor_names"].astype("string").fillna("—")
    table["Citation"] = ordered["citation"].astype("string").fillna("—")
    table[ROW_COLUMN] = ordered["id"].astype("string")
    return table.reset_index(drop=True)
