"""The evidence explorer: every evidence row as a card written into the page when the book is built.

Each row is plain HTML in the page, so it reads, prints and takes a `#row-<id>` link without
JavaScript; `citations_static/startup-explorer.js` (about 5 KB) then adds search, filters and sort.
The table library this page used before (DataTables, from itables' bundle) is left out on purpose:
its 620 KB script and 107 KB stylesheet cost 4.6 s of a phone's scripting and kept the rows off the
screen until they ran (4-5 s on a 10 Mbit/s link), and it lays rows out as one 13-column table,
1,360 px wide. Filtering cards that are already in the page is a few lines of our own.

A card shows the coder's fact, its value (with qualifier and unit), the date, the actor, the
citation, the paragraph that quotes it ("quoted in"), the quote itself, then the codes the filters
use. Links from elsewhere to a row are `book/evidence-explorer.html#row-<id>` (`row_link`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from .. import chapters as chapters_module
from ..figures import fmt
from ..text.paragraphs import paragraph_for_quote

PAGE = "book/evidence-explorer"  # the explorer's docname
ROW_ANCHOR = "row-"
# a link to a row written relative to the site's root; a page that holds one (a chart's "Data behind
# this chart", made in a notebook that cannot know where it is pasted) gets it made relative to the
# page when the site is written (`relative_row_links`)
ROW_HREF_FROM_ROOT = f"{PAGE}.html#{ROW_ANCHOR}"


@dataclass(frozen=True)
class Filter:
    label: str  # shown beside the control
    key: str  # the card's data-<key> attribute and the control's name
    column: str  # the evidence column it filters on


# the filters of the brief: chapter, section, dimension, kind, actor type, orientation; years apart
FILTERS = (
    Filter("Chapter", "chapter", "chapter"),
    Filter("Section", "section", "section"),
    Filter("Dimension", "dimension", "dimension"),
    Filter("Kind", "kind", "kind"),
    Filter("Actor type", "actor-type", "actor_type"),
    Filter("Orientation", "orientation", "orientation"),
)
SORTS = (
    ("book", "Book order"),
    ("date", "Date, oldest first"),
    ("date-desc", "Date, newest first"),
    ("id", "Row id"),
)
NOT_CODED = "not coded"


def row_link(row_id: str, site_root: str = "") -> str:
    """`<a>` to a row of the explorer; `site_root` is the way from the linking page to the site's
    root. A collapsed chart mark's id ("jp-fin-01 and 3 more") links its first row."""
    first, _, rest = str(row_id).partition(" ")
    href = escape(f"{site_root}{ROW_HREF_FROM_ROOT}{first}")
    tail = f" {escape(rest)}" if rest else ""
    return f'<a class="evidence-row-link" href="{href}">{escape(first)}</a>{tail}'


def relative_row_links(html: str, site_root: str) -> str:
    """Row links written from the site's root (`row_link` with no root) made relative to a page."""
    return html.replace(f'href="{ROW_HREF_FROM_ROOT}', f'href="{site_root}{ROW_HREF_FROM_ROOT}')


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _section_name(section: str) -> str:
    return section.replace("-", " ").capitalize()


def _date_key(row: dict) -> str:
    """Sortable date: "1999-06-25"; undated rows sort last either way (the script sees "")."""
    if not _text(row.get("year")):
        return ""
    month, day = (int(row[k]) if _text(row.get(k)) else 0 for k in ("month", "day"))
    return f"{int(row['year']):04d}-{month:02d}-{day:02d}"


def _detail(term: str, value_html: str, css: str) -> str:
    return f'<div class="evidence-{css}"><dt>{term}</dt><dd>{value_html}</dd></div>'


def _card(row: dict, order: int, chapter: chapters_module.Chapter | None, site_root: str) -> str:
    row_id = str(row["id"])
    section = _text(row["section"])
    paragraph = (
        paragraph_for_quote(_text(row["quote"]), chapter, section)
        if chapter and _text(row["quote"])
        else None
    )
    where = escape(_section_name(section))
    if paragraph is not None:
        href = escape(f"{site_root}{paragraph.docname}.html#{paragraph.anchor}")
        quoted_in = f'<a class="evidence-paragraph-link" href="{href}">{where} ¶{paragraph.ordinal}</a>'
    else:  # the validator reports a quote it cannot find
        quoted_in = where
    chapter_name = chapter.heading if chapter else f"Chapter {row['chapter']}"
    actor = _text(row["actor"]) or "not named in the text"
    actor_type = _text(row["actor_type"])
    value = fmt.quantity(row["value"], row["unit"], row["value_qualifier"])
    codes = [
        ("Dimension", _text(row["dimension"]) or NOT_CODED),
        ("Kind", _text(row["kind"])),
        ("Orientation", _text(row["orientation"]) or NOT_CODED),
        ("Instrument", _text(row["instrument"])),
        ("Purpose", _text(row["purpose"])),
        ("Geography", _text(row["geography"])),
    ]
    attributes = {f.key: _text(row[f.column]) or NOT_CODED for f in FILTERS}
    attributes["chapter"] = str(int(row["chapter"]))
    data = " ".join(f'data-{key}="{escape(value)}"' for key, value in attributes.items())
    year = _text(row["year"])
    same_as = _text(row["same_fact_as"])
    parts = [
        f'<article class="evidence-row" id="{ROW_ANCHOR}{escape(row_id)}" {data} data-order="{order}" '
        f'data-year="{year}" data-date="{_date_key(row)}">',
        '<p class="evidence-head">'
        f'<a class="evidence-row-id" href="#{ROW_ANCHOR}{escape(row_id)}">{escape(row_id)}</a> '
        f'<span class="evidence-date">{escape(fmt.date_label(row))}</span> '
        f'<span class="evidence-where">{escape(chapter_name)}, {where}</span></p>',
        f'<p class="evidence-fact">{escape(_text(row["title"]))}</p>',
    ]
    if value:
        parts.append(f'<p class="evidence-value"><span>Value:</span> {escape(value)}</p>')
    parts.append('<dl class="evidence-details">')
    parts.append(
        _detail("Actor", escape(actor) + (f" ({escape(actor_type)})" if actor_type else ""), "actor")
    )
    parts.append(
        _detail("Citation", escape(_text(row["citation"]) or "no citation in the passage"), "citation")
    )
    parts.append(_detail("Quoted in", quoted_in, "quoted-in"))
    parts.append("</dl>")
    parts.append(f'<blockquote class="evidence-quote"><p>{escape(_text(row["quote"]))}</p></blockquote>')
    codes_html = "".join(f"<li><span>{term}:</span> {escape(value)}</li>" for term, value in codes if value)
    if same_as:
        link = f'<a href="#{ROW_ANCHOR}{escape(same_as)}">{escape(same_as)}</a>'
        codes_html += f"<li><span>Same fact as</span> {link}</li>"
    parts.append(f'<ul class="evidence-codes">{codes_html}</ul>')
    parts.append("</article>")
    return "".join(parts)


