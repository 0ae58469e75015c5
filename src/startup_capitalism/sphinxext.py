"""Sphinx extension: numbered figures, exhibits and tables glued from the section notebooks.

myst-nb can paste a glued output from another document (`{glue}` with `:doc:`) but cannot wrap it
in a numbered, captioned figure or table (`{glue:figure}` has no `:doc:`). This extension adds:

- ``{glued-figure} KEY`` with ``:doc:``, ``:name:``, ``:kind: figure|exhibit`` and the caption as
  content: a figure (the authors' own, numbered "Figure 2.N") or an exhibit (a chart this edition
  adds, numbered "Exhibit 2.N" in a series of its own) around the pasted chart;
- ``{glued-table} KEY`` with ``:doc:`` and ``:name:``: a real table (typeset by every builder) built
  from a table the notebook glued with :func:`startup_capitalism.tables.glue_table`;
- re-reading of every page that pastes from a notebook whenever that notebook is re-read, so a
  chapter page never keeps a stale chart;
- an execution cache keyed on the evidence data and this package as well as on the code cells.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from binascii import a2b_base64
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.utils import PendingGlueReference, PendingGlueReferenceError, create_pending_glue_ref
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import paths
from .tables import TABLE_MIME

LOGGER = logging.getLogger(__name__)
EXECUTION_CACHE_VERSIONS_KEPT = 4


class exhibit(nodes.figure):  # noqa: N801 (docutils names node classes in lower case)
    """A chart this edition adds. Rendered as a figure, numbered in the "exhibit" series."""


def _latex_visit_exhibit(translator, node: exhibit) -> None:
    """Typeset an exhibit as a float of its own (`sphinxexhibit`, defined in the LaTeX preamble),
    so exhibits never take figure numbers from the authors' Figure 2.1."""
    translator.visit_figure(node)
    for index in range(len(translator.body) - 1, max(len(translator.body) - 4, -1), -1):
        if r"\begin{figure}" in translator.body[index]:
            translator.body[index] = translator.body[index].replace(r"\begin{figure}", r"\begin{sphinxexhibit}")
            translator.context[-1] = translator.context[-1].replace(r"\end{figure}", r"\end{sphinxexhibit}")
            break


def _latex_depart_exhibit(translator, node: exhibit) -> None:
    translator.depart_figure(node)


class pending_glued_table(nodes.Element):  # noqa: N801
    """Placeholder inside a table node, filled from the notebook's glue cache after reading."""


TABLE_CLASSES = ["glued-table", "colwidths-given", "longtable"]  # LaTeX: proportional widths, page breaks


def numbered_table(title: nodes.title, *body: nodes.Element, classes: list[str] = ()) -> nodes.table:
    """A captioned table that every builder typesets; LaTeX fits it to the text width."""
    return nodes.table("", title, *body, classes=[*TABLE_CLASSES, *classes])


class GluedDirective(SphinxDirective):
    """What the glued figure and table share: a key, the notebook (`:doc:`), a name, a caption."""

    required_arguments = 1
    has_content = True
    option_spec = {
        "doc": directives.unchanged_required,
        "name": directives.unchanged_required,
    }

    def glued_from(self) -> str:
        """The notebook's docname; this page is remembered as pasting from it, so that it is
        re-read whenever the notebook is."""
        for option in ("doc", "name"):
            if option not in self.options:
                raise self.error(f"{self.name}: the :{option}: option is required")
        _, filepath = self.env.relfn2path(self.options["doc"], self.env.docname)
        refdoc = self.env.path2doc(filepath)
        if refdoc is None:
            raise self.error(f"{self.name}: {self.options['doc']!r} is not a document of the book")
        self.env.startup_glue_sources.setdefault(self.env.docname, set()).add(refdoc)
        return refdoc

    def caption_and_legend(self) -> list[nodes.Node]:
        """The content: its first paragraph is the caption, the rest the legend."""
        container = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, container)
        if not container.children or not isinstance(container[0], nodes.paragraph):
            raise self.error(f"{self.name}: the content must start with a caption paragraph")
        first = container[0]
        caption = nodes.caption(first.rawsource, "", *first.children)
        caption.source, caption.line = first.source, first.line
        return [caption, nodes.legend("", *container[1:])] if len(container) > 1 else [caption]


