"""The book's charts: one theme, and one builder per kind of chart the sections need.

Every builder takes evidence rows (as `load_evidence()` returns them) and returns an Altair chart
with a title, axis titles with units, tooltips that show the evidence behind each mark (title,
date, actor, quote, citation) and a `description` for screen readers.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from . import fmt, rendering

THEME_NAME = "startup_capitalism"
DIMENSIONS = ["firm size", "employment", "finance", "innovation", "social purpose"]
NO_DIMENSION = "no single dimension"
DIMENSION_COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#8d99ae"]
NOT_CODED = "not coded"
# one colour per code wherever it appears, in every chart
DIMENSION_LABEL_COLOURS = dict(zip(DIMENSIONS + [NO_DIMENSION], DIMENSION_COLOURS, strict=True))
PERIOD_COLOURS = {"antecedents": "#8d99ae", "startup capitalism": "#d1495b"}
INSTRUMENT_COLOURS = {"debt": "#8d6e63", "equity": "#1b6ca8"}
INSTRUMENT_STACK_COLOURS = {**INSTRUMENT_COLOURS, NOT_CODED: "#c9c9c9"}
ORIENTATION_COLOURS = {"Mark I": "#d1495b", "Mark II": "#1b6ca8", "open-innovation Mark II": "#7fb3d9"}
# axis labels in words for sums: 1 billion, 10 billion, 1 trillion
LARGE_NUMBER_LABEL = (
    "datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + ' trillion'"
    " : datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + ' billion'"
    " : datum.value >= 1e6 ? format(datum.value / 1e6, '~g') + ' million' : format(datum.value, ',')"
)
# a chart inlines its rows in the page: past this many, rows that make the same mark become one
# mark whose tooltip counts them (no MaxRowsError, and the page weighs what the marks need)
MAX_MARKS = 500
EVIDENCE_TOOLTIP = [
    alt.Tooltip("title:N", title="Fact"),
    alt.Tooltip("date_label:N", title="Date"),
    alt.Tooltip("actor_label:N", title="Actor"),
    alt.Tooltip("quote:N", title="The chapter says"),
    alt.Tooltip("citation_label:N", title="Citation"),
    alt.Tooltip("id:N", title="Evidence row"),
]
SCORE_TOOLTIP = [
    alt.Tooltip("dimension:N", title="Dimension"),
    alt.Tooltip("period:N", title="Period"),
    alt.Tooltip("score:Q", title="Score"),
    alt.Tooltip("quote:N", title="The chapter says"),
]


@alt.theme.register(THEME_NAME, enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    font = "Helvetica, Arial, sans-serif"
    return {
        "config": {
            "view": {"continuousWidth": 600, "continuousHeight": 300, "stroke": None},
            "font": font,
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6", "labelLimit": 360},
            # a year axis drawn wide packs its labels edge to edge ("19861988..."): every other
            # label is dropped until a gap of 6 px stands between them
            "axisQuantitative": {"labelOverlap": "greedy", "labelSeparation": 6},
            "legend": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "bottom",
                "direction": "horizontal",
                "labelLimit": 360,
                "titleLimit": 480,
            },
            "range": {"category": DIMENSION_COLOURS},
            "background": "white",
        }
    }


def use_book_charts() -> None:
    """Enable the book's theme and renderer (interactive HTML + PNG for the PDF)."""
    alt.theme.enable(THEME_NAME)
    rendering.enable()


