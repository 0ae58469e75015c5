"""The authors' reference list, when they supply one as `references.bib` at the book's root.

None is shipped: the manuscript has no reference list and none is invented. When the file is
there, sphinxcontrib-bibtex is loaded and renders it on the works-cited pages, labelled author–year
("Vogel 2006"); each works-cited entry links to its full reference, and the audit lists cited works
without an entry and entries never cited.

An entry matches a cited work by its authors' surnames (a corporate author, written in braces in
BibTeX, whole) and its `year` field; a suffixed citation ("2020b") needs the suffix in the
entry's year ("2020b"), since the suffixes come from the authors' list, not from us. An entry with
three or more authors also matches "First et al.".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.nodes import make_id
from sphinx.application import Sphinx
from sphinx.util import logging

from .citations import Work

LOGGER = logging.getLogger(__name__)
BIB_FILE = "references.bib"
STYLE = "startup_author_year"
ENTRY_ID = "ref-{key}"  # sphinxcontrib-bibtex's id of each rendered entry
BOOK_KEY_PREFIX = "book-"  # the book's list repeats the chapters' entries under other ids


def bib_path(srcdir: str | Path) -> Path:
    return Path(srcdir) / BIB_FILE


def _surname(person) -> str:
    return " ".join(person.last_names).replace("{", "").replace("}", "")


def entry_works(entry) -> list[Work]:
    """The citations an entry answers to: "Rowen and Toyoda 2002"; "Aoki et al. 1998" too."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = entry.fields.get("year", "").strip()
    if not people or not year:
        return []
    surnames = tuple(_surname(p) for p in people)
    works = [Work(surnames, year)]
    if len(surnames) >= 3:
        works.append(Work(surnames[:1], year, et_al=True))
    return works


@dataclass
class ReferenceList:
    entries: dict  # key -> pybtex Entry
    book_page: bool = False

    def anchors_to_keys(self) -> dict[str, str]:
        return {work.anchor: key for key, entry in self.entries.items() for work in entry_works(entry)}

    def key_for(self, work: Work) -> str | None:
        return self.anchors_to_keys().get(work.anchor)

    def anchor(self, key: str) -> str:
        prefix = BOOK_KEY_PREFIX if self.book_page else ""
        return make_id(ENTRY_ID.format(key=prefix + key))

    def bibliography_source(self, keys: list[str]) -> str:
        """The `{bibliography}` directive (MyST) that renders these entries on a page."""
        options = ":filter: False\n" + (f":keyprefix: {BOOK_KEY_PREFIX}\n" if self.book_page else "")
        return "```{bibliography}\n" + options + "\n" + "\n".join(keys) + "\n```\n"


def read_references(srcdir: str | Path, book_page: bool = False) -> ReferenceList | None:
    path = bib_path(srcdir)
    if not path.is_file():
        return None
    from pybtex.database import parse_file

    return ReferenceList(dict(parse_file(str(path), bib_format="bibtex").entries), book_page)


def _author_year_style():
    """A pybtex formatting style whose labels are author–year, as the chapter cites."""
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                works = entry_works(entry)
                yield works[-1].label if works else entry.key

    class AuthorYearStyle(PlainStyle):
        default_label_style = AuthorYearLabels
        default_sorting_style = "author_year_title"

    return AuthorYearStyle


def _configure(app: Sphinx, config) -> None:
    """sphinxcontrib-bibtex's settings, each unless _config.yml gives it. Why code, not _config.yml:
    sphinxcontrib-bibtex is loaded only when references.bib is there (none is shipped), and a
    setting of an extension that is not loaded is an unknown setting (a warning, so a strict build
    fails); jupyter-book's `bibtex_bibfiles` key would load it always, and it fails without the file.
    The entries' ids are always ENTRY_ID: the works-cited pages link to them by it."""
    if not bib_path(app.srcdir).is_file():
        return
    given = set(config._raw_config) | set(config.overrides)
    if not config.bibtex_bibfiles:
        config.bibtex_bibfiles = [BIB_FILE]
    if "bibtex_default_style" not in given:
        config.bibtex_default_style = STYLE
    if "bibtex_reference_style" not in given:
        config.bibtex_reference_style = "author_year"
    config.bibtex_cite_id = ENTRY_ID
    LOGGER.info("reference list: %s rendered by sphinxcontrib-bibtex", bib_path(app.srcdir))


def setup(app: Sphinx) -> None:
    """Load sphinxcontrib-bibtex only when the authors' reference list is there."""
    if not bib_path(app.srcdir).is_file():
        return
    from pybtex.plugin import register_plugin

    app.setup_extension("sphinxcontrib.bibtex")
    register_plugin("pybtex.style.formatting", STYLE, _author_year_style())
    app.connect("config-inited", _configure, priority=600)


def rendered_bibliography(directive, reference_list: ReferenceList, keys: list[str]) -> list[nodes.Node]:
    """The entries rendered by sphinxcontrib-bibtex, under a heading, for a works-cited page."""
    heading = "The authors' reference list"
    return [
        nodes.rubric(heading, heading),
        *directive.parse_text_to_nodes(reference_list.bibliography_source(keys)),
    ]
