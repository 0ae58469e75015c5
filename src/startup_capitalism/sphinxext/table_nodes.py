"""Numbered docutils tables that every builder typesets (shared by the glued tables and the codebook),
and the LaTeX columns that fit them."""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

TABLE_CLASSES = ["glued-table", "colwidths-given", "longtable"]  # LaTeX: page breaks; columns below


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


# --- LaTeX: columns as wide as their content --------------------------------------------------
# Widths in thousandths of an em of the PDF's serif (FreeSerif has the metrics of Times Roman);
# the header row is set in bold sans, about an eighth wider. Estimates, rounded up: a column a
# little too wide costs a little white space, one too narrow breaks a date ("Jun 202").
_WIDTHS = {
    **dict.fromkeys("abcdeghknopquvxyz", 500),
    **dict.fromkeys("fijlrt", 333),
    "m": 778,
    "w": 722,
    "s": 389,
    **dict.fromkeys("ABCDGHKNOQRUVXY", 722),
    **dict.fromkeys("EFLPSTZ", 667),
    "I": 333,
    "J": 389,
    "M": 889,
    "W": 944,
    **dict.fromkeys("0123456789$", 500),
    **dict.fromkeys(" .,:;'’()/[]", 333),
    **dict.fromkeys("%—&", 1000),
}
# the tables are set in \small (10 pt beside 11 pt text) with 4 pt between columns: six columns of
# dates, facts, values, actors, citations and row ids fit the line
TABLE_START = r"\begingroup\small\setlength{\tabcolsep}{4pt}"
TABLE_END = r"\endgroup"
EM_PT = 10.0
HEADER_SCALE = 1.15
LINE_WIDTH_PT = 453.0  # A4 less Sphinx's 1 in margins
CELL_PADDING_PT = 2 * 4.0 + 0.4  # \tabcolsep on both sides and a rule
# a cell this short is kept on one line ("Jun 2023", "US$1.5 trillion", a row id)
UNBROKEN_CHARACTERS = 16
_COLUMN = r">{\raggedright\arraybackslash\hyphenpenalty=10000\exhyphenpenalty=10000}\Y{%.4f}"


def text_width_pt(text: str, scale: float = 1.0) -> float:
    return sum(_WIDTHS.get(char, 600) for char in text) / 1000 * EM_PT * scale


def _unbroken_width(text: str, scale: float) -> float:
    """The widest part of a cell that must not break: the whole cell when it is short, else its
    longest word."""
    if len(text) <= UNBROKEN_CHARACTERS:
        return text_width_pt(text, scale)
    return max((text_width_pt(word, scale) for word in re.split(r"\s+", text)), default=0.0)


def column_fractions(header: list[str], rows: list[list[str]]) -> list[float]:
    """Each column's share of the line: at least its widest unbreakable part, then the room left
    shared out by how much more each column's longest cell wants, never more than it wants."""
    cells = [
        [(text, HEADER_SCALE) for text in ([header[i]] if i < len(header) else [])]
        + [(row[i], 1.0) for row in rows if i < len(row)]
        for i in range(len(header))
    ]
    least = [max(_unbroken_width(t, s) for t, s in column) + CELL_PADDING_PT for column in cells]
    natural = [max(text_width_pt(t, s) for t, s in column) + CELL_PADDING_PT for column in cells]
    natural = [max(n, m) for n, m in zip(natural, least, strict=True)]
    if sum(natural) <= LINE_WIDTH_PT:
        widths = natural
    elif sum(least) >= LINE_WIDTH_PT:
        widths = least
    else:
        widths = list(least)
        wanting = [i for i in range(len(widths)) if natural[i] > widths[i]]
        while wanting:
            room = LINE_WIDTH_PT - sum(widths)
            total = sum(natural[i] - widths[i] for i in wanting)
            capped = [i for i in wanting if (natural[i] - widths[i]) / total * room >= natural[i] - widths[i]]
            if not capped:
                for i in wanting:
                    widths[i] += (natural[i] - widths[i]) / total * room
                break
            for i in capped:
                widths[i] = natural[i]
            wanting = [i for i in wanting if i not in capped]
    scale = min(1.0, LINE_WIDTH_PT / sum(widths))
    return [width * scale / LINE_WIDTH_PT for width in widths]


class FitLatexColumns(SphinxPostTransform):
    """A ragged-right column for every column of the edition's tables, as wide as its content
    allows (Sphinx's `tabularcolumns`, set from the rows): dates, values and row ids stay on one
    line, headers whole, and narrow cells open no justified gaps. Runs after the glued tables
    are filled in (priority 5)."""

    default_priority = 7
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            if "glued-table" not in table["classes"]:
                continue
            group = next(iter(table.findall(nodes.tgroup)), None)
            if group is None:
                continue
            header = [entry.astext() for head in group.findall(nodes.thead) for entry in head.children[0]]
            rows = [[entry.astext() for entry in row] for body in group.findall(nodes.tbody) for row in body]
            fractions = column_fractions(header, rows)
            spec = addnodes.tabular_col_spec(spec="".join(_COLUMN % share for share in fractions))
            position = table.parent.index(table)
            table.parent.insert(position + 1, nodes.raw("", TABLE_END + "\n", format="latex"))
            table.parent.insert(position, spec)
            table.parent.insert(position, nodes.raw("", TABLE_START + "\n", format="latex"))
            table["classes"].remove("colwidths-given")  # the widths are the column spec's now


def setup(app) -> dict:
    app.add_post_transform(FitLatexColumns)
    return {"parallel_read_safe": True, "parallel_write_safe": True}  # works on its page's doctree