class GluedFigureDirective(GluedDirective):
    option_spec = {
        **GluedDirective.option_spec,
        "kind": lambda value: directives.choice(value, ("figure", "exhibit")),
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        self.glued_from()
        try:
            source, line = self.get_source_info()
            pending = create_pending_glue_ref(self.state.document, source, line, self.options["doc"], self.arguments[0])
        except PendingGlueReferenceError as exc:
            raise self.error(f"glued-figure: {exc}") from exc
        node_class = exhibit if self.options.get("kind", "exhibit") == "exhibit" else nodes.figure
        figure = node_class("", pending, classes=["glued-chart", *self.options.get("class", [])])
        self.set_source_info(figure)
        self.add_name(figure)
        figure += self.caption_and_legend()
        return [figure]


class GluedTableDirective(GluedDirective):
    def run(self) -> list[nodes.Node]:
        refdoc = self.glued_from()
        caption, *legend = self.caption_and_legend()
        title = nodes.title(caption.rawsource, "", *caption.children)
        pending = pending_glued_table(refdoc=refdoc, key=self.arguments[0])
        self.set_source_info(pending)
        table = numbered_table(title, pending)
        self.set_source_info(table)
        self.add_name(table)
        return [table, *(legend[0].children if legend else [])]


def _entry(text: str) -> nodes.entry:
    return nodes.entry("", nodes.paragraph(text, text))


def table_body(columns: list[str], rows: list[list[str]], widths: list[int]) -> nodes.tgroup:
    """A docutils tgroup for a header row and body rows of plain text."""
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=width) for width in widths]
    group += nodes.thead("", nodes.row("", *(_entry(column) for column in columns)))
    group += nodes.tbody("", *(nodes.row("", *(_entry(cell) for cell in row)) for row in rows))
    return group


class FillGluedTables(SphinxPostTransform):
    """Replace each pending table body by the rows the notebook glued (after all docs are read)."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        cache_folder = self.env.mystnb_config.output_folder
        for pending in list(self.document.findall(pending_glued_table)):
            glued = read_glue_cache(cache_folder, pending["refdoc"]).get(pending["key"])
            table_data = (glued or {}).get("data", {}).get(TABLE_MIME)
            if table_data is None:
                LOGGER.warning(
                    "glued-table: no table %r glued in %r [startup.glue]",
                    pending["key"], pending["refdoc"], location=pending,
                    type="startup", subtype="glue",
                )
                pending.parent.remove(pending)
                continue
            pending.replace_self(
                table_body(table_data["columns"], table_data["rows"], table_data["widths"])
            )


class CodebookDirective(SphinxDirective):
    """``{codebook} RESOURCE``: the columns of one data package resource, as a numbered table."""

    required_arguments = 1
    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        from .evidence import resource_descriptor

        self.env.note_dependency(str(paths.DATAPACKAGE))
        try:
            resource = resource_descriptor(self.arguments[0])
        except KeyError as error:
            raise self.error(str(error)) from error
        rows = []
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            rules = []
            if constraints.get("required"):
                rules.append("required")
            if constraints.get("unique"):
                rules.append("unique")
            if "enum" in constraints:
                rules.append("one of: " + "; ".join(constraints["enum"]))
            for key, word in (("minimum", "at least"), ("maximum", "at most"), ("maxLength", "at most characters:"),
                              ("pattern", "pattern")):
                if key in constraints:
                    rules.append(f"{word} {constraints[key]}")
            rows.append([field["name"], field["type"], field["description"], "; ".join(rules) or "optional"])
        caption = " ".join(self.content) or f"The columns of {resource['path']}."
        table = numbered_table(nodes.title(caption, caption),
                               table_body(["Column", "Type", "Meaning", "Allowed values"], rows, [14, 8, 50, 28]),
                               classes=["codebook"])
        self.set_source_info(table)
        if "name" in self.options:
            self.add_name(table)
        return [table]


class DataVersionDirective(SphinxDirective):
    """``{data-version}``: the data files' row counts, and their SHA-256 in `sha256sum` format, so a
    reader can cite the version and check a download with `sha256sum -c`."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        counts, sums = [], []
        for path in sorted(paths.DATA_DIR.glob("*.csv")) + [paths.DATAPACKAGE]:
            self.env.note_dependency(str(path))
            data = path.read_bytes()
            if path.suffix == ".csv":
                records = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1
                counts.append(f"{path.name} has {records:,} rows")
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {path.name}")
        summary = "This build's data: " + "; ".join(counts) + ". Their SHA-256 fingerprints:"
        block = nodes.literal_block("\n".join(sums), "\n".join(sums), classes=["data-version"])
        block["language"] = "none"
        return [nodes.paragraph(summary, summary), block]


class WriteGluedImages(SphinxPostTransform):
    """Write the PNG of each chart pasted from a notebook where the LaTeX builder looks for it.

    myst-nb points a pasted image at `<outdir>/<sha256>.png` but only writes that file for
    notebooks that are themselves part of the document; the PDF leaves the notebooks out.
    Runs just before myst-nb replaces the pending references (priority 5).
    """

    default_priority = 4
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        cache_folder = self.env.mystnb_config.output_folder
        for pending in self.document.findall(PendingGlueReference):
            glued = read_glue_cache(cache_folder, pending.refdoc).get(pending.key, {})
            png = glued.get("data", {}).get("image/png")
            if not png:
                continue
            data = a2b_base64(png)
            target = Path(self.app.builder.outdir) / self.app.builder.imagedir / f"{hashlib.sha256(data).hexdigest()}.png"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)


