"""How Altair charts leave a notebook: interactive HTML for the site, a PNG for the PDF.

One execution serves both builders: the renderer returns a single mimebundle with `text/html`
(drawn in the browser by the site's own copy of Vega, never a CDN) and `image/png` (300 dpi at the
PDF's text width, made by vl-convert). myst-nb picks the first for HTML and the second for LaTeX.
Element ids are derived from the spec, so outputs are identical between runs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math

import altair as alt
import vl_convert

from ..evidence.explorer import row_link

RENDERER_NAME = "startup_capitalism"
VEGALITE_VERSION = "v" + ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Charts are 490 to 720 px wide and are printed at the PDF's text width (about 6.3 in): scale 4
# gives 310 dpi or more.
PNG_SCALE = 4

LEGEND_COLUMNS = 2
AXIS_TITLE_LIMIT = 1000
EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

_HTML_TEMPLATE = (
    '<div class="startup-chart-block">\n'
    '{heading}<div class="startup-chart" id="{element_id}" role="figure" aria-label="{label}"></div>\n'
    '{hint}{data_table}<script type="application/json" class="startup-chart-spec" '
    'data-chart="{element_id}">{payload}</script>\n'
    "</div>"
)
# the chart's own title and subtitle are HTML above it on screen, so they wrap on a phone
_HEADING_TEMPLATE = '<p class="startup-chart-title">{title}</p>\n'
_SUBTITLE_TEMPLATE = '<p class="startup-chart-subtitle">{subtitle}</p>\n'
EVIDENCE_ID_FIELD = "id"  # the evidence row's id in a chart's data (charts.EVIDENCE_TOOLTIP)
# channels that place or style marks without carrying a value a reader needs in the table
_LAYOUT_CHANNELS = {"xOffset", "yOffset", "opacity", "size", "strokeDash", "shape"}


def vega_bundle_javascript() -> str:
    """Vega, Vega-Lite (the version Altair writes) and Vega-Embed as one script, from vl-convert."""
    return vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)


def _canonical_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _title_text(spec: dict) -> str | None:
    """A spec's title: Vega-Lite allows a string or an object with `text`."""
    title = spec.get("title")
    return title.get("text") if isinstance(title, dict) else title


# Hints that only make sense on screen; the static image for the PDF leaves them out.
SCREEN_ONLY_HINTS = (" (click to filter)", " Click the legend to filter.", "; hover for the passage")


def print_spec(spec: dict) -> dict:
    text = json.dumps(spec, ensure_ascii=False)
    for hint in SCREEN_ONLY_HINTS:
        text = text.replace(hint, "")
    return json.loads(text)


# views made of several views (facets, concatenations, repeats), which cannot fit a column's width
COMPOUND_VIEWS = ("facet", "column", "row", "concat", "hconcat", "vconcat", "repeat")


def screen_spec(spec: dict) -> dict:
    """The spec the browser draws: as wide as its column (re-laid out when the column changes),
    its title and hints in the HTML around it instead of inside the drawing."""
    compound = [key for key in COMPOUND_VIEWS if key in spec or key in spec.get("encoding", {})]
    if compound:
        raise ValueError(
            f"a {compound[0]} chart cannot take its column's width (Vega-Lite's container width works for "
            "single and layered views only): draw the groups with xOffset/yOffset, colour or shape instead"
        )
    screen = print_spec(spec)
    screen.pop("title", None)
    _fixed_height(screen)
    screen["width"] = "container"
    screen["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    config = screen.setdefault("config", {})
    # a horizontal legend in one row runs off a phone's screen: two columns fit any width
    config.setdefault("legend", {})["columns"] = LEGEND_COLUMNS
    # Vega cuts an axis title at the axis' length, which is short on a phone
    config.setdefault("axis", {})["titleLimit"] = AXIS_TITLE_LIMIT
    return screen


def _distinct(rows: list[dict], field: str | None) -> int:
    return len({json.dumps(row.get(field), sort_keys=True) for row in rows}) if field else 1


def _fixed_height(screen: dict) -> None:
    """A height of so many pixels per row instead of Vega-Lite's `{"step": n}`.

    A chart that takes its column's width (autosize fit-x) with a step height makes Vega-Lite warn
    in the console ('Dropping "fit-y" because spec has discrete height') each time it is drawn.
    The rows are the y values times the yOffset values (Vega-Lite's step is for the inner band);
    `usermeta` keeps the step and the count, so that the page's script can grow the rows."""
    height = screen.get("height")
    if not isinstance(height, dict) or "step" not in height:
        return
    fields = {"y": None, "yOffset": None}
    for view in [screen] + list(screen.get("layer", [])):
        for channel in fields:
            definition = view.get("encoding", {}).get(channel)
            if isinstance(definition, dict) and fields[channel] is None:
                fields[channel] = definition.get("field")
    rows = chart_rows(screen)
    count = max(1, _distinct(rows, fields["y"]) * _distinct(rows, fields["yOffset"]))
    screen["height"] = height["step"] * count
    screen["usermeta"] = {**screen.get("usermeta", {}), "rowStep": height["step"], "rowCount": count}


def _fields(spec: dict):
    """(field, heading) for every value the chart's marks show, in the order the layers give."""
    views = [spec] + list(spec.get("layer", []))
    for view in views:
        encoding = view.get("encoding", {})
        for channel, definitions in encoding.items():
            if channel in _LAYOUT_CHANNELS:
                continue
            for definition in definitions if isinstance(definitions, list) else [definitions]:
                if not isinstance(definition, dict) or "field" not in definition or "aggregate" in definition:
                    continue
                title = definition.get("title")
                yield definition["field"], title if isinstance(title, str) else None


def chart_rows(spec: dict) -> list[dict]:
    """The rows the chart draws: its (first) inline data set."""
    datasets = spec.get("datasets", {})
    for view in [spec] + list(spec.get("layer", [])):
        name = (view.get("data") or {}).get("name")
        if name in datasets:
            return datasets[name]
        if "values" in (view.get("data") or {}):
            return view["data"]["values"]
    return []


def data_table_html(spec: dict) -> str:
    """The "data behind this chart" disclosure: every row the chart draws, every value it shows."""
    headings: dict[str, str] = {}
    for field, title in _fields(spec):
        if field not in headings or (title and headings[field] == field):
            headings[field] = title or field
    rows = chart_rows(spec)
    if not headings or not rows:
        return ""
    head = "".join(
        f'<th scope="col">{html.escape(heading.replace(" (click to filter)", ""))}</th>'
        for heading in headings.values()
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell_html(field, row.get(field))}</td>" for field in headings) + "</tr>"
        for row in rows
    )
    return (
        '<details class="startup-chart-data"><summary>Data behind this chart '
        f"({_rows_and_left_out(spec, rows)})</summary>\n"
        f'<div class="startup-chart-data-scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></details>\n"
    )


