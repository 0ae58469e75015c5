"""A co-author's trial, in a scratch copy: ordinary edits and a second chapter never break the checks.

The trial follows CONTRIBUTING.md as written: a new chapter imported with `make chapter` from a
realistic fictional manuscript (`tests/fixtures/chapter-07-fictonia.txt`: decimal amounts,
thousands, percentages, two- and three-author citations, "et al.", en-dash page ranges, Müller,
São Paulo, Łódź, curly quotes, bulleted lines), its rows, a new actor and a new currency, its
Figure scores; in a Japan page a word changed, a sentence deleted and a new cited sentence with a
row of its own; a chart by the recipe, written with a line too long and fixed by `make lint`. The
sentences edited are chosen from the pages as they are (ones no evidence row or score quotes).
Then `make validate` and one strict `make html`, and the suite's checks on the result: every
sentence of every chapter's pages in the site in order, the changes pages, the manuscript verbatim.
Every `make` command CONTRIBUTING.md gives is run here (or, for those that serve or run the whole
suite, checked with `make -n`).
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_new_chapter import in_copy, scratch_copy

from conftest import ROOT, prose_text
from startup_capitalism import chapters, evidence, registry
from startup_capitalism.book import Book
from startup_capitalism.evidence import rules as evidence_rules
from startup_capitalism.evidence import uncoded
from startup_capitalism.evidence.rules import Context
from startup_capitalism.text import manuscript, manuscript_changes

BOOK = Book(ROOT)

FIXTURE = ROOT / "tests" / "fixtures" / "chapter-07-fictonia.txt"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
VENV = f"VENV={Path(sys.executable).parent.parent}"
NEW_SENTENCE = "The Trial Agency was added to this page by a co-author in a test (Trialwriter 2024, 12–14)."
# commands CONTRIBUTING gives that serve until stopped or run the whole suite: checked with make -n
# understood by make as written; each is run for real elsewhere (the preview by test_preview, the
# book by the session's build, an edition by test_editions in a scratch repository)
DRY_RUN_ONLY = {
    "make preview",
    "make preview PORT=8001",
    "make test",
    "make book",
    "make edition VERSION=X.Y",
}


def normalise(text: str) -> str:
    return " ".join(text.split())


# --- the rules, on small inputs ----------------------------------------------------------------


def marked(*paragraphs: str) -> list[str]:
    return manuscript.mark_footnotes(Path("m.txt"), list(enumerate(paragraphs, start=1)))


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "It committed US$112.5 million (Lind 2022).1 Then",
            "It committed US$112.5 million (Lind 2022).[^1] Then",
        ),
        ("About 1,500 startups. It fell 12.5 percent.", "About 1,500 startups. It fell 12.5 percent."),
        ("It rose by 42% in 2021.1", "It rose by 42% in 2021.[^1]"),
        (
            "Unemployment reached 11.4 percent (A 1994).1 A",
            "Unemployment reached 11.4 percent (A 1994).[^1] A",
        ),
        ("She said “a startup on every street”.1 Then", "She said “a startup on every street”.[^1] Then"),
        ("The range is 3.2 and 2.9 points.", "The range is 3.2 and 2.9 points."),
    ],
)
def test_amounts_thousands_years_and_percentages_are_never_footnotes(text, expected):
    assert marked(text) == [expected]


def test_a_footnote_out_of_sequence_after_a_sentence_is_a_located_error():
    with pytest.raises(
        manuscript.ManuscriptError, match=r"m.txt:2: footnote 3 out of sequence: expected footnote 2"
    ):
        marked("One (A 2020).1 Two.", "Three (B 2021).3 Four.")


def test_bulleted_lines_become_list_items(tmp_path):
    source = tmp_path / "chapter.txt"
    source.write_text(
        "Chapter 9 Ruritania\nThe plan has three goals (A 2020).1\n• to grow;\n- to stay;\n"
        "* to link.\nAfter that, the plan ends here.\n",
        encoding="utf-8",
    )
    blocks = manuscript.read_manuscript(source).pages[0].blocks
    assert blocks == [
        "The plan has three goals (A 2020).[^1]",
        "- to grow;",
        "- to stay;",
        "- to link.",
        "After that, the plan ends here.",
    ]


@pytest.mark.parametrize(
    "heading, slug",
    [
        ("Diaspora Networks: Łódź and São Paulo", "diaspora-networks-lodz-and-sao-paulo"),
        ("Müller, Ørsted and Straße", "muller-orsted-and-strasse"),
        ("Æsir Œuvre", "aesir-oeuvre"),
    ],
)
def test_page_names_transliterate(heading, slug):
    assert manuscript.slugify(heading) == slug


REAL_EVIDENCE = BOOK.evidence_csv


def test_a_spreadsheets_bom_and_crlf_are_rewritten_by_validate_and_said(tmp_path):
    draft = tmp_path / "draft.csv"
    original = REAL_EVIDENCE.read_bytes()
    draft.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    problems = evidence.parse_csv_text(draft.read_bytes(), "draft.csv", [])[1]
    assert [p.message for p in problems] and "run `make validate`, which rewrites the file" in problems[
        0
    ].message
    result = subprocess.run(
        [sys.executable, "-m", "startup_capitalism.evidence.validate", "--evidence", str(draft)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "had a byte-order mark (BOM) and Windows line ends (CRLF)" in result.stdout
    assert "rewritten as UTF-8 without a BOM and with LF line ends" in result.stdout
    assert draft.read_bytes() == original


def test_an_unclosed_quote_names_the_row_the_column_and_where_the_field_starts():
    lines = REAL_EVIDENCE.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), next(csv.reader([lines[1]]))
    quote = header.index("quote")
    before = io.StringIO()
    csv.writer(before, lineterminator="").writerow(row[:quote])
    broken = before.getvalue() + ',"' + row[quote].replace('"', '""')  # the closing quote left out
    text = "\n".join([lines[0], lines[1], broken, lines[2]]) + "\n"
    problems = evidence.parse_csv_text(text.encode(), "draft.csv", header)[1]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.line, problem.column, problem.row_id) == (3, "quote", row[0])
    character = len(before.getvalue()) + 2
    assert (
        f"the quoted field that starts at line 3, character {character} (“{row[quote][:10]}"
        in problem.message
    )
    assert "closing" in problem.message


def test_a_rows_country_must_be_its_chapters():
    japan = BOOK.chapter(2)
    record = {"chapter": str(japan.number), "country": "Ruritania"}
    found = list(
        evidence_rules.country_is_the_chapters(record, evidence_rules.Context("draft.csv", BOOK.chapters_dir))
    )
    assert found and found[0][0] == "country" and f"chapter 2 is {japan.country!r}" in found[0][1]
    assert not list(
        evidence_rules.country_is_the_chapters(
            {**record, "country": japan.country}, evidence_rules.Context("x", BOOK.chapters_dir)
        )
    )


# --- the trial ---------------------------------------------------------------------------------


def make(copy: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *arguments, VENV],
        cwd=copy,
        env=in_copy(copy),
        capture_output=True,
        text=True,
    )


def quoted_passages(copy: Path) -> list[str]:
    """Every passage an evidence row or a score quotes: an edit must leave them whole."""
    passages = []
    for name in ("evidence.csv", "scores.csv", "uncoded-quantities.csv"):
        with (copy / "data" / name).open(encoding="utf-8", newline="") as table:
            passages += [row.get("quote") or row["passage"] for row in csv.DictReader(table)]
    return passages


def plain_free_sentences(copy: Path, page: Path) -> list[str]:
    """Sentences of a page that no row quotes any part of (nor a listed quantity's passage), that
    cite nothing, written plainly in the page's source (no markup inside) and followed by another
    sentence of their paragraph."""
    source = page.read_text(encoding="utf-8")
    passages = quoted_passages(copy)
    found = []
    for paragraph in evidence_rules.page_paragraphs(page):
        covered: set[int] = set()
        for passage in passages:
            at = paragraph.find(passage)
            while at >= 0:
                covered.update(range(at, at + len(passage)))
                at = paragraph.find(passage, at + 1)
        sentences = manuscript_changes.sentences_of(paragraph)
        for sentence, following in zip(sentences, sentences[1:], strict=False):
            at = paragraph.find(sentence)
            if at < 0 or not covered.isdisjoint(range(at, at + len(sentence))):
                continue
            if re.search(r"[\[\]{}`*_()]", sentence) or f"{sentence} {following}" not in source:
                continue
            if len(re.findall(r"\b[a-z]{5,}\b", sentence)) >= 2 and source.count(sentence) == 1:
                found.append(sentence)
    return found


def edit_a_japan_page(copy: Path) -> dict:
    """In the first Japan page with three free sentences: a word changed, a sentence deleted and a
    new cited sentence added (after the third)."""
    japan = chapters.chapter(2, copy / "chapters")
    for page in manuscript_changes.chapter_pages(japan, copy):
        free = plain_free_sentences(copy, page)
        if len(free) >= 3:
            break
    else:
        pytest.fail("no Japan page has three sentences that no row quotes")
    edited, deleted, before_new = free[0], free[1], free[2]
    word = re.findall(r"\b[a-z]{5,}\b", edited)[-1]
    new_edited = re.sub(rf"\b{word}\b", "trialword", edited, count=1)
    source = page.read_text(encoding="utf-8")
    source = source.replace(edited, new_edited, 1).replace(f"{deleted} ", "", 1)
    source = source.replace(before_new, f"{before_new} {NEW_SENTENCE}", 1)
    page.write_text(source, encoding="utf-8")
    section = "opening" if page.name == "index.md" else page.stem
    return {"page": page, "section": section, "edited": (edited, new_edited), "deleted": deleted}


def append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8", newline="") as table:
        header = next(csv.reader(table))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in header})
    with path.open("a", encoding="utf-8") as table:
        table.write(buffer.getvalue())


def new_rows(copy: Path, japan_section: str, number: int) -> tuple[list[dict], list[dict], list[dict]]:
    """(evidence rows, actors, scores): the Japan row quoting the new sentence, and the new
    chapter's rows quoting the fixture, each as a co-author would write them."""
    taken = {row.split(",", 1)[0] for row in (copy / "data" / "evidence.csv").read_text().splitlines()}
    japan_id = next(f"jp-trl-{n:02d}" for n in range(1, 100) if f"jp-trl-{n:02d}" not in taken)
    rows = [
        {
            "id": japan_id,
            "chapter": "2",
            "country": BOOK.chapter(2).country,
            "section": japan_section,
            "dimension": "finance",
            "actor": "Trial Agency",
            "actor_id": "trial-agency",
            "kind": "statement",
            "title": "Trial: a row a co-author adds for a new sentence",
            "quote": NEW_SENTENCE.removesuffix(" (Trialwriter 2024, 12–14)."),
            "citation": "Trialwriter 2024",
        },
        {
            "id": "fi-fin-01",
            "chapter": str(number),
            "country": "Fictonia",
            "section": "finance",
            "dimension": "finance",
            "year": "2016",
            "date_precision": "year",
            "actor": "Fictonian Development Bank",
            "actor_id": "fictonian-development-bank",
            "kind": "fund",
            "title": "The Development Bank's venture arm commits US$112.5 million to domestic funds",
            "value": "112500000",
            "value_qualifier": "exact",
            "unit": "US dollars",
            "quote": "The Fictonian Development Bank’s venture arm, created in 2016, committed US$112.5 "
            "million to domestic funds in its first five years",
            "citation": "Kowalski, Brandt and Lind 2022",
        },
        {
            "id": "fi-fin-02",
            "chapter": str(number),
            "country": "Fictonia",
            "section": "finance",
            "dimension": "finance",
            "year": "2022",
            "date_precision": "year",
            "actor": "regional savings banks",
            "actor_id": "fictonian-savings-banks",
            "kind": "statistic",
            "title": "Savings banks' guaranteed loans to founders total 3.2 billion crowns",
            "value": "3200000000",
            "value_qualifier": "exact",
            "unit": "crowns",
            "quote": "by 2022 they had lent a total of 3.2 billion crowns in this way",
            "citation": "Savings Bank Association 2023",
        },
        {
            "id": "fi-dia-01",
            "chapter": str(number),
            "country": "Fictonia",
            "section": "diaspora-networks-lodz-and-sao-paulo",
            "dimension": "social purpose",
            "actor": "Fictonian engineers",
            "actor_id": "fictonian-engineers-in-lodz",
            "kind": "organisation",
            "title": "Engineers in Łódź found a network that mentors founders at home",
            "quote": "In Łódź, where a Fictonian paper group ran a plant until 2009, a community of about "
            "300 Fictonian engineers founded a network that mentors founders at home",
            "citation": "Kowalczyk and Müller 2021",
        },
    ]
    actors = [
        {"id": "trial-agency", "name": "Trial Agency", "type": "central government", "forms": "Trial Agency"},
        {
            "id": "fictonian-development-bank",
            "name": "Fictonian Development Bank",
            "type": "bank or financial institution",
            "forms": "Fictonian Development Bank",
        },
        {
            "id": "fictonian-savings-banks",
            "name": "Fictonian regional savings banks",
            "type": "bank or financial institution",
            "forms": "regional savings banks",
        },
        {
            "id": "fictonian-engineers-in-lodz",
            "name": "Fictonian engineers in Łódź",
            "type": "other business",
            "forms": "Fictonian engineers",
        },
    ]
    said = {
        "firm size": ("The firm size dimension moves from a score of 1 to a score of 2",) * 2,
        "employment": ("Employment stays at a score of 1 in both periods",) * 2,
        "finance": ("Finance moves from a score of 1 to a score of 2",) * 2,
        "innovation": ("Innovation moves from a score of 2 to a score of 3",) * 2,
        "social purpose": ("Social purpose stays at a score of 3 in both periods",) * 2,
    }
    values = {
        "firm size": (1, 2),
        "employment": (1, 1),
        "finance": (1, 2),
        "innovation": (2, 3),
        "social purpose": (3, 3),
    }
    scores = [
        {
            "chapter": str(number),
            "country": "Fictonia",
            "dimension": dimension,
            "period": period,
            "score": str(values[dimension][i]),
            "quote": said[dimension][i],
        }
        for dimension in said
        for i, period in enumerate(("antecedents", "startup capitalism"))
    ]
    return rows, actors, scores


def delete_listed_quantities_now_recorded(uncoded: Path, rows: list[dict]) -> None:
    """What a co-author does after recording a quantity the import listed as not yet coded (in an
    evidence row, or as a Figure score, given here as `uncoded.score_records` gives it): delete its
    line from the uncoded list (`make validate` asks for it, naming the line)."""
    recorded = {
        (row["chapter"], row["section"], quantity.text)
        for row in rows
        if row.get("value")
        for quantity in evidence_rules.quantities(row["quote"])
        if any(math.isclose(value, float(row["value"])) for value in quantity.values)
    }
    lines = uncoded.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if tuple(next(csv.reader([line]))[:3]) not in recorded]
    assert len(kept) < len(lines), "the import listed none of the quantities the new rows record"
    uncoded.write_text("".join(kept), encoding="utf-8")


