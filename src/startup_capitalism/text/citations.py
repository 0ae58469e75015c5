"""The chapter's in-text citations, read from the authors' text (no Sphinx here).

The manuscript cites in author–year form and has no reference list, so the works are known only
from the citations themselves. Forms read:

- parenthetical: "(METI 2024)", several works "(Ikeda 2018; Kuzina 2018)", pages
  "(Vogel 2006, 86)", "(Kenney et al. 2002)", two authors "(Rowen and Toyoda 2002)", corporate and
  press authors "(METI Journal 2020)", a committee whose name holds an "and" (one corporate
  author, not two), year suffixes "(Economist 2018c)", a lead-in "(e.g., see Iwamoto 2017; ...)";
- narrative: the author named in the sentence and the year in parentheses, "Chalmers Johnson’s
  (1982) account", "Kathryn Ibata-Arens (2005, 1)", "Nobuyuki Hata and colleagues (2007, 173)"
  (= Hata et al.), "CB Insights (2021)";
- the authors' interviews, "(authors’ interview, Osaka, June 26, 2018)", kept apart from works.

Anything in parentheses that looks like a citation (it names a year and does not open with a
lowercase word, as the authors' asides do) but does not parse is returned as `Unparsed`, so it is
reported rather than dropped.

A work is identified by its authors as written (surnames; a corporate author whole), "et al." and
the year with its suffix. In a narrative citation a person's surname is the last word of the
name; a name with an all-capitals word ("CB Insights", "X-Hub TOKYO") is taken as corporate, whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)(?P<suffix>[a-z])?"
PAGES = r"(?:pp?\.\s*)?\d+(?:[–-]\d+)?"
LEAD_IN = re.compile(r"^(?:e\.g\.,?\s*)?(?:see(?: also)?\s+)?|^cf\.\s+")
PARENTHESES = re.compile(r"\(([^()]*)\)")
# one cited work inside parentheses: authors, year, optional pages
PARENTHETICAL_WORK = re.compile(rf"^(?P<authors>[A-Z][^;]*?)\s+{YEAR}(?:,\s*(?P<pages>{PAGES}))?$")
# the year (and pages) alone in parentheses: the authors are named just before
NARRATIVE_YEAR = re.compile(rf"^{YEAR}(?:,\s*(?P<pages>{PAGES}))?$")
NAME_TOKEN = r"[A-Z][\w.’'-]*"
NARRATIVE_NAME = re.compile(
    rf"(?P<name>{NAME_TOKEN}(?:\s+(?:and\s+|&\s+)?{NAME_TOKEN})*)"
    rf"(?P<colleagues>\s+and\s+colleagues|\s+et\s+al\.)?\s*$"
)
INTERVIEW = re.compile(
    r"^(?P<who>authors?[’']? interview|interview by the authors),\s*(?P<place>[^,]+),\s*"
    r"(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})$"
)
YEAR_TOKEN = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b")
YEAR_RANGE = re.compile(r"^\d{4}\s*[–-]\s*\d{2,4}$")
POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
# capitalised words that open a sentence, not a name ("As Kathryn Ibata-Arens (2005, 1) ...")
SENTENCE_OPENERS = {
    "As",
    "In",
    "The",
    "For",
    "According",
    "While",
    "But",
    "And",
    "Since",
    "Yet",
    "Both",
    "Later",
    "Even",
    "Also",
    "Still",
    "Notably",
    "Here",
    "Thus",
}
# lowercase words that only a corporate or institutional name holds ("Committee on the History of")
CORPORATE_CONNECTIVES = {"on", "the", "of", "for", "in", "de", "du", "la"}
CORPORATE_SUFFIXES = {"corporation", "corp.", "inc.", "co.", "ltd.", "ltd", "group", "holdings", "company"}


@dataclass(frozen=True)
class Work:
    """A cited work, as the citations identify it: authors, et al., year with suffix."""

    authors: tuple[str, ...]
    year: str  # "2020b"
    et_al: bool = False

    @property
    def base_year(self) -> str:
        return self.year[:4]

    @property
    def suffix(self) -> str:
        return self.year[4:]

    @property
    def author_label(self) -> str:
        if self.et_al:
            return f"{self.authors[0]} et al."
        if len(self.authors) <= 2:
            return " and ".join(self.authors)
        return ", ".join(self.authors[:-1]) + ", and " + self.authors[-1]

    @property
    def label(self) -> str:
        """How a reference list would head it: "Kenney et al. 2002", "Rowen and Toyoda 2002"."""
        return f"{self.author_label} {self.year}"

    @property
    def anchor(self) -> str:
        """An HTML id for its entry in a works-cited list."""
        return "work-" + slug(self.label)

    def sort_key(self) -> tuple:
        """Reference-list order: first author, one author before several, year, suffix."""
        return (
            fold(self.authors[0]),
            len(self.authors) + (10 if self.et_al else 0),
            tuple(fold(a) for a in self.authors[1:]),
            self.base_year,
            self.suffix,
        )


@dataclass(frozen=True)
class Interview:
    """One of the authors' interviews: listed apart, it is not a published work."""

    written: str = field(compare=False)  # as the text gives it; the same meeting however credited
    place: str
    date: str

    @property
    def label(self) -> str:
        return f"Authors’ interview, {self.place}, {self.date}"

    @property
    def anchor(self) -> str:
        return "interview-" + slug(f"{self.place} {self.date}")


