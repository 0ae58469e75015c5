"""The evidence explorer in Debian's Chromium, every off-site request refused: it lists every row,
filters, and a row's link lands on its paragraph, highlighted."""

from __future__ import annotations

import csv

from test_browser import browser, site_url, visit  # noqa: F401 (pytest fixtures)

from startup_capitalism import paths

EXPLORER = "book/evidence-explorer"


def evidence_ids() -> list[str]:
    with paths.EVIDENCE_CSV.open(encoding="utf-8") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def open_explorer(browser, site_url):  # noqa: F811
    page, context, _, refused, errors = visit(browser, site_url, EXPLORER)
    page.wait_for_selector("#evidence-explorer-table tbody tr", timeout=20_000)
    assert refused == [] and errors == [], (refused, errors)
    return page, context


def test_the_explorer_lists_every_row(browser, site_url):  # noqa: F811
    page, context = open_explorer(browser, site_url)
    try:
        info = page.locator(".dt-info").inner_text()
        assert f"of {len(evidence_ids())} entries" in info, info
        first = evidence_ids()[0]
        page.locator(".dt-search input").fill(first)
        page.wait_for_timeout(300)
        rows = page.locator("#evidence-explorer-table tbody tr")
        assert rows.count() == 1 and rows.first.inner_text().startswith(first)
    finally:
        context.close()


def test_a_rows_link_lands_on_its_highlighted_paragraph(browser, site_url):  # noqa: F811
    page, context = open_explorer(browser, site_url)
    try:
        page.locator(".dt-search input").fill("pretty much every corporate")
        page.wait_for_timeout(300)
        page.locator(".dt-search input").fill("Russell 2019")
        page.wait_for_timeout(300)
        link = page.locator("#evidence-explorer-table tbody tr a.evidence-paragraph-link").first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_load_state("load")
        anchor = href.split("#")[1]
        assert page.url.endswith(f"#{anchor}")
        target = page.locator(f"p#{anchor}")
        assert "Russell 2019" in target.inner_text()
        assert target.evaluate("p => p.matches(':target')")
        background = target.evaluate("p => getComputedStyle(p).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    finally:
        context.close()


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


def test_a_works_cited_link_to_a_row_finds_it_in_the_explorer(browser, site_url):  # noqa: F811
    page, context, _, _, _ = visit(browser, site_url, "chapters/02-japan/works-cited")
    try:
        link = page.locator("#work-vogel-2018 a[href*='evidence-explorer.html#row-']").first
        row_id = link.get_attribute("href").split("#row-")[1]
        link.click()
        page.wait_for_selector("tr.evidence-row-target", timeout=20_000)
        rows = page.locator("#evidence-explorer-table tbody tr")
        assert rows.count() == 1 and rows.first.inner_text().startswith(row_id)
    finally:
        context.close()


def test_a_filter_pane_narrows_the_table_to_one_section(browser, site_url):  # noqa: F811
    page, context = open_explorer(browser, site_url)
    try:
        finance = sum(
            1
            for row in csv.DictReader(paths.EVIDENCE_CSV.open(encoding="utf-8"))
            if row["section"] == "finance"
        )
        page.locator("button.dtsp-showAll").click()
        pane = page.locator("div.dtsp-searchPane", has=page.locator("input[placeholder='section']"))
        pane.locator("tr", has_text="finance").first.click()
        page.wait_for_timeout(500)
        info = page.locator(".dt-info").inner_text()
        assert f"of {finance} entries" in info, info
    finally:
        context.close()
