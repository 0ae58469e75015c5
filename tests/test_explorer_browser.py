"""The evidence explorer in Debian's Chromium, every off-site request refused: rows readable on a
phone without horizontal scrolling and without JavaScript, search, filters and sort, a `#row-` link
that shows its row, controls that read in dark mode, every row in print; a row's link lands on its
paragraph, highlighted."""

from __future__ import annotations

import contextlib
import csv

import pytest
from test_browser import DESKTOP, PHONE, browser, playwright, site_url, visit  # noqa: F401 (pytest fixtures)

from conftest import ROOT
from startup_capitalism.book import Book
from startup_capitalism.evidence.explorer import PAGE as EXPLORER

BOOK = Book(ROOT)

ROWS = "article.evidence-row"
VISIBLE_ROWS = "article.evidence-row:not([hidden])"


def evidence_rows() -> list[dict]:
    with BOOK.evidence_csv.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@contextlib.contextmanager
def explorer_page(browser, site_url, viewport=None, mode="light", fragment=""):  # noqa: F811
    """The explorer, loaded afresh (with `fragment` in its address), once its script has run."""
    page, context, _, refused, errors = visit(browser, site_url, EXPLORER, viewport, mode)
    try:
        if fragment:  # a new load of the page, as a link from another page makes it
            page.goto("about:blank")
            page.goto(f"{site_url}/{EXPLORER}.html{fragment}", wait_until="load")
        assert refused == [] and errors == [], (refused, errors)
        page.wait_for_selector("fieldset.evidence-fieldset:not([disabled])")  # the script has run
        yield page
    finally:
        context.close()


def open_filters(page) -> None:
    page.locator("details.evidence-filters > summary").click()


def box(locator) -> dict:
    return locator.evaluate("e => e.getBoundingClientRect().toJSON()")


def within_width(rect: dict, width: int) -> bool:
    return rect["width"] > 0 and rect["left"] >= 0 and rect["right"] <= width


def test_rows_read_without_javascript(browser, site_url):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{EXPLORER}.html")
        ids = [row["id"] for row in evidence_rows()]
        assert page.locator(ROWS).count() == len(ids)
        first = page.locator(ROWS).first
        assert first.get_attribute("id") == f"row-{ids[0]}" and first.is_visible()
        assert within_width(box(first.locator(".evidence-fact")), PHONE["width"])
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_on_a_phone_the_first_row_reads_without_horizontal_scrolling(browser, site_url, mode):  # noqa: F811
    with explorer_page(browser, site_url, PHONE, mode) as page:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        first = page.locator(ROWS).first
        for part in (
            ".evidence-fact",
            ".evidence-date",
            ".evidence-actor dd",
            ".evidence-citation dd",
            ".evidence-quoted-in a",
            ".evidence-quote",
        ):
            element = first.locator(part)
            assert element.is_visible() and within_width(box(element), PHONE["width"]), (part, box(element))
        # the filters stay closed: the first row starts on the first screen
        assert box(first)["top"] < PHONE["height"]
        assert not page.locator("details.evidence-filters").evaluate("d => d.open")


def test_on_a_desktop_rows_fit_the_column_and_are_not_mostly_blank(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url, DESKTOP) as page:
        column = box(page.locator(".evidence-explorer"))
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        # the parts of a card fill at least half of its height: no rows of blank cells
        filled = page.evaluate(
            """sel => [...document.querySelectorAll(sel)].slice(0, 40).map(card => {
                const heights = [...card.children].map(child => child.getBoundingClientRect().height);
                const box = card.getBoundingClientRect();
                return {id: card.id, right: box.right, used: heights.reduce((a, b) => a + b, 0) / box.height};
            })""",
            ROWS,
        )
        for card in filled:
            assert card["right"] <= column["right"] + 1 and card["used"] >= 0.5, card


def test_search_narrows_the_rows_and_says_how_many(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url) as page:
        first = evidence_rows()[0]["id"]
        page.locator(".evidence-search input").fill(first)
        visible = page.locator(VISIBLE_ROWS)
        texts = visible.all_inner_texts()
        assert texts and len(texts) < len(evidence_rows())
        assert page.locator(f"#row-{first}").is_visible()
        assert all(first in text for text in texts)
        assert page.locator(".evidence-count").inner_text() == (
            f"Showing {len(texts)} of {len(evidence_rows())} evidence rows"
        )


def test_a_labelled_filter_narrows_the_rows_to_one_section(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url, PHONE) as page:
        section = evidence_rows()[-1]["section"]
        wanted = sorted(row["id"] for row in evidence_rows() if row["section"] == section)
        open_filters(page)
        page.get_by_label("Section").select_option(section)
        shown = sorted(
            i.removeprefix("row-") for i in page.locator(VISIBLE_ROWS).evaluate_all("r => r.map(e => e.id)")
        )
        assert shown == wanted
        assert f"Showing {len(wanted)} of" in page.locator(".evidence-count").inner_text()
        page.get_by_role("button", name="Clear search and filters").click()
        page.wait_for_function("s => document.querySelectorAll(s).length === 0", arg=f"{ROWS}[hidden]")


