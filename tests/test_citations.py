"""The citation parser on every form the chapter uses, the audit, and the paragraph anchors."""

from __future__ import annotations

import pytest

from conftest import ROOT
from startup_capitalism.book import Book
from startup_capitalism.text import citations, paragraphs
from startup_capitalism.text.citations import Interview, Work, parse_text

BOOK = Book(ROOT)


def works_of(text: str) -> list[tuple[str, str]]:
    return [(c.work.label, c.pages) for c in parse_text(text).citations]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("emphasis on startups” (METI 2024).", [("METI 2024", "")]),
        ("unicorns (Ikeda 2018; Kuzina 2018).", [("Ikeda 2018", ""), ("Kuzina 2018", "")]),
        ("were relatively low (Vogel 2006, 86).", [("Vogel 2006", "86")]),
        ("in Silicon Valley (Kenney et al. 2002).", [("Kenney et al. 2002", "")]),
        ("management partners (Rowen and Toyoda 2002).", [("Rowen and Toyoda 2002", "")]),
        (
            "(Aoki and Patrick 1994; Dore 2000; Inagami 2001)",
            [("Aoki and Patrick 1994", ""), ("Dore 2000", ""), ("Inagami 2001", "")],
        ),
        ("(METI Journal 2020)", [("METI Journal 2020", "")]),
        ("(Forbes Japan 2018)", [("Forbes Japan 2018", "")]),
        ("(Mind the Bridge 2020, 12)", [("Mind the Bridge 2020", "12")]),
        (
            "(Committee on the History of Japan’s Trade and Industry Policy 2020)",
            [("Committee on the History of Japan’s Trade and Industry Policy 2020", "")],
        ),
        ("(Economist 2018c)", [("Economist 2018c", "")]),
        ("(Nikkei Staff Writers 2023b)", [("Nikkei Staff Writers 2023b", "")]),
        (
            "(e.g., see Harris 2016; Fujisaki 2017; X-Hub TOKYO 2017; Osaka Innovation Hub 2020)",
            [
                ("Harris 2016", ""),
                ("Fujisaki 2017", ""),
                ("X-Hub TOKYO 2017", ""),
                ("Osaka Innovation Hub 2020", ""),
            ],
        ),
        ("by developmental state scholars such as Chalmers Johnson’s (1982) account", [("Johnson 1982", "")]),
        ("As Kathryn Ibata-Arens (2005, 1) explains", [("Ibata-Arens 2005", "1")]),
        ("Michael Lynskey and Seiichiro Yonekura (2001, 5) note", [("Lynskey and Yonekura 2001", "5")]),
        ("Nobuyuki Hata and colleagues (2007, 173) found", [("Hata et al. 2007", "173")]),
        ("(Russell 2019). CB Insights (2021) shows", [("Russell 2019", ""), ("CB Insights 2021", "")]),
    ],
)
def test_every_citation_form_the_chapter_uses(text, expected):
    parsed = parse_text(text)
    assert works_of(text) == expected
    assert parsed.unparsed == []


def test_a_citation_span_is_the_text_as_written():
    text = "As Kathryn Ibata-Arens (2005, 1) explains (Vogel 2006, 86; Park 2004)."
    spans = [text[c.start : c.end] for c in parse_text(text).citations]
    assert spans == ["Kathryn Ibata-Arens (2005, 1)", "Vogel 2006, 86", "Park 2004"]


def test_the_authors_interviews_are_listed_apart_from_works():
    parsed = parse_text(
        "(authors’ interview, Osaka, June 26, 2018) and (author interview, Kobe, June 25, 2018)"
    )
    assert parsed.works == []
    assert [(i.place, i.date) for i in parsed.interviews] == [
        ("Osaka", "June 26, 2018"),
        ("Kobe", "June 25, 2018"),
    ]
    assert all(isinstance(i, Interview) for i in parsed.interviews)


@pytest.mark.parametrize(
    "aside",
    [
        "(which was privatized in 2007)",
        "(1948–1990)",
        "(8.6 years)",
        "(the Diet)",
        "(e.g., in Belgium)",
        "(SMRJ)",
    ],
)
def test_the_authors_asides_are_neither_citations_nor_reported(aside):
    parsed = parse_text(f"a sentence {aside} goes on")
    assert parsed.citations == [] and parsed.unparsed == []


@pytest.mark.parametrize("odd", ["(Vogel 2006 86)", "(Vogel, 2006)", "(Ikeda 2018; see page nine)", "(2019)"])
def test_what_looks_like_a_citation_but_does_not_parse_is_reported(odd):
    parsed = parse_text(f"a sentence {odd} goes on")
    assert [u.written for u in parsed.unparsed] == [odd]


def test_a_reference_list_order():
    works = [
        Work(("Vogel",), "2018"),
        Work(("Aoki",), "2007", et_al=True),
        Work(("Aoki", "Dore"), "1994"),
        Work(("Aoki",), "1998"),
        Work(("Vogel",), "2006"),
        Work(("Économist",), "2018c"),
    ]
    ordered = [w.label for w in sorted(works, key=Work.sort_key)]
    assert ordered == [
        "Aoki 1998",
        "Aoki and Dore 1994",
        "Aoki et al. 2007",
        "Économist 2018c",
        "Vogel 2006",
        "Vogel 2018",
    ]


def test_the_audit_names_suffixes_whose_siblings_are_missing():
    works = [
        Work(("METI",), "2020b"),
        Work(("Nikkei Staff Writers",), "2023a"),
        Work(("Nikkei Staff Writers",), "2023b"),
        Work(("Economist",), "2018c"),
    ]
    assert citations.missing_suffix_siblings(works) == [
        "Economist 2018c is cited but 2018a, 2018b is not",
        "METI 2020b is cited but 2020a is not",
    ]