def chart_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows as plain values, with the labels the tooltips show."""
    rows = frame.copy()
    rows["date_label"] = [fmt.date_label(row) for row in rows.to_dict("records")]
    rows["dimension_label"] = rows["dimension"].astype("string").fillna(NO_DIMENSION)
    rows["actor_label"] = rows["actor"].astype("string").fillna("not named in the text")
    rows["citation_label"] = rows["citation"].astype("string").fillna("no citation in the passage")
    if "value" in rows:
        rows["quantity"] = [
            fmt.quantity(v, u, q)
            for v, u, q in zip(rows["value"], rows["unit"], rows["value_qualifier"], strict=True)
        ]
    plain = rows.astype(object)
    return plain.where(rows.notna(), None)


def collapsed(rows: pd.DataFrame, same_mark: list[str], limit: int = MAX_MARKS) -> pd.DataFrame:
    """`rows` as they are up to `limit`; past it, one row per mark (the first row of each group of
    `same_mark` columns), its title and id saying how many rows the mark stands for."""
    if len(rows) <= limit:
        return rows
    groups = rows.groupby(same_mark, dropna=False, sort=False)
    first = groups.head(1).copy()
    more = groups[same_mark[0]].transform("size").loc[first.index] - 1
    first["title"] = [
        f"{t} (and {n} more rows)" if n else t for t, n in zip(first["title"], more, strict=True)
    ]
    first["id"] = [f"{i} and {n} more" if n else i for i, n in zip(first["id"], more, strict=True)]
    return first


def awaiting_data(title: str, message: str) -> alt.Chart:
    """A chart slot's stand-in until its data is in (a newly imported chapter's Figure N.1 before
    its scores are added): the message, in the chart's place."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(size=13)
        .encode(text="message:N")
        .properties(title=title, description=message, width=480, height=40)
    )


def _left_out(**reasons: int) -> dict:
    """The chart's `usermeta` naming the rows it leaves out and why (`undated=5`): the page says so
    under the chart ("Data behind this chart") and a caption glues the same numbers (`left_out`)."""
    kept = [{"why": why, "rows": int(count)} for why, count in reasons.items() if count]
    return {"leftOut": kept} if kept else {}


def left_out(chart: alt.TopLevelMixin) -> dict[str, int]:
    """{reason: rows} for the rows of its frame a chart does not draw (undated facts, ...)."""
    usermeta = chart.to_dict().get("usermeta") or {}
    return {part["why"]: part["rows"] for part in usermeta.get("leftOut", [])}


def drawn_rows(chart: alt.TopLevelMixin) -> pd.DataFrame:
    """The rows a chart draws, as its "Data behind this chart" table lists them: captions count these."""
    return pd.DataFrame(rendering.chart_rows(chart.to_dict()))


def one_chapter(frame: pd.DataFrame) -> tuple[int, str]:
    """The (number, country) of the one chapter a frame's rows come from; a chart of one chapter
    must never mix in another's rows."""
    pairs = frame[["chapter", "country"]].drop_duplicates()
    if len(pairs) != 1:
        raise ValueError(
            f"expected the rows of one chapter, got {len(pairs)}: filter with evidence.section_rows "
            "or evidence.chapter_rows"
        )
    number, country = pairs.iloc[0]
    return int(number), str(country)


def dimensions_title(frame: pd.DataFrame) -> str:
    """The dimensions are those of the chapter's Figure N.1."""
    return f"Dimension of Figure {one_chapter(frame)[0]}.1"


def _dimension_colour(title: str = "Dimension") -> alt.Color:
    return alt.Color(
        "dimension_label:N",
        title=title,
        scale=alt.Scale(domain=list(DIMENSION_LABEL_COLOURS), range=list(DIMENSION_LABEL_COLOURS.values())),
        legend=alt.Legend(title=f"{title} (click to filter)"),
    )


def _counted(values: pd.Series) -> str:
    """'a 3, b 2': how many rows have each value, most first."""
    counts = values.fillna("not named").value_counts()
    return ", ".join(f"{value} {count}" for value, count in counts.items())


def _timeline_summary(rows: pd.DataFrame, lane: str) -> str:
    """The description's data sentence for a timeline, from the rows it draws."""
    dated = rows[rows["year"].notna()]
    if dated.empty:
        return "No dated facts."
    first, last = int(dated["year"].min()), int(dated[["year", "year_end"]].max(axis=1).max())
    return f"{len(dated)} dated facts from {first} to {last}; facts per lane: {_counted(dated[lane])}."


