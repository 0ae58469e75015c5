"""The evidence explorer's built HTML, without a browser: every row is in the page as written (its
`#row-` anchor, value and quote), nothing loads from another server, and every link to a row from
a table, a chart's data or a works-cited page lands on an anchor that exists."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

from conftest import ROOT
from startup_capitalism.book import Book
from startup_capitalism.evidence import explorer, load_evidence
from startup_capitalism.figures import fmt

BOOK = Book(ROOT)

PAGE = explorer.PAGE


def every_row():
    return load_evidence(BOOK, every_row=True)


def cards(built_book) -> dict:
    return {card["id"]: card for card in built_book.page(PAGE).select("article.evidence-row")}


def test_every_evidence_row_has_its_anchor_in_the_html(built_book):
    found = cards(built_book)
    wanted = [f"row-{row_id}" for row_id in every_row()["id"]]
    assert wanted and sorted(found) == sorted(wanted)
    # in the data's order, each id once
    assert list(found) == wanted


def test_each_card_shows_its_value_and_its_quote(built_book):
    found = cards(built_book)
    for row in every_row().to_dict("records"):
        card = found[f"row-{row['id']}"]
        quote = card.select_one("blockquote.evidence-quote").get_text(" ", strip=True)
        assert " ".join(quote.split()) == " ".join(str(row["quote"]).split()), row["id"]
        value = fmt.quantity(row["value"], row["unit"], row["value_qualifier"])
        shown = card.select_one(".evidence-value")
        assert (shown is not None) == bool(value), row["id"]
        if value:
            assert shown.get_text(" ", strip=True).endswith(value), (row["id"], shown.get_text())
        for label in ("Actor", "Citation", "Quoted in"):
            assert label in [dt.get_text() for dt in card.select("dl.evidence-details dt")], (
                row["id"],
                label,
            )
        assert fmt.date_label(row) in card.select_one(".evidence-date").get_text()


def test_filters_have_visible_labels_and_the_page_loads_nothing_from_elsewhere(built_book):
    page = built_book.page(PAGE)
    controls = page.select(".evidence-controls select, .evidence-controls input")
    assert controls
    for control in controls:
        label = control.find_parent("label")
        assert label is not None and label.find("span").get_text(strip=True), control
    html = (built_book.site / f"{PAGE}.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)', html)
    assert "dt_bundle" not in html


def _targets(built_book, page_path: Path, selector: str) -> list[tuple[str, Path, str]]:
    """(href, file, fragment) of each matching link on a built page."""
    page = built_book.page(page_path.relative_to(built_book.site).with_suffix("").as_posix())
    base = page_path.relative_to(built_book.site).as_posix()
    out = []
    for link in page.select(selector):
        resolved = urljoin(base, link["href"])
        path, _, fragment = resolved.partition("#")
        out.append((link["href"], built_book.site / unquote(path), fragment))
    return out


def test_row_ids_in_tables_and_chart_data_link_to_their_row(built_book):
    anchors = set(cards(built_book))
    explorer_file = (built_book.site / f"{PAGE}.html").resolve()
    linked = 0
    for page_path in sorted(built_book.site.glob("chapters/*/*.html")):
        page = built_book.page(page_path.relative_to(built_book.site).with_suffix("").as_posix())
        # every id in a "Data behind this chart" table is a link
        for table in page.select("details.startup-chart-data table"):
            heads = [th.get_text() for th in table.select("thead th")]
            if "Evidence row" in heads:
                column = heads.index("Evidence row")
                for tr in table.select("tbody tr"):
                    assert tr.select("td")[column].select_one("a.evidence-row-link"), (page_path, tr)
        links = _targets(built_book, page_path, "a.evidence-row-link, table.glued-table a[href*='#row-']")
        for href, path, fragment in links:
            assert path.resolve() == explorer_file and fragment in anchors, (page_path.name, href)
        linked += len(links)
    assert linked > 0


def test_every_link_to_a_row_from_the_works_cited_pages_lands(built_book):
    anchors = set(cards(built_book))
    links = [
        target
        for page_path in sorted(built_book.site.glob("**/works-cited.html"))
        for target in _targets(built_book, page_path, "a[href*='evidence-explorer.html#row-']")
    ]
    assert links and all(fragment in anchors for _, _, fragment in links)
