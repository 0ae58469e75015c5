"""Numbered docutils tables that every builder typesets (shared by the glued tables and the codebook)."""

from __future__ import annotations

from docutils import nodes

TABLE_CLASSES = ["glued-table", "colwidths-given", "longtable"]  # LaTeX: proportional widths, page breaks


def numbered_table(title: nodes.title, *body: nodes.Element, classes: list[str] = ()) -> nodes.table:
    """A captioned table that every builder typesets; LaTeX fits it to the text width."""
    return nodes.table("", title, *body, classes=[*TABLE_CLASSES, *classes])


def _entry(text: str) -> nodes.entry:
    return nodes.entry("", nodes.paragraph(text, text))


def table_body(columns: list[str], rows: list[list[str]], widths: list[int]) -> nodes.tgroup:
    """A docutils tgroup for a header row and body rows of plain text."""
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=width) for width in widths]
    group += nodes.thead("", nodes.row("", *(_entry(column) for column in columns)))
    group += nodes.tbody("", *(nodes.row("", *(_entry(cell) for cell in row)) for row in rows))
    return group