def _timeline(
    rows: pd.DataFrame,
    *,
    lane: str,
    lane_order: list[str] | None,
    legend_colour: alt.Color,
    title: str,
    subtitle: str,
    description: str,
) -> alt.LayerChart:
    """Dated facts on a time axis in lanes; the legend filters the lanes."""
    undated = int(rows["year"].isna().sum())
    rows = rows[rows["year"].notna()].copy()
    description = f"{description} {_timeline_summary(rows, lane)}"
    rows = collapsed(rows, [lane, "year", "year_end"]).copy()  # the summary counts every row
    # a steady, non-random offset within each lane so facts of the same year do not overlap
    rows["lane_offset"] = rows.groupby([lane, "year"]).cumcount() % 5
    pick = alt.selection_point(fields=[lane], bind="legend")
    years = alt.Scale(domain=[1945, 2030], nice=False, zero=False)
    lanes = alt.Y(f"{lane}:N", title=None, sort=lane_order or "ascending")
    base = alt.Chart(rows)
    spans = (
        base.transform_filter("datum.year_end != null && datum.year_end > datum.year")
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X("year:Q", scale=years),
            x2="year_end:Q",
            y=lanes,
            yOffset="lane_offset:O",
            color=legend_colour,
            opacity=alt.condition(pick, alt.value(0.35), alt.value(0.04)),
        )
    )
    points = (
        base.mark_circle(size=60, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "year:Q", title="Year the text gives for the fact", axis=alt.Axis(format="d"), scale=years
            ),
            y=lanes,
            yOffset="lane_offset:O",
            color=legend_colour,
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.08)),
            tooltip=EVIDENCE_TOOLTIP,
        )
        .add_params(pick)
    )
    return (points + spans).properties(
        title=alt.Title(title, subtitle=subtitle),
        description=description,
        width=600,
        height=alt.Step(9),
        usermeta=_left_out(undated=undated),
    )


def evidence_timeline(frame: pd.DataFrame, *, title: str, subtitle: str, description: str) -> alt.LayerChart:
    """Every dated fact of one chapter on a time axis, one lane per dimension of its Figure N.1."""
    return _timeline(
        chart_rows(frame),
        lane="dimension_label",
        lane_order=list(DIMENSION_LABEL_COLOURS),
        legend_colour=_dimension_colour(dimensions_title(frame)),
        title=title,
        subtitle=subtitle,
        description=description,
    )


def kind_timeline(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    description: str,
    lane: str = "kind",
    lane_title: str = "Kind of measure",
) -> alt.LayerChart:
    """Dated facts on a time axis, one lane per value of `lane` (kind of measure, actor type)."""
    rows = chart_rows(frame)
    rows[lane] = rows[lane].fillna("not named")
    return _timeline(
        rows,
        lane=lane,
        lane_order=None,
        legend_colour=alt.Color(f"{lane}:N", title=f"{lane_title} (click to filter)"),
        title=title,
        subtitle=subtitle,
        description=description,
    )


def quantity_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value_title: str,
    title: str,
    subtitle: str,
    description: str,
    log_scale: bool = False,
) -> alt.LayerChart:
    """Horizontal bars for stated quantities of one unit, largest first.

    Each bar's name is written above it across the chart's width, so long names stay whole in
    the PDF as well as on screen, and its formatted value at its end.
    """
    rows = collapsed(chart_rows(frame), ["value", "unit"])
    largest_first = rows.sort_values("value", ascending=False, key=lambda v: v.astype(float))
    description = (
        f"{description} Values, largest first: "
        + "; ".join(
            f"{name}: {quantity}"
            for name, quantity in zip(largest_first[category], largest_first["quantity"], strict=True)
        )
        + "."
    )
    if log_scale:
        # a bar needs a baseline: the power of ten below the smallest value (strictly below: a
        # value that is itself a power of ten, US$1 billion, would draw a bar of no length)
        values = frame["value"].astype(float)
        low = 10 ** (math.ceil(math.log10(values.min())) - 1)
        high = 10 ** math.ceil(math.log10(values.max()))
        scale = alt.Scale(type="log", domain=[low, high])
        powers = [10**exponent for exponent in range(round(math.log10(low)), round(math.log10(high)) + 1)]
        axis = alt.Axis(values=powers, labelExpr=LARGE_NUMBER_LABEL)
    else:
        scale, axis = alt.Scale(zero=True), alt.Axis()
    x = alt.X("value:Q", title=value_title, scale=scale, axis=axis, stack=None)
    y = alt.Y(
        f"{category}:N", title=None, axis=None, sort=alt.EncodingSortField(field="value", order="descending")
    )
    base = alt.Chart(rows)
    bars = base.mark_bar(height=14, yOffset=7, color="#1b6ca8").encode(
        x=x, y=y, tooltip=[alt.Tooltip("quantity:N", title="Value")] + EVIDENCE_TOOLTIP
    )
    names = base.mark_text(align="left", baseline="bottom", dy=-2, fontSize=11).encode(
        x=alt.value(0), y=y, text=f"{category}:N"
    )
    values = base.mark_text(align="left", dx=4, yOffset=7, fontSize=11, fontWeight="bold").encode(
        x=x, y=y, text="quantity:N"
    )
    return (bars + names + values).properties(
        title=alt.Title(title, subtitle=subtitle), description=description, width=480, height=alt.Step(40)
    )