def _cell_html(field: str, value) -> str:
    """A cell of the data table: an evidence row's id links to its row in the evidence explorer."""
    text = _cell(value)
    return row_link(text) if field == EVIDENCE_ID_FIELD and text else html.escape(text)


def left_out_text(spec: dict) -> str:
    """'5 undated rows are not drawn': what the chart's `usermeta.leftOut` (charts._left_out) says."""
    parts = [
        f"{part['rows']} {part['why']} row{'s are' if part['rows'] != 1 else ' is'} not drawn"
        for part in (spec.get("usermeta") or {}).get("leftOut", [])
    ]
    return "; ".join(parts)


def _rows_and_left_out(spec: dict, rows: list[dict]) -> str:
    drawn = f"{len(rows)} row{'' if len(rows) == 1 else 's'}"
    return f"{drawn}; {left_out_text(spec)}" if left_out_text(spec) else drawn


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _hint_html(spec: dict) -> str:
    text = json.dumps(spec)
    hints = []
    if "(click to filter)" in text:
        hints.append("Filter with the buttons under the chart or by clicking its legend.")
    if '"The chapter says"' in text:
        hints.append("Point at or tap a mark to read the passage behind it.")
    elif '"tooltip"' in text:
        hints.append("Point at or tap a mark to see its values.")
    return f'<p class="startup-chart-hint">{" ".join(hints)}</p>\n' if hints else ""


def _without_nan(value):
    """JSON has no NaN (JavaScript does): a missing number becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return value


def chart_html(spec: dict) -> str:
    spec_json = _canonical_json(spec)
    element_id = "chart-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    label = spec.get("description") or _title_text(spec) or "Chart"
    title = spec.get("title")
    heading = ""
    if _title_text(spec):
        heading += _HEADING_TEMPLATE.format(title=html.escape(_title_text(spec)))
    if isinstance(title, dict) and title.get("subtitle"):
        subtitle = print_spec({"s": title["subtitle"]})["s"]
        heading += _SUBTITLE_TEMPLATE.format(subtitle=html.escape(subtitle))
    payload = _canonical_json(_without_nan({"spec": screen_spec(spec), "embed": EMBED_OPTIONS}))
    return _HTML_TEMPLATE.format(
        heading=heading,
        element_id=element_id,
        label=html.escape(str(print_spec({"d": label})["d"]), quote=True),
        hint=_hint_html(spec),
        data_table=data_table_html(spec),
        payload=payload.replace("</", "<\\/"),
    )


def chart_png(spec: dict) -> str:
    png = vl_convert.vegalite_to_png(print_spec(spec), vl_version=VEGALITE_VERSION, scale=PNG_SCALE)
    return base64.b64encode(png).decode("ascii")


# a notebook shows each chart it glues (`glue(key, chart, display=False)`, then the chart as the
# cell's output): both ask for the same spec's bundle, and its PNG is most of a notebook's time
_RENDERED: dict[str, dict] = {}


def render(spec: dict, **_metadata) -> dict:
    key = _canonical_json(spec)
    if key not in _RENDERED:
        _RENDERED[key] = {
            "text/html": chart_html(spec),
            "image/png": chart_png(spec),
            "text/plain": f"<Chart: {_title_text(spec) or spec.get('description', 'untitled')}>",
        }
    return dict(_RENDERED[key])


alt.renderers.register(RENDERER_NAME, render)


def enable() -> None:
    """Use this module's renderer for every chart the notebook displays or glues."""
    alt.renderers.enable(RENDERER_NAME)
