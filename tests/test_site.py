"""The published site: charts and tables glued in, nothing loaded from third parties, data to download."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from conftest import ROOT, chapter_docnames
from startup_capitalism.book import Book

BOOK = Book(ROOT)

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
        """The chart script names the site's bundle, which it loads once the page is painted."""
        return any(
            "startup-charts.js" in (script.get("src") or "")
            and (script.get("data-vega") or "").split("?")[0].endswith("_static/vega-offline.js")
            and (built_book.site / docname).parent.joinpath(script["data-vega"]).resolve() == bundle.resolve()
            for script in built_book.page(docname).find_all("script")
        )

    first = BOOK.chapters()[0]
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

    package = json.loads(BOOK.datapackage.read_text(encoding="utf-8"))
    text = built_book.page("appendix/codebook").get_text(" ")
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["name"] in text


def test_the_data_page_prints_each_files_sha256(built_book):
    import hashlib

    text = built_book.page("appendix/data").get_text(" ")
    for path in [*BOOK.data_dir.glob("*.csv"), BOOK.datapackage]:
        assert f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}" in text


def test_the_nu_html_checker_finds_no_error_on_any_built_page(built_book):
    """The W3C's Nu HTML Checker (npm vnu-jar, run with Debian's Java) over every published HTML file,
    the theme's unrendered fragments included if any were shipped."""
    import json
    import subprocess

    from outside_checkers import VNU_JAR, installed, java

    result = subprocess.run(
        [
            java(),
            "-jar",
            str(installed(VNU_JAR)),
            "--skip-non-html",
            "--errors-only",
            "--format",
            "json",
            str(built_book.site),
        ],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        (m.get("url", "").rsplit("/html/", 1)[-1], m.get("lastLine"), m["message"])
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], f"{len(errors)} errors: {errors[:10]}"
    assert result.returncode == 0


def test_every_page_names_an_icon_that_is_shipped(built_book):
    for html in built_book.site.rglob("*.html"):
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        icon = page.find("link", rel="icon")
        assert icon is not None, (
            f"{html.relative_to(built_book.site)}: no icon (the browser asks for /favicon.ico)"
        )
        assert (html.parent / icon["href"]).resolve().is_file()


def test_the_search_index_does_not_hold_up_the_first_paint(built_book):
    for docname in chapter_docnames():
        scripts = built_book.page(docname).find_all("script", src=re.compile(r"searchindex\.js"))
        assert scripts and all(script.has_attr("defer") for script in scripts), docname


# a number in a caption: a count or amount, not a reference such as "Figure 2.1"
CAPTION_NUMBER = re.compile(
    r"(?<![\w.])(?<!Figure )(?<!Exhibit )(?<!Table )(?<!Chapter )(\d[\d,]*(?:\.\d+)?)(?:\s+(\w+))?"
)
LEFT_OUT = re.compile(r"(\d+) (\w+) rows? (?:are|is) not drawn")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def test_every_captions_numbers_are_those_of_the_data_behind_its_chart(built_book):
    """Every count and amount in a figure's caption is one its "Data behind this chart" table holds:
    the rows it draws, the rows of one value ("2 debt" is two rows whose cell says debt), the sum of
    a count column, a value in a cell, the rows it says it leaves out, or all of these together."""
    problems, checked = [], 0
    for docname in chapter_docnames() + ["book/comparison"]:
        for figure in built_book.page(docname).select("figure"):
            block = figure.select_one(".startup-chart-block")
            caption = figure.find("figcaption")
            if block is None or caption is None:
                continue
            for number in caption.select(".caption-number"):
                number.decompose()
            summary = block.select_one("details.startup-chart-data summary").get_text(" ")
            table = block.select_one("details.startup-chart-data table")
            headings = [th.get_text(" ").strip() for th in table.select("thead th")]
            rows = [[td.get_text(" ").strip() for td in tr.find_all("td")] for tr in table.select("tbody tr")]
            left_out = {why: int(count) for count, why in LEFT_OUT.findall(summary)}
            counts = [
                i
                for i, heading in enumerate(headings)
                if heading.lower().startswith(("evidence rows", "actors named"))
            ]

            def rows_with(word, rows=rows, counts=counts):
                matching = [
                    row for row in rows if any(_singular(cell.lower()) == _singular(word) for cell in row)
                ]
                return sum(_number(row[counts[0]]) for row in matching) if counts else len(matching)

            drawn = sum(_number(row[counts[0]]) for row in rows) if counts else len(rows)
            allowed = {drawn, drawn + sum(left_out.values()), *left_out.values()}
            allowed |= {
                _number(n) for row in rows for cell in row for n in re.findall(r"\d[\d,]*(?:\.\d+)?", cell)
            }
            for text, word in CAPTION_NUMBER.findall(caption.get_text(" ")):
                checked += 1
                word = (word or "").lower()
                if word and word in left_out:
                    expected = {left_out[word]}
                elif word and rows_with(word):
                    expected = {rows_with(word)}
                else:
                    expected = allowed
                if _number(text) not in expected:
                    problems.append((docname, figure.get("id"), f"{text} {word}", sorted(expected)[:8]))
    assert checked >= 5, "no caption numbers found: the check looks in the wrong place"
    assert problems == []
