"""`{codebook} RESOURCE`: the columns of a data package resource, as a numbered table."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import paths
from .table_nodes import numbered_table, table_body


class CodebookDirective(SphinxDirective):
    """``{codebook} RESOURCE``: the columns of one data package resource, as a numbered table."""

    required_arguments = 1
    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        from ..evidence import resource_descriptor

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
                rules.append(
                    "one of: " + "; ".join(str(value) for value in constraints["enum"])
                )  # chapter numbers are integers
            for key, word in (
                ("minimum", "at least"),
                ("maximum", "at most"),
                ("maxLength", "at most characters:"),
                ("pattern", "pattern"),
            ):
                if key in constraints:
                    rules.append(f"{word} {constraints[key]}")
            for key in resource["schema"].get("foreignKeys", []):
                if key["fields"] == [field["name"]]:
                    other = key["reference"]["resource"] or self.arguments[0]
                    rules.append(f"an {key['reference']['fields'][0]} of the {other} table")
            rows.append([field["name"], field["type"], field["description"], "; ".join(rules) or "optional"])
        caption = " ".join(self.content) or f"The columns of {resource['path']}."
        table = numbered_table(
            nodes.title(caption, caption),
            table_body(["Column", "Type", "Meaning", "Allowed values"], rows, [14, 8, 50, 28]),
            classes=["codebook"],
        )
        self.set_source_info(table)
        if "name" in self.options:
            self.add_name(table)
        return [table]


def setup(app) -> None:
    app.add_directive("codebook", CodebookDirective)
