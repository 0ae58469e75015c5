"""Pages the PDF's table of contents leaves out may stand outside it."""

from __future__ import annotations

from sphinx.application import Sphinx


def _pages_outside_the_pdf_toc_are_orphans(app: Sphinx, doctree) -> None:
    """The PDF's table of contents (_toc-pdf.yml) leaves out the evidence notebooks (they are for
    the site's reviewers) and the book-level pages; mark them orphans so that build does not warn.
    The site's toc lists every page, and tests/test_structure.py checks that it does."""
    if app.builder.name not in {"latex", "epub"}:  # the builders run on the PDF's toc
        return
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is not None and app.env.docname not in site_map:
        app.env.metadata[app.env.docname]["orphan"] = True


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _pages_outside_the_pdf_toc_are_orphans, priority=600)
    # env.metadata is merged from parallel readers by Sphinx's own metadata collector
    return {"parallel_read_safe": True, "parallel_write_safe": True}