def dated_values(
    frame: pd.DataFrame,
    *,
    series: str,
    series_title: str,
    value_title: str,
    title: str,
    subtitle: str,
    description: str,
) -> alt.Chart:
    """Points over time for a quantity stated at more than one date, joined within each series."""
    rows = collapsed(chart_rows(frame), [series, "year", "value"])
    by_year = rows.sort_values("year")
    description = (
        f"{description} Values: "
        + "; ".join(
            f"{series_value}, {date}: {quantity}"
            for series_value, date, quantity in zip(
                by_year[series], by_year["date_label"], by_year["quantity"], strict=True
            )
        )
        + "."
    )
    base = alt.Chart(rows).encode(
        x=alt.X(
            "year:Q",
            title="Year",
            axis=alt.Axis(format="d", tickMinStep=1),
            # room for the values written over the first and last points
            scale=alt.Scale(zero=False, padding=40),
        ),
        y=alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=True)),
        color=alt.Color(f"{series}:N", title=series_title),
    )
    line = base.mark_line(strokeDash=[4, 3])
    points = base.mark_circle(size=90, opacity=1).encode(
        tooltip=[alt.Tooltip("quantity:N", title="Value")] + EVIDENCE_TOOLTIP
    )
    labels = base.mark_text(dy=-12, fontSize=11).encode(text="quantity:N")
    return (line + points + labels).properties(
        title=alt.Title(title, subtitle=subtitle), description=description, width=480, height=260
    )


def category_counts(
    frame: pd.DataFrame,
    *,
    category: str,
    category_title: str,
    stack: str,
    stack_title: str,
    title: str,
    subtitle: str,
    description: str,
    stack_colours: dict[str, str] | None = None,
    count_title: str = "Evidence rows",
) -> alt.Chart:
    """How many evidence rows fall in each category, stacked by a second code (empty: "not coded");
    `count_title` says what is counted when the frame has one row per actor (`evidence.each_actor`)."""
    rows = chart_rows(frame)
    rows[stack] = rows[stack].fillna(NOT_CODED)
    counts = rows.groupby([category, stack], dropna=False).size().reset_index(name="rows")
    totals = counts.groupby(category)["rows"].sum().sort_values(ascending=False, kind="stable")
    description = (
        f"{description} {count_title} by {category_title.lower()}, most first: "
        + "; ".join(
            f"{name} {total} ("
            + ", ".join(
                f"{part['rows']} {part[stack]}"
                for part in counts[counts[category] == name].to_dict("records")
            )
            + ")"
            for name, total in totals.items()
        )
        + "."
    )
    colour_scale = (
        alt.Scale(domain=list(stack_colours), range=list(stack_colours.values()))
        if stack_colours
        else alt.Undefined
    )
    return (
        alt.Chart(counts, title=alt.Title(title, subtitle=subtitle), description=description)
        .mark_bar()
        .encode(
            x=alt.X("rows:Q", title=f"{count_title} (count)"),
            y=alt.Y(f"{category}:N", title=category_title, sort="-x"),
            color=alt.Color(f"{stack}:N", title=stack_title, scale=colour_scale),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip(f"{stack}:N", title=stack_title),
                alt.Tooltip("rows:Q", title=count_title),
            ],
        )
        .properties(width=480, height=alt.Step(24))
    )


