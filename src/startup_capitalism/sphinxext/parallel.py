"""Parallel reading for the extensions jupyter-book brings that do not say whether it is safe.

Sphinx reads with several processes (`-j`) only when every extension declares it safe; one that
says nothing makes it warn and read with one process, and a strict build fails on the warning.
sphinx-external-toc always loads sphinx-multitoc-numbering, which declares nothing. Read, version
0.1.3 is safe: it replaces the toctree collector's section numbering, which Sphinx runs in the main
process once every reader's pages are merged, from merged data only (env.tocs, env.titles,
env.numbered_toctrees), and it stores nothing of its own. Declared here for that version only: a
new version is read again before it is declared.
"""

from __future__ import annotations

from sphinx.application import Sphinx

AUDITED = {"sphinx_multitoc_numbering": "0.1.3"}


def _declare_audited_extensions(app: Sphinx, config) -> None:
    for name, version in AUDITED.items():
        extension = app.extensions.get(name)
        audited = extension is not None and getattr(extension.module, "__version__", None) == version
        if audited and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True
            extension.parallel_write_safe = True


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _declare_audited_extensions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
