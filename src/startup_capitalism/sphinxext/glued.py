"""`{glued-figure}` and `{glued-table}`: a chart or table glued in a notebook, pasted into a page
as a numbered, captioned figure, exhibit or table (myst-nb's `{glue:figure}` has no `:doc:`)."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .exhibit import exhibit
from .table_nodes import numbered_table, table_body

LOGGER = logging.getLogger(__name__)


class pending_glued_table(nodes.Element):  # noqa: N801
    """Placeholder inside a table node, filled from the notebook's glue cache after reading."""


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
        # myst-nb's glue and render modules (and jupyter-cache's database under them) are imported
        # when a page pastes something, not when the extension loads: a rebuild that reads
        # nothing never needs them
        from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref

        self.glued_from()
        try:
            source, line = self.get_source_info()
            pending = create_pending_glue_ref(
                self.state.document, source, line, self.options["doc"], self.arguments[0]
            )
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


class FillGluedTables(SphinxPostTransform):
    """Replace each pending table body by the rows the notebook glued (after all docs are read)."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        pendings = list(self.document.findall(pending_glued_table))
        if not pendings:
            return
        from myst_nb.ext.glue.crossref import read_glue_cache

        from ..figures.tables import TABLE_MIME  # pandas, imported only by a page that pastes a table

        cache_folder = self.env.mystnb_config.output_folder
        for pending in pendings:
            glued = read_glue_cache(cache_folder, pending["refdoc"]).get(pending["key"])
            table_data = (glued or {}).get("data", {}).get(TABLE_MIME)
            if table_data is None:
                LOGGER.warning(
                    "glued-table: no table %r glued in %r [startup.glue]",
                    pending["key"],
                    pending["refdoc"],
                    location=pending,
                    type="startup",
                    subtype="glue",
                )
                pending.parent.remove(pending)
                continue
            group = table_body(table_data["columns"], table_data["rows"], table_data["widths"])
            if table_data.get("row_ids") is not None and self.app.builder.format == "html":
                self._link_row_ids(group, table_data["row_ids"])
            pending.replace_self(group)

    def _link_row_ids(self, group: nodes.tgroup, column: int) -> None:
        """Each evidence row id links to its row in the evidence explorer (HTML only)."""
        from ..evidence.explorer import PAGE, ROW_ANCHOR

        if PAGE not in self.env.found_docs:
            return
        to_explorer = self.app.builder.get_relative_uri(self.env.docname, PAGE)
        for row in group.next_node(nodes.tbody).children:
            paragraph = row[column][0]
            text = paragraph.astext()
            paragraph.clear()
            paragraph += nodes.reference(
                text, text, refuri=f"{to_explorer}#{ROW_ANCHOR}{text}", internal=True
            )


def setup(app) -> dict:
    app.add_node(pending_glued_table)
    app.add_directive("glued-figure", GluedFigureDirective)
    app.add_directive("glued-table", GluedTableDirective)
    app.add_post_transform(FillGluedTables)
    # what a page pastes from (env.startup_glue_sources) is merged from parallel readers by `rereads`
    return {"parallel_read_safe": True, "parallel_write_safe": True}