def instrument_timeline(frame: pd.DataFrame, *, title: str, subtitle: str, description: str) -> alt.Chart:
    """Debt and equity instruments on a time axis, one lane each; undated instruments are counted
    in the chart's `usermeta` (`left_out`)."""
    instruments = frame[frame["instrument"].notna()]
    rows = collapsed(chart_rows(instruments[instruments["year"].notna()]), ["instrument", "year"])
    rows["lane_offset"] = rows.groupby(["instrument", "year"]).cumcount() % 4
    description = f"{description} {_timeline_summary(rows, 'instrument')}"
    return (
        alt.Chart(rows, title=alt.Title(title, subtitle=subtitle), description=description)
        .mark_point(size=110, filled=True, opacity=0.85)
        .encode(
            x=alt.X(
                "year:Q",
                title="Year launched or adopted",
                axis=alt.Axis(format="d"),
                scale=alt.Scale(zero=False, padding=10),
            ),
            y=alt.Y("instrument:N", title="Instrument", sort=["debt", "equity"]),
            yOffset="lane_offset:O",
            color=alt.Color(
                "instrument:N",
                title="Instrument",
                scale=alt.Scale(domain=list(INSTRUMENT_COLOURS), range=list(INSTRUMENT_COLOURS.values())),
            ),
            shape=alt.Shape(
                "instrument:N", title="Instrument", scale=alt.Scale(domain=list(INSTRUMENT_COLOURS))
            ),
            tooltip=EVIDENCE_TOOLTIP,
        )
        .properties(
            width=560, height=alt.Step(18), usermeta=_left_out(undated=int(instruments["year"].isna().sum()))
        )
    )


def _score_summary(rows: pd.DataFrame, order: list[str]) -> str:
    parts = []
    for dimension in order:
        scored = rows[rows["dimension"] == dimension].to_dict("records")
        parts.append(dimension + ": " + ", ".join(f"{row['period']} {row['score']}" for row in scored))
    return "; ".join(parts) + "."


RING_PERIOD = "antecedents"  # drawn as a ring around the other period's dot, so equal scores show


# a ring as a symbol of its own (Vega-Lite's custom shapes are paths in [-1, 1]; the inner circle,
# drawn the other way round, is the hole), so that marks and legends draw the same ring
RING_SHAPE = "M0,-1A1,1,0,1,1,0,1A1,1,0,1,1,0,-1ZM0,-0.7A0.7,0.7,0,1,0,0,0.7A0.7,0.7,0,1,0,0,-0.7Z"


def _period_shape(legend_colour: str | None = None) -> alt.Shape:
    """The period as the mark's shape: a ring for the antecedents, a dot for startup capitalism.
    Its legend draws the same ring and dot (merged with a colour legend of the same field, or in
    `legend_colour` where colour tells the chapters apart); `usermeta.rings` lets the page's own
    legend on a phone draw them too."""
    periods = list(PERIOD_COLOURS)
    # beside the chapters' legend, where colour tells the chapters apart
    extra = (
        {"symbolFillColor": legend_colour, "symbolStrokeColor": legend_colour, "orient": "right"}
        if legend_colour
        else {}
    )
    return alt.Shape(
        "period:N",
        title="Period",
        scale=alt.Scale(
            domain=periods, range=[RING_SHAPE if period == RING_PERIOD else "circle" for period in periods]
        ),
        legend=alt.Legend(title="Period", symbolSize=200, **extra),
    )


def figure_n_1(scores: pd.DataFrame) -> alt.Chart:
    """A chapter's Figure N.1 as a dumbbell: each dimension's score in both periods."""
    _, country = one_chapter(scores)
    rows = scores.astype(object).where(scores.notna(), None)
    order = DIMENSIONS
    base = alt.Chart(rows)
    y = alt.Y("dimension:N", title=None, sort=order)
    x = alt.X(
        "score:Q",
        title="Score (1 = Mark II ideal type; higher = toward Mark I)",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(zero=False, nice=False, padding=30),
    )
    link = base.mark_rule(strokeWidth=3, color="#bbbbbb").encode(
        x=alt.X("min(score):Q"), x2="max(score):Q", y=y
    )
    period_scale = alt.Scale(domain=list(PERIOD_COLOURS), range=list(PERIOD_COLOURS.values()))
    # colour and shape of one field and title: Vega-Lite draws them as one legend, ring and dot
    period_colour = {
        "color": alt.Color("period:N", title="Period", scale=period_scale),
        "shape": _period_shape(),
    }
    tooltip = SCORE_TOOLTIP
    # antecedents as a ring, startup capitalism as a dot inside it, so equal scores stay visible
    rings = (
        base.transform_filter(f"datum.period == '{RING_PERIOD}'")
        .mark_point(size=420, filled=True, opacity=1)
        .encode(x=x, y=y, tooltip=tooltip, **period_colour)
    )
    dots = (
        base.transform_filter(f"datum.period != '{RING_PERIOD}'")
        .mark_point(size=150, filled=True, opacity=1)
        .encode(x=x, y=y, tooltip=tooltip, **period_colour)
    )
    return (link + rings + dots).properties(
        title=alt.Title(
            f"{country}’s institutional evolution: antecedents to startup capitalism",
            subtitle="The authors’ scores; 1 is the Mark II ideal type, higher lies toward Mark I",
        ),
        description=f"Dumbbell chart of the authors' scores for {country} on five dimensions, antecedents "
        "period (ring) versus startup capitalism (dot): " + _score_summary(rows, order),
        width=480,
        height=alt.Step(34),
        usermeta={"rings": [RING_PERIOD]},
    )


