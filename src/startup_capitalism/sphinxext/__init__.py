"""The book's Sphinx extension, one job per module:

- `exhibit`: the edition's exhibits, a float numbered in a series of its own;
- `glued`: `{glued-figure}` and `{glued-table}`, a notebook's glued chart or table pasted into a
  page as a numbered, captioned figure, exhibit or table; `table_nodes`: those tables, and LaTeX
  columns as wide as their content;
- `codebook`, `data_version`: the appendix's generated tables;
- `numbering`: Figure N.k, Exhibit N.k, Table N.k by chapter, in HTML and LaTeX;
- `pdfs`: one PDF per chapter and one for the book, linked from the site; `chapter_list`: the
  front page's list of chapters;
- `latex_images`: the PNG of each pasted chart where LaTeX and the EPUB look for it, with its
  text alternative; `epub`: the EPUB edition (book pages only, accessibility metadata, a
  reproducible archive);
- `rereads`: pages that paste from a notebook are re-read with it;
- `execution_cache`: notebook outputs keyed on the data and this package as well;
- `notebook_downloads`: each notebook page's executed `.ipynb` offered beside its `.md`;
- `buttons`, `assets`, `orphans`: the repository's address for the reviewers' buttons (set in
  _config.yml), the site's own assets (Vega served from the site, chart scripts, icons, the theme's
  head; the pages' metadata is sphinxext-opengraph's), pages the PDF leaves out;
- `changes`: each chapter's "Changes since the received manuscript" page;
- `works_cited`: paragraph anchors, citation links, the works-cited pages and the evidence explorer;
- `built_with`, `reproducible`: the versions the edition was built with; byte-identical rebuilds;
- `entry`: a bare `jupyter-book build .` stops, saying to run `make html` or `make book`;
- `parallel`: parallel reading declared for the extensions jupyter-book brings that say nothing
  about it, once read (`-j`).
"""

from __future__ import annotations

from sphinx.application import Sphinx

from ..editions import sphinxext as editions
from . import (
    assets,
    built_with,
    buttons,
    changes,
    chapter_list,
    codebook,
    data_version,
    entry,
    epub,
    execution_cache,
    exhibit,
    glued,
    latex_images,
    notebook_downloads,
    numbering,
    orphans,
    parallel,
    pdfs,
    reproducible,
    rereads,
    table_nodes,
    works_cited,
)

MODULES = (
    entry,  # first: a bare `jupyter-book build .` stops before anything else is set up
    exhibit,
    glued,
    table_nodes,
    codebook,
    data_version,
    numbering,
    pdfs,
    chapter_list,
    latex_images,
    epub,
    rereads,
    execution_cache,
    notebook_downloads,
    buttons,
    assets,
    orphans,
    changes,
    works_cited,
    built_with,
    reproducible,
    parallel,
    editions,  # the edition bar on every page, "Changes since edition X.Y"
)


def setup(app: Sphinx) -> dict:
    """Each module's own setup; the extension is parallel-safe for reading (or writing) only if
    every module says it is (each module's setup returns what it can promise, and why)."""
    promised = [module.setup(app) or {} for module in MODULES]
    return {
        "version": "0.3",
        "env_version": 3,
        "parallel_read_safe": all(found.get("parallel_read_safe", False) for found in promised),
        "parallel_write_safe": all(found.get("parallel_write_safe", False) for found in promised),
    }