def _init_env(app: Sphinx, env, docnames) -> None:
    if not hasattr(env, "startup_glue_sources"):
        env.startup_glue_sources = {}  # docname -> the notebooks it pastes from


def _purge_doc(app: Sphinx, env, docname: str) -> None:
    getattr(env, "startup_glue_sources", {}).pop(docname, None)


def _merge_info(app: Sphinx, env, docnames, other) -> None:
    env.startup_glue_sources.update(getattr(other, "startup_glue_sources", {}))


def _pages_pasting_from_rereads(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read every page that pastes from a notebook that is re-read in this build."""
    reread = set(added) | set(changed)
    sources = getattr(env, "startup_glue_sources", {})
    pasting = sorted(doc for doc, refdocs in sources.items() if refdocs & reread and doc not in reread)
    if pasting:
        LOGGER.info("pages re-read because a notebook they paste from is re-read: %s", ", ".join(pasting))
    return pasting


def inputs_fingerprint() -> str:
    """sha256 over the data files and this package: what every notebook's outputs depend on."""
    digest = hashlib.sha256()
    inputs = sorted(paths.DATA_DIR.glob("*.csv")) + [paths.DATAPACKAGE]
    inputs += sorted(Path(__file__).parent.glob("*.py"))
    for path in inputs:
        digest.update(path.relative_to(paths.ROOT).as_posix().encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


DEFAULT_EXECUTION_CACHE = paths.BUILD_DIR / ".jupyter_cache"


def execution_cache_folder(base: Path = DEFAULT_EXECUTION_CACHE) -> Path:
    """The jupyter-cache folder for the current inputs: one per version of data/ and package."""
    return base / f"inputs-{inputs_fingerprint()[:16]}"


def _key_execution_cache_on_inputs(app: Sphinx, config) -> None:
    """One jupyter-cache per version of the inputs: new data or code re-executes the notebooks.

    jupyter-cache keys a notebook on its code cells only, so an edited CSV would be served stale
    outputs. The cache folder is named after the inputs' fingerprint instead; Sphinx sees the
    changed setting and re-reads the notebooks, which then execute against the new inputs. Prose
    edits leave the fingerprint alone, so they execute nothing.
    """
    base = Path(config.nb_execution_cache_path or DEFAULT_EXECUTION_CACHE)
    if base.name.startswith("inputs-"):
        return
    if not base.is_absolute():
        base = paths.ROOT / base
    folder = execution_cache_folder(base)
    config.nb_execution_cache_path = str(folder)
    LOGGER.info("execution cache for the current data and package: %s", folder)
    if base.is_dir():
        versions = sorted(base.glob("inputs-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [v for v in versions if v != folder][EXECUTION_CACHE_VERSIONS_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)


BINDER = "https://mybinder.org"


def _reviewer_buttons(app: Sphinx, config) -> None:
    """Repository, Binder launch and download buttons for reviewers.

    The repository's public address is not part of the book, so it is given at build time:
    `make book REPOSITORY_URL=https://github.com/OWNER/REPO`. Without it the pages have download
    buttons only (a launch button needs a repository to launch).
    """
    options = dict(config.html_theme_options or {})
    options["use_download_button"] = True
    repository = os.environ.get("REPOSITORY_URL", "").strip()
    if repository:
        options.update(
            repository_url=repository,
            repository_branch=os.environ.get("REPOSITORY_BRANCH") or "main",
            path_to_docs="",
            use_repository_button=True,
            use_issues_button=True,
        )
        # Binder installs requirements.txt (jupytext included), so the MyST notebooks open as notebooks
        options["launch_buttons"] = {**options.get("launch_buttons", {}), "binderhub_url": BINDER,
                                     "notebook_interface": "jupyterlab"}
    config.html_theme_options = options


def _notebooks_may_stand_outside_the_toc(app: Sphinx, doctree) -> None:
    """The PDF's table of contents leaves the evidence notebooks out (they are for the site's
    reviewers); mark them orphans so that build does not warn. The site's toc lists them, and
    tests/test_structure.py checks that every page is in it."""
    if app.env.docname.startswith("notebooks/"):
        app.env.metadata[app.env.docname]["orphan"] = True


def setup(app: Sphinx) -> dict:
    app.add_enumerable_node(exhibit, "exhibit", latex=(_latex_visit_exhibit, _latex_depart_exhibit))
    app.add_node(pending_glued_table)
    app.add_directive("glued-figure", GluedFigureDirective)
    app.add_directive("glued-table", GluedTableDirective)
    app.add_directive("codebook", CodebookDirective)
    app.add_directive("data-version", DataVersionDirective)
    app.add_post_transform(FillGluedTables)
    app.add_post_transform(WriteGluedImages)
    app.connect("config-inited", _key_execution_cache_on_inputs, priority=400)
    app.connect("config-inited", _reviewer_buttons)
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-get-outdated", _pages_pasting_from_rereads)
    app.connect("doctree-read", _notebooks_may_stand_outside_the_toc, priority=600)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
