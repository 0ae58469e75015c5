"""Chart builders and the renderer: specs encode the intended fields and embed the given rows."""

from __future__ import annotations

import base64
import json
import re

import altair as alt
import pandas as pd
import pytest
import vl_convert

from conftest import ROOT
from startup_capitalism import evidence
from startup_capitalism.book import Book
from startup_capitalism.figures import charts, rendering

BOOK = Book(ROOT)

# the checks below are on Japan's own rows (its job tenure, its dollar sums, its scores)
JAPAN = BOOK.chapter(2)
ROWS = evidence.chapter_rows(evidence.load_evidence(BOOK), JAPAN)
SCORES = evidence.load_scores(BOOK, JAPAN)
LABELS = dict(title="A title", subtitle="A subtitle", description="A description for screen readers.")


def spec_of(chart) -> dict:
    return chart.to_dict()


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def embedded_rows(spec: dict) -> list[dict]:
    datasets = spec.get("datasets", {})
    assert len(datasets) == 1, "each chart embeds exactly one dataset"
    return next(iter(datasets.values()))


def encoded_fields(spec: dict) -> set[str]:
    fields = set()
    for layer in layers(spec):
        for channel in layer.get("encoding", {}).values():
            items = channel if isinstance(channel, list) else [channel]
            for item in items:
                if isinstance(item, dict) and "field" in item:
                    fields.add(item["field"])
    return fields


def tooltip_fields(spec: dict) -> set[str]:
    fields = set()
    for layer in layers(spec):
        for item in layer.get("encoding", {}).get("tooltip", []):
            fields.add(item["field"])
    return fields


EVIDENCE_TOOLTIP = {"title", "date_label", "actor_label", "quote", "citation_label"}


def test_timeline_encodes_year_and_dimension_and_embeds_every_dated_row():
    spec = spec_of(charts.evidence_timeline(ROWS, **LABELS))
    assert {"year", "year_end", "dimension_label"} <= encoded_fields(spec)
    assert EVIDENCE_TOOLTIP <= tooltip_fields(spec)
    embedded = embedded_rows(spec)
    assert sorted(r["id"] for r in embedded) == sorted(ROWS.loc[ROWS["year"].notna(), "id"])
    params = spec.get("params", []) + [p for layer in layers(spec) for p in layer.get("params", [])]
    assert any(param.get("bind") == "legend" for param in params)
    # the description says what the chart shows, then what its data holds, counted from the rows
    assert spec["description"].startswith(LABELS["description"])
    assert f"{len(embedded)} dated facts" in spec["description"]


def test_kind_timeline_lanes_by_the_field_asked_for():
    spec = spec_of(charts.kind_timeline(ROWS, lane="actor_type", lane_title="Actor", **LABELS))
    assert "actor_type" in encoded_fields(spec)


def test_quantity_bars_embed_the_values_given():
    tenure = ROWS[(ROWS["unit"] == "years") & ROWS["title"].str.contains("job tenure")]
    spec = spec_of(charts.quantity_bars(tenure, category="title", value_title="Years", **LABELS))
    embedded = embedded_rows(spec)
    assert sorted(r["value"] for r in embedded) == sorted(tenure["value"].astype(float))
    assert {"value", "title"} <= encoded_fields(spec)
    assert EVIDENCE_TOOLTIP <= tooltip_fields(spec)
    assert all(r["quantity"].endswith("years") for r in embedded)


def test_quantity_bars_follow_an_edited_value():
    tenure = ROWS[
        ROWS["id"] == ROWS.loc[ROWS["title"].str.contains("job tenure in Japan"), "id"].iloc[0]
    ].copy()
    tenure["value"] = 99.5
    spec = spec_of(charts.quantity_bars(tenure, category="title", value_title="Years", **LABELS))
    assert embedded_rows(spec)[0]["value"] == 99.5