def recipe_block(marker: str) -> str:
    """The first ````markdown block of CONTRIBUTING.md containing `marker`, unindented."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    for block in re.findall(r"^( *)````markdown\n(.*?)^\1````$", text, flags=re.M | re.S):
        indent, body = block
        if marker in body:
            return "\n".join(line.removeprefix(indent) for line in body.splitlines()) + "\n"
    pytest.fail(f"CONTRIBUTING.md has no markdown block with {marker!r}")


def one_long_line(code: str) -> str:
    """The recipe's code as a co-author might type it: each call on one line, however long."""
    return re.sub(r"\(\n((?:    .*\n)+?)\)", lambda m: "(" + " ".join(m.group(1).split()) + ")", code)


@pytest.fixture(scope="module")
def trial(tmp_path_factory):
    copy = scratch_copy(tmp_path_factory.mktemp("coauthor") / "book")
    ran: dict[str, subprocess.CompletedProcess] = {}
    number = 7

    # a chapter, by the recipe: the manuscript saved in sources/manuscript, then make chapter
    received = copy / "sources" / "manuscript" / FIXTURE.name
    shutil.copyfile(FIXTURE, received)
    command = f"make chapter MANUSCRIPT=sources/manuscript/{FIXTURE.name}"
    ran[command] = make(copy, *command.split()[1:])
    assert ran[command].returncode == 0, ran[command].stdout + ran[command].stderr
    chapters._chapters_in.cache_clear()

    # prose edits in a Japan page, a new row and a new actor; the new chapter's rows and scores
    edits = edit_a_japan_page(copy)
    rows, actors, scores = new_rows(copy, edits["section"], number)
    append_rows(copy / "data" / "evidence.csv", rows)
    append_rows(copy / "data" / "actors.csv", actors)
    append_rows(copy / "data" / "scores.csv", scores)
    score_rows = uncoded.score_records(scores, Context("scores.csv", copy / "chapters"))
    delete_listed_quantities_now_recorded(copy / "data" / "uncoded-quantities.csv", rows + score_rows)
    with (copy / "data" / "units.csv").open("a", encoding="utf-8") as units:
        units.write("crowns,currency\n")  # a new currency, as CONTRIBUTING says

    # a chart by the recipe, typed with long lines, then `make lint`
    notebook = copy / "notebooks" / "02-japan" / "finance.md"
    cell = one_long_line(recipe_block("{code-cell}"))
    notebook.write_text(notebook.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + cell, encoding="utf-8")
    typed = notebook.read_text(encoding="utf-8")
    lint_before = subprocess.run(
        [sys.executable, "tools/lint.py"], cwd=copy, env=in_copy(copy), capture_output=True, text=True
    )
    ran["make lint"] = make(copy, "lint")
    page = copy / "chapters" / "02-japan" / "finance.md"
    source = page.read_text(encoding="utf-8")
    at = source.find("\n[^") if "\n[^" in source else len(source)
    page.write_text(
        source[:at].rstrip("\n") + "\n\n" + recipe_block("{glued-figure}") + source[at:], encoding="utf-8"
    )

    # drafts checked without touching the real file: a wrong country, an unknown unit, Excel's bytes
    drafts = {}
    real_rows = (copy / "data" / "evidence.csv").read_text(encoding="utf-8")
    for case, old, new in (
        ("country", ",7,Fictonia,finance,", ",7,Japan,finance,"),
        ("unit", ",US dollars,", ",pesos,"),
    ):
        draft = copy / f"draft-{case}.csv"
        draft.write_text(real_rows.replace(old, new, 1), encoding="utf-8")
        shutil.copyfile(draft, copy / "draft.csv")
        drafts[case] = make(copy, "validate", "EVIDENCE=draft.csv")
    (copy / "draft.csv").write_bytes(b"\xef\xbb\xbf" + real_rows.encode().replace(b"\n", b"\r\n"))
    ran["make validate EVIDENCE=draft.csv"] = make(copy, "validate", "EVIDENCE=draft.csv")
    drafts["excel"] = ran["make validate EVIDENCE=draft.csv"]
    drafts["excel-bytes"] = (copy / "draft.csv").read_bytes() == real_rows.encode()
    for name in ("draft.csv", "draft-country.csv", "draft-unit.csv"):
        (copy / name).unlink()

    ran["make validate"] = make(copy, "validate")
    ran["make html"] = make(copy, "html")  # the one build: strict
    chapters._chapters_in.cache_clear()
    return {
        "copy": copy,
        "ran": ran,
        "edits": edits,
        "lint_before": lint_before,
        "typed": typed,
        "drafts": drafts,
        "rows": rows,
    }