@dataclass(frozen=True)
class Citation:
    """One citation in the text: the work, the pages cited, and where it stands (`start:end`)."""

    work: Work | Interview
    written: str  # the characters of the text that make the citation
    start: int
    end: int
    pages: str = ""
    narrative: bool = False


@dataclass(frozen=True)
class Unparsed:
    """Parentheses that look like a citation but do not parse: reported, never dropped."""

    written: str
    start: int
    end: int


@dataclass
class ParsedText:
    citations: list[Citation] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)

    @property
    def works(self) -> list[Work]:
        return [c.work for c in self.citations if isinstance(c.work, Work)]

    @property
    def interviews(self) -> list[Interview]:
        return [c.work for c in self.citations if isinstance(c.work, Interview)]


def fold(name: str) -> str:
    """A name without case, accents and punctuation, to sort and compare spellings."""
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower()).strip()


def slug(text: str) -> str:
    return fold(text).replace(" ", "-")


def _parenthetical_authors(written: str) -> tuple[tuple[str, ...], bool] | None:
    written = written.strip()
    et_al = False
    if written.endswith(" et al."):
        written, et_al = written[: -len(" et al.")], True
    words = written.split()
    if not words or not words[0][0].isupper():
        return None
    lowercase = {w for w in words if not w[0].isupper() and not w[0].isdigit()}
    if lowercase - {"and", "&"} - CORPORATE_CONNECTIVES:
        return None  # prose, not a name
    parts = re.split(r",\s*(?:and\s+)?|\s+(?:and|&)\s+", written)
    if any(not part.strip() for part in parts):
        return None  # "Vogel, 2006": a stray comma
    # persons are cited by surname (one word each); a longer name holding "and" is an institution
    if len(parts) > 1 and all(len(p.split()) == 1 for p in parts) and not (lowercase & CORPORATE_CONNECTIVES):
        return tuple(parts), et_al
    return (written,), et_al


def _interview(inner: str) -> Interview | None:
    match = INTERVIEW.match(inner.strip())
    return Interview(inner.strip(), match["place"].strip(), match["date"]) if match else None


def _narrative_authors(before: str) -> tuple[tuple[str, ...], bool, int] | None:
    """The authors named just before a "(year)": (authors, et al., where the name starts)."""
    match = NARRATIVE_NAME.search(before)
    if not match:
        return None
    name, start = match["name"], match.start("name")
    words = name.split()
    while words and words[0] in SENTENCE_OPENERS:
        start += len(words[0]) + 1
        words = words[1:]
        name = " ".join(words)
    if not words:
        return None
    name = POSSESSIVE.sub("", name)
    if any(len(w) > 1 and w.isupper() for w in re.split(r"[\s-]", name)):
        return (name,), bool(match["colleagues"]), start  # a corporate name, whole
    people = re.split(r"\s+(?:and|&)\s+", name)
    return tuple(POSSESSIVE.sub("", p.split()[-1]) for p in people), bool(match["colleagues"]), start


def looks_like_citation(inner: str) -> bool:
    inner = inner.strip()
    return bool(YEAR_TOKEN.search(inner)) and not inner[:1].islower() and not YEAR_RANGE.match(inner)