def test_log_scale_bars_have_a_baseline_below_the_smallest_value():
    sums = ROWS[ROWS["unit"] == "US dollars"]
    spec = spec_of(
        charts.quantity_bars(sums, category="title", value_title="US dollars", log_scale=True, **LABELS)
    )
    bar_layer = next(layer for layer in layers(spec) if layer["mark"]["type"] == "bar")
    scale = bar_layer["encoding"]["x"]["scale"]
    assert scale["type"] == "log"
    low, high = scale["domain"]
    assert low <= sums["value"].min() and high >= sums["value"].max() and low > 0


def test_category_counts_count_the_rows():
    spec = spec_of(
        charts.category_counts(
            ROWS, category="kind", category_title="Kind", stack="dimension", stack_title="Dimension", **LABELS
        )
    )
    assert sum(r["rows"] for r in embedded_rows(spec)) == len(ROWS)


def test_instrument_timeline_has_only_debt_and_equity_rows():
    spec = spec_of(charts.instrument_timeline(ROWS, **LABELS))
    embedded = embedded_rows(spec)
    assert {r["instrument"] for r in embedded} == {"debt", "equity"}
    assert len(embedded) == int((ROWS["instrument"].notna() & ROWS["year"].notna()).sum())


def test_figure_n_1_shows_both_periods_on_all_five_dimensions_and_no_invented_maximum():
    spec = spec_of(charts.figure_n_1(SCORES))
    embedded = embedded_rows(spec)
    assert {(r["dimension"], r["period"]) for r in embedded} == {
        (d, p) for d in charts.DIMENSIONS for p in ("antecedents", "startup capitalism")
    }
    for layer in layers(spec):
        x = layer.get("encoding", {}).get("x", {})
        assert "domainMax" not in x.get("scale", {}) and "domain" not in x.get("scale", {})
    assert "social purpose: antecedents 3, startup capitalism 3" in spec["description"]


def test_every_builder_gives_a_title_and_a_description():
    builders = [
        charts.evidence_timeline(ROWS, **LABELS),
        charts.kind_timeline(ROWS, **LABELS),
        charts.category_counts(
            ROWS, category="kind", category_title="K", stack="dimension", stack_title="D", **LABELS
        ),
        charts.instrument_timeline(ROWS, **LABELS),
        charts.dated_values(
            ROWS[ROWS["title"].str.startswith("Unemployment")].assign(s="u"),
            series="s",
            series_title="S",
            value_title="Percent",
            **LABELS,
        ),
        charts.figure_n_1(SCORES),
    ]
    for chart in builders:
        spec = spec_of(chart)
        assert spec.get("description")
        assert spec.get("title", {}).get("text")


def test_the_renderer_is_deterministic_offline_and_serves_both_builders():
    charts.use_book_charts()
    spec = spec_of(charts.figure_n_1(SCORES))
    first, second = rendering.render(spec), rendering.render(spec)
    assert first == second
    assert set(first) == {"text/html", "image/png", "text/plain"}
    html = first["text/html"]
    markup, payload = html.split('class="startup-chart-spec"')
    assert "cdn" not in html.lower() and "https://" not in markup
    assert 'id="chart-' in markup
    # the browser draws the spec at its column's width; the PNG keeps the fixed print width
    drawn = json.loads(payload.split(">", 1)[1].split("</script>")[0])["spec"]
    assert drawn["width"] == "container" and isinstance(spec["width"], int)
    assert base64.b64decode(first["image/png"]).startswith(b"\x89PNG")


def test_the_data_behind_a_chart_is_a_table_of_the_rows_it_draws():
    charts.use_book_charts()
    spec = spec_of(
        charts.quantity_bars(
            ROWS[ROWS["unit"] == "US dollars"], category="title", value_title="US dollars", **LABELS
        )
    )
    table = rendering.data_table_html(spec)
    assert table.count("<tr>") == 1 + len(rendering.chart_rows(spec))
    # every value the bars show is in the description too, formatted as the chart writes it
    for row in rendering.chart_rows(spec):
        assert row["quantity"] in spec["description"] and row["quantity"] in table


