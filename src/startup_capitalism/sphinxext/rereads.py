"""Re-read every page that pastes from a notebook whenever that notebook is re-read, so a
chapter page never keeps a stale chart."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def _init_env(app: Sphinx, env, docnames) -> None:
    if not hasattr(env, "startup_glue_sources"):
        env.startup_glue_sources = {}  # docname -> the notebooks it pastes from


def _purge_doc(app: Sphinx, env, docname: str) -> None:
    getattr(env, "startup_glue_sources", {}).pop(docname, None)


def _merge_info(app: Sphinx, env, docnames, other) -> None:
    """The pages a parallel reader read: what they paste from, as that reader found it."""
    theirs = getattr(other, "startup_glue_sources", {})
    env.startup_glue_sources.update({doc: theirs[doc] for doc in docnames if doc in theirs})


def _pages_pasting_from_rereads(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read every page that pastes from a notebook that is re-read in this build."""
    reread = set(added) | set(changed)
    sources = getattr(env, "startup_glue_sources", {})
    pasting = sorted(doc for doc, refdocs in sources.items() if refdocs & reread and doc not in reread)
    if pasting:
        LOGGER.info("pages re-read because a notebook they paste from is re-read: %s", ", ".join(pasting))
    return pasting


def setup(app) -> dict:
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-get-outdated", _pages_pasting_from_rereads)
    # env.startup_glue_sources (written by `glued` while reading) is merged from parallel readers
    return {"parallel_read_safe": True, "parallel_write_safe": True}
