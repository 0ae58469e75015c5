"""Byte-identical HTML from a cold and an incremental build.

Sphinx appends `?v=<checksum>` to a stylesheet link only when the file is already in the output's
`_static` while the page is written. myst-nb copies its stylesheet there only when the build
finishes, so a cold build's pages link it without `?v=` and a later build's pages with it. Copying
it when the builder starts gives every build the same links.
"""

from __future__ import annotations

from pathlib import Path

from myst_nb.sphinx_ext import add_global_html_resources
from sphinx.application import Sphinx


def _copy_mystnb_stylesheet_first(app: Sphinx) -> None:
    if app.builder.format == "html":
        (Path(app.builder.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _copy_mystnb_stylesheet_first)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
