"""An incremental build writes what a cold build of the same sources writes, byte for byte and file
for file, so the published site never depends on the builds before it (`make reproduce` checks).

- `_static` from nothing: a build that writes pages empties `_static` first; Sphinx then copies
  the theme's and the extensions' static files into it, so a file an earlier build put there
  and this one does not (a renamed asset) is not kept.
- myst-nb's stylesheet: Sphinx appends `?v=<checksum>` to a stylesheet link only when the file is
  already in the output's `_static` while the page is written. myst-nb copies its stylesheet there
  only when the build finishes, so a cold build's pages would link it without `?v=` and a later
  build's pages with it. Copying it before the pages are written gives every build the same links.
  (`assets` does the same for the icon stylesheet, the other way round.)
- the search index: Sphinx empties the entries of words a page no longer has, or of a page gone,
  but keeps the words (`"On": []`), which a cold build never writes. They are dropped before the
  index is written.
- stale files: Sphinx never removes a file an earlier build wrote. A page whose document is gone,
  its source copy, an image or download no document uses any more are removed when a build that
  wrote pages finishes (one that wrote none changed nothing).
- a removed page: Sphinx writes nothing when the only change is a page removed, so the search
  index, the general index and `objects.inv` would still list it. The front page is read again
  then, so that the build writes and those are made again without it.

- the date of every page ("Last updated on ..."): Sphinx prints SOURCE_DATE_EPOCH's day (the
  commit's, see commands/checksums.py) on each page it writes, but writes only the pages whose
  source changed: after a commit of another day, the others kept the last one's date. The day is
  put into `html_context`, which the HTML builder's `.buildinfo` hashes: a new day is a changed
  configuration, and every page is written again (none read again).

(A plain `jupyter-book build .`, which would write the published `_build/html` in place, is
stopped before anything is read by `entry`.)
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sphinx.application import Sphinx


def _static_from_nothing(app: Sphinx, builder) -> None:
    """Before Sphinx copies the static files and writes the pages: `_static` emptied, then
    myst-nb's stylesheet put in it."""
    if builder.format != "html":
        return
    from myst_nb.sphinx_ext import add_global_html_resources

    static = Path(builder.outdir) / "_static"
    shutil.rmtree(static, ignore_errors=True)
    static.mkdir(parents=True)
    add_global_html_resources(app, None)


def _search_index_without_emptied_words(app: Sphinx) -> list:
    """Called as the last pages are made (`html-collect-pages`), before the index is pruned and
    written: the indexer's pruning then also drops the words it leaves with no page."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None or getattr(indexer, "startup_drops_empty_words", False):
        return []
    prune = indexer.prune

    def prune_and_drop_emptied_words(docnames) -> None:
        prune(docnames)
        # Sphinx's own structures (IndexBuilder has no public way to forget a word)
        for mapping in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]

    indexer.prune = prune_and_drop_emptied_words
    indexer.startup_drops_empty_words = True
    return []


def stale_files(outdir: Path, env, pages_written: set[str]) -> list[Path]:
    """Files in the output that no document of this build makes (outside `_static`).

    A page's source copy is `_sources/<docname><its source's suffix>`; a notebook page also has its
    executed `.ipynb` there (`notebook_downloads`, or the theme's copy with launch buttons on)."""
    docs = set(env.all_docs) | pages_written
    sources = {docname + Path(env.doc2path(docname)).suffix for docname in env.all_docs}
    sources |= {
        docname + ".ipynb" for docname in env.all_docs if "kernelspec" in env.metadata.get(docname, {})
    }
    images = {unique for _, unique in env.images.values()}
    downloads = {unique for _, unique in env.dlfiles.values()}
    stale = []
    for path in outdir.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(outdir).parts
        if parts[0] == "_static" or len(parts) == 1 and path.suffix != ".html":
            continue
        inner = "/".join(parts[1:])
        if parts[0] == "_sources":
            kept = inner in sources
        elif parts[0] == "_images":
            kept = inner in images
        elif parts[0] == "_downloads":
            kept = inner in downloads
        elif path.suffix == ".html":
            kept = "/".join(parts)[: -len(".html")] in docs
        else:
            kept = True
        if not kept:
            stale.append(path)
    return stale


def _note_written_pages(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Pages rendered in this process: with -j, only the first document and the extra pages
    (the general index, the search page); the others are noted as they are resolved (below)."""
    app.startup_pages_written.add(pagename)


def _note_resolved_documents(app: Sphinx, doctree, docname: str) -> None:
    """Every document about to be written is resolved in the main process, also with -j."""
    app.startup_pages_written.add(docname)


def _start_noting(app: Sphinx) -> None:
    app.startup_pages_written = set()


def _write_when_pages_are_removed(app: Sphinx, env, added, changed, removed) -> list[str]:
    return [app.config.root_doc] if removed and app.config.root_doc in env.found_docs else []


def _remove_stale_files(app: Sphinx, exception) -> None:
    # a build that wrote no page wrote nothing (not even the general index or the search page)
    if exception is not None or app.builder.format != "html" or not app.startup_pages_written:
        return
    for path in stale_files(Path(app.outdir), app.env, app.startup_pages_written):
        path.unlink()


def _pages_dated_by_the_commit(app: Sphinx, config) -> None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and config.html_last_updated_fmt is not None:
        day = datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")
        config.html_context = {**config.html_context, "source_date": day}


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _pages_dated_by_the_commit)
    app.connect("write-started", _static_from_nothing)
    app.connect("builder-inited", _start_noting)
    app.connect("html-page-context", _note_written_pages)
    app.connect("doctree-resolved", _note_resolved_documents)
    app.connect("html-collect-pages", _search_index_without_emptied_words)
    app.connect("env-get-outdated", _write_when_pages_are_removed)
    app.connect("build-finished", _remove_stale_files)
    # the pages written are noted in the main process (above); the rest runs there too
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