def _values(column: pd.Series) -> list[str]:
    """The values a filter offers: those the rows hold, in the codebook's order for a coded column,
    then "not coded" when some row has none."""
    held = set(column.dropna().astype(str))
    order = [str(v) for v in column.cat.categories] if isinstance(column.dtype, pd.CategoricalDtype) else []
    values = [v for v in order if v in held] + sorted(held - set(order))
    return values + ([NOT_CODED] if column.isna().any() else [])


def _options(values: list[str], labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    return '<option value="">All</option>' + "".join(
        f'<option value="{escape(v)}">{escape(labels.get(v, v))}</option>' for v in values
    )


def _controls(rows: pd.DataFrame, by_number: dict[int, chapters_module.Chapter]) -> str:
    """Search and filters, enabled by the script (without it they would do nothing): a search box
    and a disclosure "Filter and sort", closed at first so a phone's first screen shows rows."""
    fields = []
    for f in FILTERS:
        if f.key == "chapter":
            numbers = sorted({int(n) for n in rows["chapter"]})
            options = _options(
                [str(n) for n in numbers],
                {str(n): by_number[n].heading for n in numbers if n in by_number},
            )
        else:
            values = _values(rows[f.column])
            options = _options(values, {v: _section_name(v) for v in values} if f.key == "section" else None)
        fields.append(
            f'<label class="evidence-field"><span>{f.label}</span>'
            f'<select name="{f.key}" data-filter="{f.key}">{options}</select></label>'
        )
    years = [str(y) for y in sorted({int(y) for y in rows["year"].dropna()})]
    for name, label in (("year-from", "From year"), ("year-to", "To year")):
        fields.append(
            f'<label class="evidence-field"><span>{label}</span>'
            f'<select name="{name}" data-years="{name}">{_options(years)}</select></label>'
        )
    sorts = "".join(f'<option value="{key}">{label}</option>' for key, label in SORTS)
    fields.append(
        '<label class="evidence-field"><span>Sort by</span>'
        f'<select name="sort" data-sort="sort">{sorts}</select></label>'
    )
    # shown from the start (no shift of the rows when the script runs), usable once it has run
    return (
        '<form class="evidence-controls" role="search" aria-label="Search and filter the evidence rows">'
        '<fieldset class="evidence-fieldset" disabled>'
        '<label class="evidence-search"><span>Search the rows</span>'
        '<input type="search" name="q" autocomplete="off" placeholder="a word, an actor, a row id"></label>'
        '<details class="evidence-filters"><summary>Filter and sort</summary>'
        f'<div class="evidence-filter-grid">{"".join(fields)}</div>'
        '<button type="reset" class="evidence-reset">Clear search and filters</button>'
        "</details></fieldset></form>"
    )


def explorer_html(rows: pd.DataFrame, chapters: list[chapters_module.Chapter], site_root: str = "../") -> str:
    """The explorer for the page: the controls, a live count, then one card per evidence row in the
    order of the data; `chapters` are the book's. `site_root` is the way from the page to the site's
    root ("../" from book/)."""
    by_number = {c.number: c for c in chapters}
    cards = [
        _card(row, order, by_number.get(int(row["chapter"])), site_root)
        for order, row in enumerate(rows.to_dict("records"))
    ]
    count = fmt.count(len(rows), "evidence row")
    return (
        '<div class="evidence-explorer">'
        + _controls(rows, by_number)
        + f'<p class="evidence-count" role="status" aria-live="polite">{count}</p>'
        + f'<div class="evidence-rows">{"".join(cards)}</div>'
        + '<p class="evidence-none" hidden>No row matches: clear the search or a filter.</p>'
        + "</div>"
    )
