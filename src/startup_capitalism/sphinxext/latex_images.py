"""The PNG of every chart pasted from a notebook, written where the LaTeX builder looks for it."""

from __future__ import annotations

import hashlib
import re
from binascii import a2b_base64
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

GLUED_PNG = re.compile(r"[0-9a-f]{64}\.png")


class WriteGluedImages(SphinxPostTransform):
    """Write the PNG of each chart pasted from a notebook where the LaTeX builder looks for it.

    myst-nb points a pasted image at `<outdir>/<sha256>.png` but only writes that file for
    notebooks that are themselves part of the document; the PDF leaves the notebooks out.
    Runs just before myst-nb replaces the pending references (priority 5).
    """

    default_priority = 4
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        # imported here, not when the extension loads (see glued.py)
        from myst_nb.ext.glue.crossref import read_glue_cache
        from myst_nb.ext.glue.utils import PendingGlueReference

        cache_folder = self.env.mystnb_config.output_folder
        for pending in self.document.findall(PendingGlueReference):
            glued = read_glue_cache(cache_folder, pending.refdoc).get(pending.key, {})
            png = glued.get("data", {}).get("image/png")
            if not png:
                continue
            data = a2b_base64(png)
            target = (
                Path(self.app.builder.outdir)
                / self.app.builder.imagedir
                / f"{hashlib.sha256(data).hexdigest()}.png"
            )
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)


class PointGluedImagesAtTheirFiles(SphinxPostTransform):
    """Point each pasted chart's image at the PNG written above, beside every .tex file.

    myst-nb makes the path relative to the document being written: right for the book (its root
    page is at the top level) but `../../<sha256>.png` in a chapter's PDF, whose document starts
    at `chapters/NN-slug/index`. Every .tex file sits in the LaTeX output folder. Runs after
    myst-nb replaced the pending references (priority 5).
    """

    default_priority = 6
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        folder = Path(self.app.builder.outdir) / self.app.builder.imagedir
        for image in self.document.findall(nodes.image):
            name = PurePosixPath(image["uri"]).name
            if GLUED_PNG.fullmatch(name) and (folder / name).is_file():
                image["uri"] = str(PurePosixPath(self.app.builder.imagedir or ".") / name)
                image["candidates"] = {"*": image["uri"]}


def setup(app) -> None:
    app.add_post_transform(WriteGluedImages)
    app.add_post_transform(PointGluedImagesAtTheirFiles)