def test_sort_by_date_puts_the_oldest_first_and_undated_rows_last(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url) as page:
        open_filters(page)
        page.get_by_label("Sort by").select_option("date")
        dates = page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.date)")
        dated = [d for d in dates if d]
        assert dated == sorted(dated) and dates == dated + [""] * (len(dates) - len(dated))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_row_link_shows_its_row(browser, site_url, viewport):  # noqa: F811
    rows = evidence_rows()
    row_id = rows[len(rows) // 2]["id"]  # a row far down the page
    with explorer_page(browser, site_url, viewport, fragment=f"#row-{row_id}") as page:
        row = page.locator(f"#row-{row_id}")
        page.wait_for_function(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight; }",
            arg=f"row-{row_id}",
        )
        assert row.evaluate("r => r.matches(':target')")
        assert within_width(box(row), viewport["width"])


def test_a_row_link_clears_a_filter_that_hides_its_row(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url) as page:
        rows = evidence_rows()
        hidden = next(row for row in rows if row["section"] != rows[0]["section"])
        open_filters(page)
        page.get_by_label("Section").select_option(rows[0]["section"])
        assert page.locator(f"#row-{hidden['id']}").is_hidden()
        page.evaluate("id => { location.hash = id; }", f"#row-{hidden['id']}")
        page.wait_for_function("id => !document.getElementById(id).hidden", arg=f"row-{hidden['id']}")
        assert page.locator(f"#row-{hidden['id']}").is_visible()


# WCAG contrast of each control's text (and frame) against the background it is drawn on
CONTRAST = """root => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a.slice(0, 3)), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const framed = 'input, select, button';
  const shown = framed + ', summary, label span, .evidence-row a, .evidence-count, .evidence-head';
  return [...root.querySelectorAll(shown)].filter(e => e.getClientRects().length).map(e => {
    const style = getComputedStyle(e);
    return {
      what: e.outerHTML.slice(0, 80),
      text: ratio(rgb(style.color), background(e)),
      frame: e.matches(framed) ? ratio(rgb(style.borderTopColor), background(e.parentElement)) : 99,
    };
  });
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_control_is_visible_in_light_and_dark_mode(browser, site_url, mode):  # noqa: F811
    with explorer_page(browser, site_url, PHONE, mode) as page:
        open_filters(page)
        measured = page.locator(".evidence-explorer").evaluate(CONTRAST)
        assert len(measured) > 10
        low = [m for m in measured if m["text"] < 4.5 or m["frame"] < 3]
        assert low == [], low


def test_print_gives_every_row_even_when_a_filter_hid_some(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url) as page:
        open_filters(page)
        page.get_by_label("Section").select_option(evidence_rows()[0]["section"])
        page.emulate_media(media="print")
        shown = page.locator(ROWS).evaluate_all("rows => rows.filter(r => r.getClientRects().length).length")
        assert shown == len(evidence_rows())
        assert page.locator(".evidence-controls").is_hidden()


def test_a_rows_link_lands_on_its_highlighted_paragraph(browser, site_url):  # noqa: F811
    with explorer_page(browser, site_url) as page:
        cited = next(row for row in evidence_rows() if row["citation"])
        link = page.locator(f"#row-{cited['id']} .evidence-quoted-in a")
        href = link.get_attribute("href")
        link.click()
        page.wait_for_load_state("load")
        anchor = href.split("#")[1]
        assert page.url.endswith(f"#{anchor}")
        target = page.locator(f"p#{anchor}")
        assert " ".join(cited["quote"].split()) in " ".join(target.inner_text().split())
        assert target.evaluate("p => p.matches(':target')")
        background = target.evaluate("p => getComputedStyle(p).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background


def test_a_works_cited_link_lands_on_its_highlighted_paragraph(browser, site_url):  # noqa: F811
    page, context, _, refused, errors = visit(browser, site_url, "chapters/02-japan/works-cited")
    try:
        links = page.locator("#work-vogel-2018 a[href*='#p-']")
        assert links.count() == 4
        links.nth(1).click()
        page.wait_for_load_state("load")
        anchor = page.url.split("#")[1]
        target = page.locator(f"p#{anchor}")
        assert "Vogel 2018" in target.inner_text() and target.evaluate("p => p.matches(':target')")
    finally:
        context.close()


def test_a_citation_shows_its_entry_on_hover_and_links_to_it(browser, site_url):  # noqa: F811
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/firm-size")
    try:
        link = page.locator("a.citation-link", has_text="Vogel 2018, 87")
        assert "Vogel 2018: cited 4 times" in link.get_attribute("title")
        link.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("works-cited.html#work-vogel-2018")
        assert page.locator("#work-vogel-2018").evaluate("li => li.matches(':target')")
    finally:
        context.close()


def test_a_works_cited_link_to_a_row_shows_it_in_the_explorer(browser, site_url):  # noqa: F811
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/works-cited")
    try:
        link = page.locator("#work-vogel-2018 a[href*='evidence-explorer.html#row-']").first
        row_id = link.get_attribute("href").split("#row-")[1]
        link.click()
        page.wait_for_load_state("load")
        row = page.locator(f"#row-{row_id}")
        assert row.evaluate("r => r.matches(':target')") and row.is_visible()
        assert "Vogel 2018" in row.locator(".evidence-citation").inner_text()
    finally:
        context.close()


def test_a_row_id_in_a_chapter_table_opens_its_row(browser, site_url):  # noqa: F811
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/finance")
    try:
        link = page.locator("table.glued-table a[href*='evidence-explorer.html#row-']").first
        row_id = link.inner_text()
        link.click()
        page.wait_for_load_state("load")
        assert page.locator(f"#row-{row_id}").evaluate("r => r.matches(':target')")
    finally:
        context.close()
