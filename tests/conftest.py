"""Shared fixtures: the book is built once per test session, strictly, as `make book` builds it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
PDF = ROOT / "_build" / "pdf" / "chapter-02-japan.pdf"


@dataclass
class BuiltBook:
    returncode: int
    log: str
    site: Path
    pdf: Path

    def page(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")

    def chart_count(self) -> int:
        """Charts glued into the chapter pages (the exhibits and Figure 2.1)."""
        return sum(len(self.page(name).select("figure .startup-chart")) for name in chapter_docnames())


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """`tools/build_book.py book`: strict HTML and PDF, published only if both succeed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), "book"],
        cwd=ROOT, capture_output=True, text=True,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the strict build failed:\n{log[-6000:]}"
    return BuiltBook(result.returncode, log, SITE, PDF)


def toc_docnames() -> list[str]:
    """Every document named in _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return names


def chapter_docnames() -> list[str]:
    """The chapter's pages, in reading order."""
    from startup_capitalism.chapters import BACK_MATTER_PAGES

    return [name for name in toc_docnames()
            if name.startswith("chapters/") and name.rsplit("/", 1)[1] not in BACK_MATTER_PAGES]