def test_the_static_image_leaves_out_screen_only_hints():
    spec = spec_of(charts.evidence_timeline(ROWS, **LABELS))
    assert "(click to filter)" in json.dumps(spec)
    assert "(click to filter)" not in json.dumps(rendering.print_spec(spec))


def test_the_vega_bundle_matches_the_vega_lite_version_altair_writes():
    bundle = rendering.vega_bundle_javascript()
    assert "window.vegaEmbed" in bundle and len(bundle) > 500_000
    assert rendering.VEGALITE_VERSION.startswith("v6")


@pytest.mark.parametrize(
    "value,unit,expected",
    [
        (12.5, "years", "12.5 years"),
        (20, "percent", "20%"),
        (1.5e12, "US dollars", "US$1.5 trillion"),
        (1.2e8, "yen", "¥120 million"),
        (24000, "branches", "24,000 branches"),
    ],
)
def test_quantities_are_formatted_in_code(value, unit, expected):
    from startup_capitalism.figures import fmt

    assert fmt.quantity(value, unit) == expected


@pytest.mark.parametrize(
    "value,unit,qualifier,expected",
    [
        (5, "percent", "nearly", "nearly 5%"),
        (2, "percent", "just over", "just over 2%"),
        (20, "percent", "exact", "20%"),
        (
            1e7,
            "money, currency not stated",
            "order of magnitude",
            "of the order of 10 million (currency not stated)",
        ),
    ],
)
def test_qualified_amounts_say_how_exact_they_are(value, unit, qualifier, expected):
    from startup_capitalism.figures import fmt

    assert fmt.quantity(value, unit, qualifier) == expected


def test_an_open_period_is_labelled_as_running_on():
    from startup_capitalism.figures import fmt

    rows = evidence.load_evidence(BOOK, every_row=True).set_index("id")
    assert fmt.date_label(rows.loc["jp-emp-01"].to_dict()) == "1990s onward"
    assert fmt.date_label(rows.loc["jp-ant-31"].to_dict()) == "1980s"
    assert fmt.date_label(rows.loc["jp-cc-04"].to_dict()) == "21st century onward"


def test_tables_name_actors_by_canonical_name_and_tooltips_keep_the_texts_wording():
    from startup_capitalism.figures.tables import evidence_table

    kishida = ROWS[ROWS["actor_id"] == "kishida-government"]
    assert kishida["actor"].nunique() > 1
    alone = kishida[kishida["partner_ids"].isna()]
    assert set(evidence_table(alone)["Actor"]) == {"Kishida government"}
    # a row with partners names every actor by its canonical name, the main one first
    partnered = kishida[kishida["partner_ids"].notna()]
    assert len(partnered) and all(
        name.startswith("Kishida government; ") for name in evidence_table(partnered)["Actor"]
    )
    assert set(charts.chart_rows(kishida)["actor_label"]) == set(kishida["actor"])


def test_a_chapter_chart_refuses_the_rows_of_two_chapters():
    other = SCORES.assign(chapter=99, country="Elsewhere")
    with pytest.raises(ValueError, match="one chapter"):
        charts.figure_n_1(pd.concat([SCORES, other]))
    with pytest.raises(ValueError, match="one chapter"):
        charts.evidence_timeline(pd.concat([ROWS, ROWS.assign(chapter=99)]), **LABELS)


def test_the_figure_n_1_title_names_the_chapters_country():
    assert spec_of(charts.figure_n_1(SCORES))["title"]["text"].startswith(f"{JAPAN.country}’s ")