def parse_text(text: str) -> ParsedText:
    """Every citation in a stretch of the authors' text, and what looks like one but does not parse."""
    parsed = ParsedText()
    for group in PARENTHESES.finditer(text):
        inner, inner_start = group[1], group.start(1)
        interview = _interview(inner)
        if interview:
            parsed.citations.append(Citation(interview, group[0], group.start(), group.end()))
            continue
        narrative = NARRATIVE_YEAR.match(inner.strip())
        if narrative:
            named = _narrative_authors(text[: group.start()])
            if named:
                authors, et_al, start = named
                work = Work(authors, narrative["year"] + (narrative["suffix"] or ""), et_al)
                parsed.citations.append(
                    Citation(
                        work,
                        text[start : group.end()],
                        start,
                        group.end(),
                        narrative["pages"] or "",
                        narrative=True,
                    )
                )
            else:
                parsed.unparsed.append(Unparsed(group[0], group.start(), group.end()))
            continue
        lead = LEAD_IN.match(inner)
        offset = lead.end() if lead else 0
        found, failed = [], []
        for piece in re.finditer(r"[^;]+", inner[offset:]):
            written = piece[0].strip()
            start = inner_start + offset + piece.start() + (len(piece[0]) - len(piece[0].lstrip()))
            match = PARENTHETICAL_WORK.match(written)
            authors = _parenthetical_authors(match["authors"]) if match else None
            if authors:
                work = Work(authors[0], match["year"] + (match["suffix"] or ""), authors[1])
                found.append(Citation(work, written, start, start + len(written), match["pages"] or ""))
            else:
                failed.append(written)
        if found:
            parsed.citations += found
            if failed:
                parsed.unparsed.append(Unparsed(group[0], group.start(), group.end()))
        elif looks_like_citation(inner):
            parsed.unparsed.append(Unparsed(group[0], group.start(), group.end()))
    return parsed


def parse_citation_field(value: str) -> ParsedText:
    """An evidence row's `citation` cell: parenthetical content ("Vogel 2006, 86") or a narrative
    citation as written in the text ("Kathryn Ibata-Arens (2005, 1)")."""
    value = value.strip()
    return parse_text(value if value.endswith(")") else f"({value})")


# ---------------------------------------------------------------------------------------------
# The audit (warnings: the authors decide)


def missing_suffix_siblings(works: list[Work]) -> list[str]:
    """A year suffix whose siblings are not cited: "METI 2020b" with no "METI 2020a"."""
    suffixes: dict[tuple, set[str]] = defaultdict(set)
    for work in works:
        if work.suffix:
            suffixes[(work.authors, work.et_al, work.base_year)].add(work.suffix)
    messages = []
    for (authors, et_al, year), present in sorted(
        suffixes.items(), key=lambda item: Work(item[0][0], item[0][2], item[0][1]).sort_key()
    ):
        expected = {chr(code) for code in range(ord("a"), ord(max(present)) + 1)}
        missing = sorted(expected - present)
        if missing:
            sample = Work(authors, year, et_al)
            cited = ", ".join(f"{year}{s}" for s in sorted(present))
            absent = ", ".join(f"{year}{s}" for s in missing)
            messages.append(f"{sample.author_label} {cited} is cited but {absent} is not")
    return messages


def _author_name_variants(names: set[str]) -> list[tuple[str, ...]]:
    by_fold: dict[str, set[str]] = defaultdict(set)
    for name in names:
        by_fold[fold(name)].add(name)
        words = fold(name).split()
        if len(words) > 1 and words[-1] + (
            "." if not words[-1].endswith(".") else ""
        ) in CORPORATE_SUFFIXES | {w.rstrip(".") + "." for w in CORPORATE_SUFFIXES}:
            by_fold[" ".join(words[:-1])].add(name)
    groups = {tuple(sorted(group)) for group in by_fold.values() if len(group) > 1}
    return sorted(groups)


def author_spelling_variants(works: list[Work], interviews: list[Interview] = ()) -> list[str]:
    """The same author written two ways ("Sumitomo" and "Sumitomo Corporation", a different case
    or accent), and the interviews credited in more than one way."""
    names = {author for work in works for author in work.authors}
    messages = [
        f"the same author spelled {len(group)} ways? " + " / ".join(f"“{n}”" for n in group)
        for group in _author_name_variants(names)
    ]
    by_meeting: dict[tuple, set[str]] = defaultdict(set)
    for interview in interviews:
        by_meeting[(interview.place, interview.date)].add(interview.written.split(",")[0])
    for (place, date), credits in sorted(by_meeting.items()):
        if len(credits) > 1:
            messages.append(
                f"the interview in {place}, {date} is credited {len(credits)} ways: "
                + " / ".join(f"“{c}”" for c in sorted(credits))
            )
    return messages


def evidence_citation_mismatch(citation: str, paragraph: str) -> str | None:
    """Why an evidence row's citation is not among its paragraph's citations, or None if it is."""
    if not citation.strip():
        return None
    claimed = parse_citation_field(citation)
    if claimed.unparsed or not claimed.citations:
        return f"citation {citation!r} does not read as a citation"
    in_paragraph = {c.work for c in parse_text(paragraph).citations}
    missing = [c.work.label for c in claimed.citations if c.work not in in_paragraph]
    if missing:
        return f"citation {citation!r}: {', '.join(missing)} is not cited in the quote's paragraph"
    return None
