"""The edition's exhibits: charts it adds, numbered in a series of their own (not the authors' figures)."""

from __future__ import annotations

from docutils import nodes


class exhibit(nodes.figure):  # noqa: N801 (docutils names node classes in lower case)
    """A chart this edition adds. Rendered as a figure, numbered in the "exhibit" series."""


def _latex_visit_exhibit(translator, node: exhibit) -> None:
    """Typeset an exhibit as a float of its own (`sphinxexhibit`, defined in the LaTeX preamble),
    so exhibits never take figure numbers from the authors' Figure N.1."""
    translator.visit_figure(node)
    for index in range(len(translator.body) - 1, max(len(translator.body) - 4, -1), -1):
        if r"\begin{figure}" in translator.body[index]:
            translator.body[index] = translator.body[index].replace(
                r"\begin{figure}", r"\begin{sphinxexhibit}"
            )
            translator.context[-1] = translator.context[-1].replace(r"\end{figure}", r"\end{sphinxexhibit}")
            break


def _latex_depart_exhibit(translator, node: exhibit) -> None:
    translator.depart_figure(node)


def setup(app) -> dict:
    app.add_enumerable_node(exhibit, "exhibit", latex=(_latex_visit_exhibit, _latex_depart_exhibit))
    return {"parallel_read_safe": True, "parallel_write_safe": True}  # a node type, no state
