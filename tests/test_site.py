"""The published site: charts and tables glued in, nothing loaded from third parties, data to download."""

from __future__ import annotations

import re

from conftest import chapter_docnames
from startup_capitalism.chapters import all_chapters

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


def test_at_least_twelve_charts_are_glued_into_the_chapter(built_book):
    charts = built_book.chart_count()
    print(f"{charts} charts in the chapter pages")
    assert charts >= 12


def test_every_section_page_with_prose_has_a_chart_and_a_table(built_book):
    for name in chapter_docnames():
        if name.endswith("thematic-analysis"):
            continue
        page = built_book.page(name)
        assert page.select("figure .startup-chart"), f"{name}: no chart"
        if not name.endswith("continuity-and-change"):
            assert page.select("table.glued-table, table"), f"{name}: no table"


def test_glued_tables_are_real_numbered_tables(built_book):
    tables = []
    for name in chapter_docnames():
        tables += built_book.page(name).select("table.glued-table")
    assert len(tables) >= 8
    for table in tables:
        assert table.find("caption").find("span", class_="caption-number").get_text().startswith("Table 2.")
        assert table.find("thead") and len(table.find("tbody").find_all("tr")) >= 1


def test_every_chart_has_a_description_for_screen_readers(built_book):
    for name in chapter_docnames():
        for chart in built_book.page(name).select(".startup-chart"):
            assert len(chart.get("aria-label", "")) > 20


def test_no_page_loads_anything_from_a_third_party(built_book):
    for html in built_book.site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for match in EXTERNAL.finditer(text):
            context = text[max(0, match.start() - 10) : match.end() + 60]
            # plain links a reader may follow are fine; scripts, styles and images are not
            assert not re.search(
                r"<(script|link|img|iframe)\b[^>]*$", text[max(0, match.start() - 300) : match.start()]
            ), f"{html.relative_to(built_book.site)} loads {context!r}"


def test_the_vega_bundle_is_served_by_the_site(built_book):
    bundle = built_book.site / "_static" / "vega-offline.js"
    assert bundle.is_file() and bundle.stat().st_size > 500_000

    def loads_bundle(docname):
        return any(
            "vega-offline.js" in (script.get("src") or "")
            for script in built_book.page(docname).find_all("script")
        )

    first = all_chapters()[0]
    assert loads_bundle(f"chapters/{first.dirname}/finance") and loads_bundle(
        f"notebooks/{first.dirname}/finance"
    )
    assert not loads_bundle("appendix/codebook"), "a page without charts need not load Vega"


def test_chart_ids_are_deterministic(built_book):
    ids = [
        chart["id"] for name in chapter_docnames() for chart in built_book.page(name).select(".startup-chart")
    ]
    assert all(re.fullmatch(r"chart-[0-9a-f]{12}", chart_id) for chart_id in ids)
    assert len(ids) == len(set(ids))


def test_the_data_and_its_schema_are_downloadable(built_book):
    page = built_book.page("appendix/data")
    links = [a.get("href", "") for a in page.find_all("a")]
    for name in ("evidence.csv", "scores.csv", "datapackage.json"):
        href = next((link for link in links if link.endswith(name)), None)
        assert href, f"no download link for {name}"
        assert (built_book.site / "appendix" / href).resolve().is_file()


def test_the_codebook_lists_every_column(built_book):
    import json

    from startup_capitalism import paths

    package = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    text = built_book.page("appendix/codebook").get_text(" ")
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["name"] in text


def test_the_data_page_prints_each_files_sha256(built_book):
    import hashlib

    from startup_capitalism import paths

    text = built_book.page("appendix/data").get_text(" ")
    for path in [*paths.DATA_DIR.glob("*.csv"), paths.DATAPACKAGE]:
        assert f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}" in text