def test_the_audit_names_an_author_spelled_two_ways():
    works = [
        Work(("Sumitomo",), "2022"),
        Work(("Sumitomo Corporation",), "2021"),
        Work(("METI",), "2024"),
        Work(("METI Journal",), "2020"),
        Work(("Ibata-Arens",), "2005"),
        Work(("Ibata Arens",), "2005"),
    ]
    messages = citations.author_spelling_variants(works)
    assert len(messages) == 2
    assert any("“Sumitomo” / “Sumitomo Corporation”" in m for m in messages)
    assert any("Ibata Arens" in m and "Ibata-Arens" in m for m in messages)


def test_an_evidence_citation_must_be_among_its_paragraphs_citations():
    paragraph = "A claim (Vogel 2006, 86). As Kathryn Ibata-Arens (2005, 1) says (Ikeda 2018; Kuzina 2018)."
    assert citations.evidence_citation_mismatch("Vogel 2006, 86", paragraph) is None
    assert citations.evidence_citation_mismatch("Kathryn Ibata-Arens (2005, 1)", paragraph) is None
    assert citations.evidence_citation_mismatch("Ikeda 2018; Kuzina 2018", paragraph) is None
    assert "Vogel 2018" in citations.evidence_citation_mismatch("Vogel 2018", paragraph)


# ---------------------------------------------------------------------------------------------
# The whole chapter, read against its text


def chapter_citations():
    chapter = BOOK.chapter(2)
    found, unparsed = [], []
    for paragraph in paragraphs.chapter_paragraphs(chapter):
        parsed = parse_text(paragraph.text)
        found += [(paragraph, c) for c in parsed.citations]
        unparsed += parsed.unparsed
    return found, unparsed


def test_the_whole_chapter_parses_and_every_span_is_the_text_itself():
    found, unparsed = chapter_citations()
    assert unparsed == []
    works = {c.work for _, c in found if isinstance(c.work, Work)}
    assert len(works) > 100  # "well over a hundred works"
    for paragraph, citation in found:
        assert paragraph.text[citation.start : citation.end] == citation.written


def test_the_chapter_audit():
    found, _ = chapter_citations()
    works = [c.work for _, c in found if isinstance(c.work, Work)]
    interviews = [c.work for _, c in found if isinstance(c.work, Interview)]
    assert "METI 2020b is cited but 2020a is not" in citations.missing_suffix_siblings(works)
    assert any("Sumitomo" in m for m in citations.author_spelling_variants(works, interviews))


def test_vogel_2018_is_cited_four_times_in_four_paragraphs():
    found, _ = chapter_citations()
    vogel = [(p.docname, p.anchor) for p, c in found if c.work == Work(("Vogel",), "2018")]
    assert len(vogel) == 4 and len(set(vogel)) == 4


# ---------------------------------------------------------------------------------------------
# Paragraph anchors


PAGE = """(ch02-x)=
# A heading

First paragraph,
on two lines.[^1]

```{glued-figure} key
:name: exh

A caption (Vogel 2006) that is not the authors'.
```

Second paragraph.

[^1]: A note.
"""


def test_paragraph_anchors_skip_markup_and_survive_unrelated_edits():
    before = paragraphs.parse_page(PAGE, "chapters/02-japan/x")
    assert [p.text for p in before] == ["First paragraph, on two lines.", "Second paragraph."]
    assert before[0].line == 4 and before[1].line == 13
    edited = PAGE.replace("# A heading\n", "# A heading\n\nA new paragraph above.\n")
    after = paragraphs.parse_page(edited, "chapters/02-japan/x")
    assert [p.anchor for p in after[1:]] == [p.anchor for p in before]


def test_identical_paragraphs_get_distinct_anchors():
    found = paragraphs.parse_page("Same.\n\nSame.\n", "d")
    assert found[0].anchor != found[1].anchor and found[1].anchor.endswith("-2")


def test_anchor_for_quote_lands_on_the_quoting_paragraph():
    chapter = BOOK.chapter(2)
    quote = "pretty much every corporate has a startup program"
    target = paragraphs.anchor_for_quote(quote, chapter, "finance")
    docname, anchor = target.split(".html#")
    assert docname == "chapters/02-japan/finance"
    held = [p for p in paragraphs.page_paragraphs(chapter.page_for_section("finance")) if p.anchor == anchor]
    assert len(held) == 1 and quote in held[0].text
    assert paragraphs.anchor_for_quote("words the chapter never says", chapter) is None


# ---------------------------------------------------------------------------------------------
# `make validate` prints the audit as warnings and still succeeds


def run_validate(capsys, *argv):
    from startup_capitalism.evidence import validate

    code = validate.main(list(argv))
    return code, capsys.readouterr().err


def test_validate_warns_about_citations_and_succeeds(capsys):
    code, err = run_validate(capsys)
    assert code == 0
    assert "warning: citations: year suffix: METI 2020b is cited but 2020a is not" in err
    assert "“Sumitomo” / “Sumitomo Corporation”" in err


def test_validate_warns_about_an_evidence_citation_its_paragraph_lacks(capsys, tmp_path):
    import csv

    with BOOK.evidence_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["citation"] == "Streeck and Yamamura 2003, 7")
    # a substring of the paragraph's citation, so the quote check passes, but another work
    row["citation"] = "Yamamura 2003, 7"
    draft = tmp_path / "evidence.csv"
    with draft.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    code, err = run_validate(capsys, "--evidence", str(draft))
    assert code == 0
    assert (
        f"warning: citations: evidence citation: evidence row {row['id']}: citation 'Yamamura 2003, 7': "
        "Yamamura 2003 is not cited in the quote's paragraph"
    ) in err