def test_the_comparison_shows_every_chapter_side_by_side_by_period():
    other = SCORES.assign(chapter=99, country="Elsewhere")
    spec = spec_of(charts.scores_across_chapters(pd.concat([SCORES, other])))
    embedded = embedded_rows(spec)
    labels = {r["chapter_label"] for r in embedded}
    # each chapter named with its country
    assert labels == {f"Chapter {JAPAN.number} {JAPAN.country}", "Chapter 99 Elsewhere"}
    marks = next(layer for layer in layers(spec) if layer["mark"]["type"] == "point")
    # one colour per chapter (with a legend), one row per dimension, each chapter a line in it
    assert marks["encoding"]["color"]["field"] == "chapter_label"
    assert marks["encoding"]["color"].get("legend", {}) is not None
    assert marks["encoding"]["y"]["field"] == "dimension"
    assert marks["encoding"]["yOffset"]["field"] == "chapter_label"
    assert "shape" not in json.dumps(marks["encoding"]["color"])
    assert "column" not in marks["encoding"]  # a facet could not take its column's width


def chart_height(spec: dict) -> float:
    """The height of the chart as vl-convert draws it (the print width)."""
    svg = vl_convert.vegalite_to_svg(rendering.print_spec(spec), vl_version=rendering.VEGALITE_VERSION)
    return float(re.search(r'<svg[^>]*\bheight="([\d.]+)"', svg).group(1))


def test_the_comparison_of_twenty_chapters_fits_one_screen():
    twenty = pd.concat([SCORES] + [SCORES.assign(chapter=n, country=f"Country {n}") for n in range(3, 22)])
    spec = spec_of(charts.scores_across_chapters(twenty))
    assert len({r["chapter_label"] for r in embedded_rows(spec)}) == 20
    assert chart_height(spec) <= 800


def test_period_legends_show_a_ring_where_the_chart_draws_a_ring():
    for chart in (charts.figure_n_1(SCORES), charts.scores_across_chapters(SCORES)):
        spec = spec_of(chart)
        (ring,) = spec["usermeta"]["rings"]
        compiled = vl_convert.vegalite_to_vega(spec, vl_version=rendering.VEGALITE_VERSION)
        shapes = next(scale for scale in compiled["scales"] if scale["name"] == "shape")
        # the scale's domain is the periods, in order
        drawn = dict(zip(charts.PERIOD_COLOURS, shapes["range"], strict=True))
        # the ring's shape is a ring (a path with a hole), the other period's a dot
        assert drawn[ring] == charts.RING_SHAPE and drawn[ring].count("M") == 2
        assert all(shape == "circle" for period, shape in drawn.items() if period != ring)
        # the marks and the legend draw that one shape scale: the legend's symbols are the marks
        assert any(legend.get("shape") == "shape" for legend in compiled["legends"])


def test_a_chart_of_rows_with_a_step_height_is_drawn_at_a_fixed_height():
    spec = spec_of(charts.evidence_timeline(ROWS, **LABELS))
    assert "step" in spec["height"]
    screen = rendering.screen_spec(spec)
    rows = rendering.chart_rows(spec)
    lanes = len({r["dimension_label"] for r in rows}) * len({r["lane_offset"] for r in rows})
    assert screen["height"] == spec["height"]["step"] * lanes
    assert screen["usermeta"]["rowCount"] == lanes


def test_a_chart_says_which_rows_it_leaves_out_and_why():
    spec = spec_of(charts.instrument_timeline(ROWS, **LABELS))
    undated = int((ROWS["instrument"].notna() & ROWS["year"].isna()).sum())
    assert charts.left_out(charts.instrument_timeline(ROWS, **LABELS)) == (
        {"undated": undated} if undated else {}
    )
    summary = rendering.data_table_html(spec).split("</summary>")[0]
    assert f"{len(rendering.chart_rows(spec))} rows" in summary
    if undated:
        assert f"{undated} undated row" in summary


def test_a_faceted_chart_is_refused_with_what_to_do_instead():
    from startup_capitalism.figures import rendering

    faceted = spec_of(alt.Chart(SCORES).mark_point().encode(x="score:Q", y="dimension:N", column="period:N"))
    with pytest.raises(ValueError, match="xOffset/yOffset"):
        rendering.screen_spec(faceted)
