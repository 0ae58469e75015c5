"""`{data-version}`: the data files' row counts and SHA-256 fingerprints."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..book import Book


class DataVersionDirective(SphinxDirective):
    """``{data-version}``: the data files' row counts, and their SHA-256 in `sha256sum` format, so a
    reader can cite the version and check a download with `sha256sum -c`."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        book = Book(Path(self.env.srcdir))
        counts, sums = [], []
        for path in sorted(book.data_dir.glob("*.csv")) + [book.datapackage]:
            self.env.note_dependency(str(path))
            data = path.read_bytes()
            if path.suffix == ".csv":
                records = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1
                counts.append(f"{path.name} has {records:,} rows")
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {path.name}")
        version = json.loads(book.datapackage.read_text(encoding="utf-8"))["version"]
        summary = (
            f"This build's data, data package version {version}: "
            + "; ".join(counts)
            + ". Their SHA-256 fingerprints:"
        )
        block = nodes.literal_block("\n".join(sums), "\n".join(sums), classes=["data-version"])
        block["language"] = "none"
        return [nodes.paragraph(summary, summary), block]


def setup(app) -> dict:
    app.add_directive("data-version", DataVersionDirective)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }  # a directive; Sphinx merges its dependencies