def site_page(copy: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup(
        (copy / "_build" / "html" / f"{docname}.html").read_text(encoding="utf-8"), "html.parser"
    )


def test_every_command_the_trial_ran_passed(trial):
    failed = {c: (r.stdout + r.stderr)[-3000:] for c, r in trial["ran"].items() if r.returncode != 0}
    assert not failed, failed


def test_contributings_commands_all_run(trial):
    """Each `make ...` command CONTRIBUTING.md gives is run by the trial, or (serving, the whole
    suite, the PDF) understood by make as written."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    given = set(re.findall(r"`(make [^`]*)`", text))
    assert given, "CONTRIBUTING.md gives no make command"
    ran = {re.sub(r"chapter-07-fictonia", "chapter-NN-slug", c) for c in trial["ran"]}
    for command in sorted(given - ran):
        assert command in DRY_RUN_ONLY, f"CONTRIBUTING.md gives `{command}`, which no test runs"
        dry = make(trial["copy"], "-n", *command.split()[1:])
        assert dry.returncode == 0, f"`{command}`: {dry.stderr}"


def test_the_recipes_chart_typed_long_is_reported_at_its_line_and_fixed_by_make_lint(trial):
    copy = trial["copy"]
    reported = trial["lint_before"].stderr
    long = re.search(r"notebooks/02-japan/finance\.md:(\d+):\d+: E501", reported)
    assert long, reported
    # the reported line is the long line as it was in the notebook (before make lint fixed it)
    line = trial["typed"].splitlines()[int(long.group(1)) - 1]
    assert len(line) > 110 and "charts.evidence_timeline(" in line, line
    assert "cell " not in reported
    after = subprocess.run(
        [sys.executable, "tools/lint.py"], cwd=copy, env=in_copy(copy), capture_output=True, text=True
    )
    assert after.returncode == 0, after.stdout + after.stderr


def test_the_new_chart_is_the_pages_next_exhibit(trial):
    copy = trial["copy"]
    figure = site_page(copy, "chapters/02-japan/finance").find(id="exh-ch02-new-chart")
    assert figure is not None and figure.select(".startup-chart")
    exhibits = [
        span.get_text().strip()
        for docname in registry.chapter_pages(copy, chapters.chapter(2, copy / "chapters"))
        for span in site_page(copy, docname).select("span.caption-number")
        if span.get_text().startswith("Exhibit")
    ]
    assert figure.select_one("span.caption-number").get_text().strip() in exhibits
    assert len(set(exhibits)) == len(exhibits)


def test_the_data_rules_name_what_to_do(trial):
    drafts = trial["drafts"]
    assert drafts["country"].returncode != 0
    assert "country: row fi-fin-01: 'Japan', but chapter 7 is 'Fictonia'" in drafts["country"].stderr
    assert "chapters/07-fictonia/index.md" in drafts["country"].stderr
    assert drafts["unit"].returncode != 0
    assert "'pesos' is not a unit of data/units.csv" in drafts["unit"].stderr
    assert "add a line `pesos,currency`" in drafts["unit"].stderr
    assert drafts["excel"].returncode == 0 and "rewritten as UTF-8 without a BOM" in drafts["excel"].stdout
    assert drafts["excel-bytes"], "the rewritten draft differs from the file saved without BOM and CRLF"


@pytest.mark.parametrize("number", [2, 7])
def test_every_sentence_of_the_pages_is_in_the_site_in_order(trial, number):
    copy = trial["copy"]
    chapter = chapters.chapter(number, copy / "chapters")
    sentences = manuscript_changes.page_sentences(chapter, copy)
    text = " ".join(
        prose_text(site_page(copy, page.relative_to(copy).with_suffix("").as_posix()).find("main"))
        for page in manuscript_changes.chapter_pages(chapter, copy)
    )
    flat = lambda s: normalise(s).translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))  # noqa: E731
    text, position, missing = flat(text), 0, []
    for sentence in sentences:
        found = text.find(flat(sentence.text), position)
        if found < 0:
            missing.append(f"{sentence.docname}.md:{sentence.line}: {sentence.text[:80]}")
        else:
            position = found + len(flat(sentence.text))
    assert len(sentences) > 10 and not missing, "\n".join(missing[:10])


def test_the_japan_edits_are_on_the_changes_page(trial):
    copy, edits = trial["copy"], trial["edits"]
    changes = manuscript_changes.changes_since_manuscript(chapters.chapter(2, copy / "chapters"), copy)
    kinds = {(c.kind, c.old, c.new) for c in changes}
    assert ("edited", *edits["edited"]) in kinds
    assert ("removed", edits["deleted"], None) in kinds
    assert ("added", None, NEW_SENTENCE) in kinds
    page = normalise(site_page(copy, "chapters/02-japan/changes").find("main").get_text(" "))
    counts = manuscript_changes.counts(changes)
    assert f"{counts['edited']} edited, {counts['added']} added and {counts['removed']} removed" in page
    works_cited = site_page(copy, "chapters/02-japan/works-cited").get_text(" ")
    assert "Trialwriter 2024" in works_cited


def fixture_sentences() -> list[str]:
    """The fixture's sentences, read independently of the importer: the footnote digits 1, 2, ...
    dropped where a new sentence or the line's end follows, bullets and the figure line's prefix
    dropped."""
    raw, number, position = FIXTURE.read_text(encoding="utf-8"), 1, 0
    while found := re.compile(rf"(?<=[.”)]){number}(?=[ ]+[A-Z“]|\n)").search(raw, position):
        raw, position, number = raw[: found.start()] + raw[found.end() :], found.start(), number + 1
    assert number - 1 == 17, "the fixture's footnotes"
    sentences = []
    for line in raw.splitlines()[1:]:
        line = re.sub(r"^(FIGURE \d+\.\d+\.|[•*-] )", "", line.strip())
        sentences += [s for s in re.split(r"(?<=[.?!”])\s+(?=[A-Z“(])", line) if s]
    return sentences


def test_the_manuscript_is_imported_verbatim(trial):
    copy = trial["copy"]
    chapter = chapters.chapter(7, copy / "chapters")
    text = normalise(
        " ".join(
            prose_text(site_page(copy, docname).find("main"))
            for docname in registry.chapter_pages(copy, chapter)
        )
    )
    missing = [sentence for sentence in fixture_sentences() if normalise(sentence) not in text]
    assert not missing, missing[:5]
    assert manuscript_changes.changes_since_manuscript(chapter, copy) == []
    assert "US$112.5 million" in text and "11.4 percent" in text and "in 2021." in text


def test_the_new_chapter_has_its_pages_lists_tables_and_figure(trial):
    copy = trial["copy"]
    folder = "chapters/07-fictonia"
    assert (copy / folder / "diaspora-networks-lodz-and-sao-paulo.md").is_file()
    finance = site_page(copy, f"{folder}/finance").find("main")
    assert [normalise(li.get_text(" ")) for li in finance.select("article li")][:3] == [
        "The Development Bank’s venture arm invests only through domestic funds.",
        "The savings banks lend but do not take equity.",
        "Foreign funds take part mainly in late rounds.",
    ]
    table = finance.select_one("table")
    assert table is not None and {"fi-fin-01", "fi-fin-02"} <= {
        td.get_text().strip() for td in table.select("td")
    }
    figure = site_page(copy, f"{folder}/continuity-and-change").select_one("figure")
    assert figure.select_one(".caption-number").get_text().strip().startswith("Figure 7.1")
    assert figure.select(".startup-chart")
