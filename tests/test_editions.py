"""`make edition VERSION=X.Y` in a scratch copy that is its own git repository (issue #21).

One scratch repository serves the whole module (a release is a cold build of site and PDF,
minutes here): edition 1.0 is released, then a sentence of a chapter page and the title of an
evidence row are edited and committed, then edition 1.1 is released, and the published site is
assembled from the two archives. The sentence and the row are chosen from the pages and data as
they are: a sentence no evidence row, score or listed quantity quotes, and the first row's title
(a title is the coder's words, never quoted from the text).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT
from startup_capitalism.chapters import all_chapters
from startup_capitalism.scratch import copy_of_the_files
from startup_capitalism.text import manuscript_changes

VENV = Path(sys.executable).parent.parent
SENTENCE_SUFFIX = ", as the test edited it."
TITLE_SUFFIX = " (corrected)"


def run(copy: Path, *command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("STARTUP_BUILD_DIR", None)  # the copy keeps its own _build
    return subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)


def make_edition(copy: Path, version: str) -> subprocess.CompletedProcess:
    return run(copy, "make", "--no-print-directory", "edition", f"VERSION={version}", f"VENV={VENV}")


def git(copy: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, check=True).stdout.strip()


def quoted_text(copy: Path) -> str:
    """Everything the data quote from the pages: a sentence in none of it can change freely."""
    texts = []
    for name, column in (
        ("evidence.csv", "quote"),
        ("scores.csv", "quote"),
        ("uncoded-quantities.csv", "passage"),
    ):
        with (copy / "data" / name).open(encoding="utf-8") as opened:
            texts += [row.get(column) or "" for row in csv.DictReader(opened)]
    return "\n".join(texts)


def free_sentence(copy: Path) -> tuple[Path, str]:
    """A page and a sentence on it, ending in a full stop, written once and verbatim in the page,
    that no row quotes."""
    quoted = quoted_text(copy)
    for chapter in all_chapters(copy / "chapters"):
        for page in manuscript_changes.chapter_pages(chapter, copy):
            text = page.read_text(encoding="utf-8")
            docname = page.relative_to(copy).with_suffix("").as_posix()
            for sentence in manuscript_changes.text_sentences(docname, text):
                words = sentence.text
                if (
                    words.endswith(".")
                    and len(words) > 60
                    and text.count(words) == 1
                    and words[:40] not in quoted
                    and words[-40:] not in quoted
                ):
                    return page, words
    pytest.fail("no sentence of the chapters is free of quotes and verbatim in its page")


def editable_row(copy: Path, lines: list[str]) -> tuple[int, dict]:
    """The first evidence row (its line's index and its cells) whose title, once in its line, stays
    within the schema's length with the suffix."""
    schema = json.loads((copy / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in schema["resources"] if r["name"] == "evidence")["schema"]["fields"]
    longest = next(f for f in fields if f["name"] == "title").get("constraints", {}).get("maxLength", 10**6)
    for number in range(1, len(lines)):
        row = next(csv.DictReader(io.StringIO(lines[0] + lines[number])))
        title = row["title"]
        if title and lines[number].count(title) == 1 and len(title + TITLE_SUFFIX) <= longest:
            return number, row
    pytest.fail("no evidence row's title can take the suffix")


def snapshot(copy: Path) -> dict:
    """What a refused release must leave as it was: branch, tags, tree, records and archives."""
    archives = copy / "_build" / "editions"
    return {
        "head": git(copy, "rev-parse", "HEAD"),
        "tags": git(copy, "tag", "--list"),
        "status": git(copy, "status", "--porcelain"),
        "record": [(copy / name).read_bytes() for name in ("editions.yml", "CITATION.cff", ".zenodo.json")],
        "archives": sorted((p.name, p.stat().st_mtime_ns) for p in archives.iterdir())
        if archives.is_dir()
        else [],
    }


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> dict:
    copy = tmp_path_factory.mktemp("editions") / "book"
    copy_of_the_files(copy, ROOT)
    for name in ("requirements.txt", "requirements.lock", "pyproject.toml"):
        os.utime(copy / name, (0, 0))  # make never takes the shared .venv for out of date
    git(copy, "init", "--quiet", "-b", "main")
    git(copy, "config", "user.name", "Test")
    git(copy, "config", "user.email", "test@example.org")
    git(copy, "add", "--all")
    git(copy, "commit", "--quiet", "-m", "The book")
    first = make_edition(copy, "1.0")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]

    page, sentence = free_sentence(copy)
    edited = sentence[:-1] + SENTENCE_SUFFIX
    page.write_text(page.read_text(encoding="utf-8").replace(sentence, edited), encoding="utf-8")
    evidence = copy / "data" / "evidence.csv"
    lines = evidence.read_text(encoding="utf-8").splitlines(keepends=True)
    number, row = editable_row(copy, lines)
    title = row["title"]
    lines[number] = lines[number].replace(title, title + TITLE_SUFFIX)
    evidence.write_text("".join(lines), encoding="utf-8")
    git(copy, "commit", "--quiet", "-am", "A correction: a sentence and a row's title")
    second = make_edition(copy, "1.1")
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]

    site = copy / "_build" / "published"
    assembled = run(copy, sys.executable, "-m", "startup_capitalism", "publish", str(site))
    assert assembled.returncode == 0, assembled.stderr
    return {
        "copy": copy,
        "site": site,
        "page": page.relative_to(copy).with_suffix(".html").as_posix(),
        "old": sentence,
        "new": edited,
        "row": row["id"],
        "title": title,
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_changes_page_lists_exactly_the_edited_sentence_and_row(released):
    page = soup(released["site"] / "editions" / "1.1" / "book" / "edition-changes.html")
    main = page.select_one("main")
    assert "Changes since edition 1.0" in main.select_one("h1").get_text()
    edited = main.select("ol.edition-edited-list > li")
    assert len(edited) == 1
    text = " ".join(edited[0].get_text(" ").split())
    assert SENTENCE_SUFFIX.strip(", .") in text
    assert not main.select("ol.edition-added-list, ol.edition-removed-list")
    rows = main.select("ul.evidence-row-changes > li")
    assert len(rows) == 1
    assert rows[0].select_one("code").get_text() == released["row"]
    columns = [code.get_text() for code in rows[0].find("ul").select("code")]
    assert columns == ["title"]
    assert released["title"] + TITLE_SUFFIX in rows[0].get_text()
    assert not main.select("ul.score-changes")


def test_the_first_edition_says_it_is_the_first(released):
    main = soup(released["site"] / "editions" / "1.0" / "book" / "edition-changes.html").select_one("main")
    assert "is the first edition" in main.get_text()


def test_each_edition_is_served_with_its_own_text(released):
    site, name = released["site"], released["page"]
    old = " ".join(soup(site / "editions" / "1.0" / name).select_one("main").get_text(" ").split())
    new = " ".join(soup(site / "editions" / "1.1" / name).select_one("main").get_text(" ").split())
    latest = " ".join(soup(site / name).select_one("main").get_text(" ").split())
    tail = SENTENCE_SUFFIX.strip(", .")
    assert released["old"][:-1][-40:] in old and tail not in old
    assert tail in new and tail in latest
    for version, where in (("1.0", site / "editions" / "1.0" / name), ("1.1", site / name)):
        label = soup(where).select_one(".startup-edition-label").get_text()
        assert f"Edition {version}" in label


def test_the_switcher_and_banner_link_the_same_page(released):
    site, name = released["site"], released["page"]
    old_page = site / "editions" / "1.0" / name
    page = soup(old_page)
    links = {a.get_text(): a["href"] for a in page.select(".startup-edition-switcher a")}
    assert set(links) == {"Edition 1.0", "Edition 1.1"}
    for version, href in links.items():
        target = (old_page.parent / href).resolve()
        assert target == (site / "editions" / version.split()[-1] / name).resolve()
        assert target.is_file()
    banner = page.select_one(".startup-edition-banner a")
    assert (old_page.parent / banner["href"]).resolve() == (site / name).resolve()
    assert not soup(site / name).select(".startup-edition-banner")


def test_cite_this_page_names_the_edition_and_its_stable_address(released):
    copy, name = released["copy"], released["page"]
    cff = yaml.safe_load((copy / "CITATION.cff").read_text(encoding="utf-8"))
    cite = soup(released["site"] / "editions" / "1.1" / name).select_one(".startup-edition-cite")
    bibtex = cite.select_one("pre").get_text()
    assert "edition   = {1.1}" in bibtex
    assert f"editions/1.1/{name}" in bibtex
    assert str(cff["authors"][0]["name"]) in cite.get_text()


def test_the_record_and_the_tags(released):
    copy = released["copy"]
    editions = yaml.safe_load((copy / "editions.yml").read_text(encoding="utf-8"))["editions"]
    assert [e["version"] for e in editions] == ["1.0", "1.1"]
    for entry in editions:
        assert entry["commit"] == git(copy, "rev-list", "-n", "1", f"v{entry['version']}")
        tagged = yaml.safe_load(git(copy, "show", f"v{entry['version']}:CITATION.cff"))
        assert str(tagged["version"]) == entry["version"]
        assert str(tagged["date-released"]) == str(entry["date"])
        assert set(entry["sha256"]) == {"site", "pdfs", "data", "archive"}
    cff = yaml.safe_load((copy / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == "1.1" and str(cff["date-released"]) == str(editions[-1]["date"])


def test_the_archive_verifies_with_sha256sum(released, tmp_path):
    archive = released["copy"] / "_build" / "editions" / "startup-capitalism-1.1.zip"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    names = set((tmp_path / "SHA256SUMS").read_text(encoding="utf-8").split())
    assert {"site/index.html", "pdf/book.pdf", "data/evidence.csv"} <= names
    checked = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=tmp_path, capture_output=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("version", "says"),
    [
        ("1.1", "already released"),
        ("1.0", "already released"),
        ("0.9", "not greater"),
        ("1.x", "X.Y"),
        ("2", "X.Y"),
    ],
)
def test_a_refused_release_changes_nothing(released, version, says):
    copy = released["copy"]
    before = snapshot(copy)
    refused = make_edition(copy, version)
    assert refused.returncode != 0
    assert says in refused.stderr and "make edition" in refused.stderr
    assert snapshot(copy) == before


def test_a_dirty_tree_is_refused(released):
    copy = released["copy"]
    note = copy / "chapters" / "draft-note.md"
    note.write_text("A note not committed.\n", encoding="utf-8")
    before = snapshot(copy)
    try:
        refused = make_edition(copy, "1.2")
        assert refused.returncode != 0
        assert "uncommitted or untracked" in refused.stderr
        assert snapshot(copy) == before
    finally:
        note.unlink()


def test_a_failed_build_writes_no_record_tag_or_archive(released):
    """A committed row whose quote is in no page: the build's validation fails, fast."""
    copy = released["copy"]
    evidence = copy / "data" / "evidence.csv"
    lines = evidence.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.DictReader(io.StringIO(lines[0] + lines[1])))
    lines[1] = lines[1].replace(row["quote"], row["quote"] + " Words in no page")
    evidence.write_text("".join(lines), encoding="utf-8")
    git(copy, "commit", "--quiet", "-am", "A row quoting words in no page")
    before = snapshot(copy)
    try:
        failed = make_edition(copy, "1.2")
        assert failed.returncode != 0
        assert "the build failed" in failed.stderr
        assert snapshot(copy) == before
        assert not (copy / "_build" / "editions" / "startup-capitalism-1.2.zip").exists()
    finally:
        git(copy, "reset", "--quiet", "--hard", "HEAD~1")
