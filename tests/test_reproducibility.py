"""The locked environment, the checksums of the build and the "Built with" statement (issue 13)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

from startup_capitalism.paths import ROOT

LOCK = ROOT / "requirements.lock"
sys.path.insert(0, str(ROOT / "tools"))
import lockfile  # noqa: E402  (tools/ is not a package: its modules are scripts)

PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    return {normalized(name): version for name, version in PIN.findall(LOCK.read_text(encoding="utf-8"))}


def test_every_locked_package_has_a_hash():
    text = LOCK.read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[3])
    pins = [entry for entry in entries if PIN.match(entry)]
    assert len(pins) == len(locked()) > 100
    unhashed = [entry.split()[0] for entry in pins if "--hash=sha256:" not in entry]
    assert not unhashed, f"pinned without a hash: {unhashed}"


def test_the_lock_matches_requirements_txt():
    assert lockfile.staleness(ROOT / "requirements.txt", LOCK) is None, "run `make lock`"


def test_every_direct_requirement_is_locked_at_its_pinned_version():
    direct = dict(PIN.findall((ROOT / "requirements.txt").read_text(encoding="utf-8")))
    pins = locked()
    assert {normalized(n): v for n, v in direct.items()}.items() <= pins.items()


def test_the_venv_holds_exactly_the_locked_set():
    """`pip freeze` of .venv, less the editable book package, is the lock, version for version."""
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {normalized(name): version for name, version in PIN.findall(freeze)}
    assert installed == locked()


def test_the_package_declares_what_it_imports():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for distribution in (
        "pandas",
        "altair",
        "vl-convert-python",
        "frictionless",
        "PyYAML",
        "Sphinx",
        "myst-nb",
    ):
        assert f'"{distribution}>=' in pyproject, distribution


def scratch_copy(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "requirements.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "tools").mkdir()
    shutil.copy2(ROOT / "tools" / "lockfile.py", tmp_path / "tools" / "lockfile.py")
    return tmp_path


def test_a_stale_lock_stops_make_book_naming_make_lock(tmp_path):
    scratch = scratch_copy(tmp_path)
    with (scratch / "requirements.txt").open("a", encoding="utf-8") as requirements:
        requirements.write("itables==2.5.2\n")
    result = subprocess.run(
        ["make", "--no-print-directory", "book"], cwd=scratch, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "requirements.lock is out of date with requirements.txt" in result.stderr
    assert "run `make lock`" in result.stderr
    assert not (scratch / ".venv").exists(), "nothing may be installed from a stale lock"


def test_a_lock_not_written_by_make_lock_is_refused(tmp_path):
    scratch = scratch_copy(tmp_path)
    lock = scratch / "requirements.lock"
    lock.write_text(lock.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    assert "not written by `make lock`" in lockfile.staleness(scratch / "requirements.txt", lock)


def test_the_build_writes_sha256sums_of_every_published_file(built_book):
    for folder in (built_book.site, built_book.pdf.parent):
        sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in sums}
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"SHA256SUMS"}
        assert set(listed) == files
        for name, digest in listed.items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert built_book.pdf.name in (built_book.pdf.parent / "SHA256SUMS").read_text(encoding="utf-8")


def test_the_published_site_holds_exactly_the_files_of_the_build(built_book):
    """Publishing copies the work folder's site as it is (no file of an earlier publication is
    kept), plus the PDFs, the EPUB and SHA256SUMS."""
    work = built_book.site.parent / "work" / "_build" / "html"

    def files(folder):
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    pdfs = {p.name for p in built_book.pdf.parent.glob("*.pdf")}
    epubs = {p.name for p in (built_book.site.parent / "epub").glob("*.epub")}
    assert pdfs and epubs and files(built_book.site) == files(work) | pdfs | epubs | {"SHA256SUMS"}


def test_the_pdf_dates_are_the_commits(built_book):
    """FORCE_SOURCE_DATE: the PDF carries the commit's date, not the build's."""
    epoch = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    stamp = subprocess.run(
        ["date", "-u", "-d", f"@{epoch}", "+%Y-%m-%dT%H:%M:%S"], capture_output=True, text=True, check=True
    ).stdout.strip()
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(built_book.pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^CreationDate:\s+{stamp}(Z|\+00)", info, re.MULTILINE), info


def test_the_data_page_says_what_the_edition_was_built_with(built_book):
    text = built_book.page("appendix/data").get_text(" ", strip=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert f"Python: {sys.version.split()[0]}" in text
    assert "TeX: XeTeX" in text
    assert head in text
    pins = locked()
    assert f"Packages ({len(pins)}, from requirements.lock" in text
    assert f"jupyter-book {pins['jupyter-book']}" in text and f"sphinx {pins['sphinx']}" in text


def test_reproduce_names_each_file_that_differs():
    from startup_capitalism.commands import checksums

    ours = {"index.html": "1", "genindex.html": "2", "only-ours.html": "3", "searchindex.js": "5"}
    theirs = {"index.html": "1", "genindex.html": "9", "only-theirs.html": "4", "searchindex.js": "6"}
    assert checksums.compare(ours, theirs, "html") == [
        "genindex.html: differs",
        "only-ours.html: only in this build",
        "only-theirs.html: only in the scratch build",
        "searchindex.js: differs",
    ]


def test_the_suites_builds_are_what_a_cold_build_makes(built_book):
    """`make reproduce` after the suite's build of the book in its own folder (incremental when an
    earlier run left one there: the folder is kept between runs): a cold build of this tree's files
    in a scratch clone gives the same files, byte for byte."""
    result = subprocess.run(
        [sys.executable, "-m", "startup_capitalism", "reproduce", "--working-tree"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "identical to this one, file by file" in output
    assert "expected:" not in output, "a file was let differ: " + output[-4000:]
