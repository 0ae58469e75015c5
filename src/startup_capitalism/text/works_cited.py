"""The works a chapter cites, gathered from its pages, and the audit of them (no Sphinx here).

`works_index(chapters)` reads every authors' paragraph of the chapters' pages, parses its
citations and joins the evidence rows: each work once, with every paragraph citing it and the rows
that carry it. `audit()` turns it into warnings for the authors (`make validate` prints them, the
works-cited page lists them); none of them stops a build: the authors decide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import chapters as chapters_module
from . import citations
from .citations import Interview, Work
from .paragraphs import Paragraph, chapter_paragraphs, paragraph_for_quote

if TYPE_CHECKING:
    from ..book import Book


@dataclass(frozen=True)
class CitedIn:
    chapter: chapters_module.Chapter
    paragraph: Paragraph
    citation: citations.Citation


@dataclass
class WorksIndex:
    uses: dict[Work | Interview, list[CitedIn]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[Work | Interview, list[str]] = field(default_factory=lambda: defaultdict(list))
    unparsed: list[tuple[Paragraph, citations.Unparsed]] = field(default_factory=list)
    evidence_mismatches: list[str] = field(default_factory=list)

    @property
    def works(self) -> list[Work]:
        """Each work once, in reference-list order."""
        return sorted((w for w in self.uses if isinstance(w, Work)), key=Work.sort_key)

    @property
    def interviews(self) -> list[Interview]:
        return sorted(
            (w for w in self.uses if isinstance(w, Interview)),
            key=lambda i: (pd.to_datetime(i.date), i.place),
        )

    def citation_count(self) -> int:
        return sum(len(uses) for uses in self.uses.values())


def works_index(chapters: list[chapters_module.Chapter], evidence: pd.DataFrame | None = None) -> WorksIndex:
    index = WorksIndex()
    for chapter in chapters:
        for paragraph in chapter_paragraphs(chapter):
            parsed = citations.parse_text(paragraph.text)
            for citation in parsed.citations:
                index.uses[citation.work].append(CitedIn(chapter, paragraph, citation))
            index.unparsed += [(paragraph, unparsed) for unparsed in parsed.unparsed]
    if evidence is not None:
        _join_evidence(index, chapters, evidence)
    return index


def _join_evidence(
    index: WorksIndex, chapters: list[chapters_module.Chapter], evidence: pd.DataFrame
) -> None:
    by_number = {chapter.number: chapter for chapter in chapters}
    for row in evidence.itertuples(index=False):
        chapter = by_number.get(int(row.chapter))
        citation = "" if pd.isna(row.citation) else str(row.citation)
        if chapter is None or not citation:
            continue
        quote = "" if pd.isna(row.quote) else str(row.quote)
        paragraph = paragraph_for_quote(quote, chapter, str(row.section))
        for cited in citations.parse_citation_field(citation).citations:
            index.evidence[cited.work].append(str(row.id))
        if paragraph is not None:
            problem = citations.evidence_citation_mismatch(citation, paragraph.text)
            if problem:
                index.evidence_mismatches.append(f"evidence row {row.id}: {problem}")


@dataclass
class Audit:
    missing_siblings: list[str]
    spellings: list[str]
    evidence_mismatches: list[str]
    unparsed: list[str]
    without_entry: list[str] = field(default_factory=list)  # with a reference list only
    never_cited: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        groups = (
            ("year suffix", self.missing_siblings),
            ("author spelling", self.spellings),
            ("evidence citation", self.evidence_mismatches),
            ("unread citation", self.unparsed),
            ("no reference entry", self.without_entry),
            ("reference never cited", self.never_cited),
        )
        return [f"{kind}: {message}" for kind, messages in groups for message in messages]


def audit(index: WorksIndex, bib_keys: dict[str, str] | None = None) -> Audit:
    """The audit's findings; `bib_keys` (work anchor -> entry key) when a reference list exists."""
    works = index.works
    result = Audit(
        missing_siblings=citations.missing_suffix_siblings(works),
        # each citation keeps the interview as it was credited there ("author interview", ...)
        spellings=citations.author_spelling_variants(
            works, [use.citation.work for interview in index.interviews for use in index.uses[interview]]
        ),
        evidence_mismatches=list(index.evidence_mismatches),
        unparsed=[f"{p.docname} ({p.anchor}): {u.written}" for p, u in index.unparsed],
    )
    if bib_keys is not None:
        cited = {w.anchor for w in works}
        result.without_entry = [w.label for w in works if w.anchor not in bib_keys]
        used = {key for anchor, key in bib_keys.items() if anchor in cited}
        result.never_cited = sorted(set(bib_keys.values()) - used)
    return result


def validation_warnings(book: Book, evidence_path: Path | None) -> list[str]:
    """The audit of every chapter of the book, as `make validate` prints it (evidence joined when it
    is valid)."""
    from ..evidence import load_evidence

    rows = load_evidence(book, evidence_path, every_row=True) if evidence_path is not None else None
    return audit(works_index(book.chapters(), rows)).warnings()