# the comparison stays within one screen's height: each dimension's row holds every chapter, at
# most this many pixels per chapter and per row
COMPARISON_ROW_HEIGHT = 100
COMPARISON_STEP = (5, 24)  # pixels per chapter inside a dimension's row, fewest and most


def scores_across_chapters(scores: pd.DataFrame) -> alt.LayerChart:
    """Every chapter's Figure N.1 scores, one row per dimension and one colour per chapter (its
    country named in the legend): a ring for the antecedents, a dot for startup capitalism, joined
    by a line, each chapter on a line of its own inside the dimension's row."""
    rows = scores.astype(object).where(scores.notna(), None)
    numbers = sorted({int(number) for number in rows["chapter"]})
    # each chapter named with its country, in the form of the table of contents' parts
    rows["chapter_label"] = [f"Chapter {row['chapter']} {row['country']}" for row in rows.to_dict("records")]
    labels = list(dict.fromkeys(rows.sort_values("chapter", kind="stable")["chapter_label"]))
    summary = "; ".join(
        f"{label}: {_score_summary(rows[rows['chapter_label'] == label], DIMENSIONS)}" for label in labels
    )
    step = max(COMPARISON_STEP[0], min(COMPARISON_STEP[1], COMPARISON_ROW_HEIGHT // max(1, len(numbers))))
    base = alt.Chart(rows)
    x = alt.X(
        "score:Q",
        title="Score (1 = Mark II ideal type; higher = toward Mark I)",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(zero=False, nice=False, padding=30),
    )
    y = alt.Y("dimension:N", title=None, sort=DIMENSIONS)
    offset = alt.YOffset("chapter_label:N", sort=labels)
    chapter_scale = alt.Scale(scheme="tableau20" if len(labels) > 10 else "tableau10")
    # the chapters' legend beside the rows, so twenty chapters still fit one screen's height
    colour = alt.Color(
        "chapter_label:N",
        title="Chapter",
        sort=labels,
        scale=chapter_scale,
        legend=alt.Legend(orient="right", direction="vertical", columns=1),
    )
    tooltip = [alt.Tooltip("chapter_label:N", title="Chapter"), *SCORE_TOOLTIP]
    link = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("min(score):Q"), x2="max(score):Q", y=y, yOffset=offset, color=colour
    )
    ring = f"datum.period == '{RING_PERIOD}'"
    marks = base.mark_point(opacity=1, filled=True).encode(
        x=x,
        y=y,
        yOffset=offset,
        color=colour,
        shape=_period_shape("#6b6b6b"),
        size=alt.condition(ring, alt.value(min(260, 8 * step * step)), alt.value(min(80, 3 * step * step))),
        tooltip=tooltip,
    )
    return (link + marks).properties(
        title=alt.Title(
            "The chapters’ scores side by side: antecedents and startup capitalism",
            subtitle="The authors’ Figure N.1 scores of each chapter, one colour per chapter: a ring for "
            "the antecedents, a dot for startup capitalism; 1 is the Mark II ideal type, higher lies "
            "toward Mark I",
        ),
        description="Dot chart of the authors' scores on five dimensions, one colour per chapter, the "
        "antecedents period (ring) joined to startup capitalism (dot): " + summary,
        width=560,
        height=alt.Step(step),
        usermeta={"rings": [RING_PERIOD]},
    )
