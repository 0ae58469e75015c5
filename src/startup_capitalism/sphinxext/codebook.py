"""`{codebook} RESOURCE`: the columns of a data package resource, as a numbered table."""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..book import Book
from .table_nodes import numbered_table, table_body


class CodebookDirective(SphinxDirective):
    """``{codebook} RESOURCE``: the columns of one data package resource, as a numbered table."""

    required_arguments = 1
    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        datapackage = Book(Path(self.env.srcdir)).datapackage
        self.env.note_dependency(str(datapackage))
        resources = json.loads(datapackage.read_text(encoding="utf-8"))["resources"]
        resource = next((found for found in resources if found["name"] == self.arguments[0]), None)
        if resource is None:
            raise self.error(f"{datapackage}: no resource named {self.arguments[0]!r}")
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


def setup(app) -> dict:
    app.add_directive("codebook", CodebookDirective)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }  # a directive; Sphinx merges its dependencies
