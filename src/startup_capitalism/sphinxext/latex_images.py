"""The PNG of every chart pasted from a notebook, written where the LaTeX and EPUB builders look
for it, with the text alternative the site gives the chart."""

from __future__ import annotations

import hashlib
import html
import re
from binascii import a2b_base64
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.osutil import relative_uri

GLUED_PNG = re.compile(r"[0-9a-f]{64}\.png")
# the chart's description, as the site's chart block gives it to screen readers (rendering.py)
SITE_LABEL = re.compile(r'class="startup-chart"[^>]*\baria-label="([^"]*)"')
# the builders that print a chart as its static image (the site draws it with Vega)
PRINT_BUILDERS = ("latex", "epub")


class PrintBuilderTransform(SphinxPostTransform):
    def is_supported(self) -> bool:
        return self.app.builder.name in PRINT_BUILDERS


def chart_alt_texts(app) -> dict[str, str]:
    """{png file name: the site's description of the chart}, filled as the pages are written."""
    if not hasattr(app.builder, "startup_chart_alts"):
        app.builder.startup_chart_alts = {}
    return app.builder.startup_chart_alts


class WriteGluedImages(PrintBuilderTransform):
    """Write the PNG of each chart pasted from a notebook where the builder looks for it.

    myst-nb points a pasted image at `<outdir>/<sha256>.png` but only writes that file for
    notebooks that are themselves part of the document; the PDF and the EPUB leave the notebooks
    out. Runs just before myst-nb replaces the pending references (priority 5).
    """

    default_priority = 4

    def run(self, **kwargs) -> None:
        # imported here, not when the extension loads (see glued.py)
        from myst_nb.ext.glue.crossref import read_glue_cache
        from myst_nb.ext.glue.utils import PendingGlueReference

        cache_folder = self.env.mystnb_config.output_folder
        for pending in self.document.findall(PendingGlueReference):
            glued = read_glue_cache(cache_folder, pending.refdoc).get(pending.key, {}).get("data", {})
            png = glued.get("image/png")
            if not png:
                continue
            data = a2b_base64(png)
            name = f"{hashlib.sha256(data).hexdigest()}.png"
            label = SITE_LABEL.search(glued.get("text/html", ""))
            if label:
                chart_alt_texts(self.app)[name] = html.unescape(label.group(1))
            target = Path(self.app.builder.outdir) / self.app.builder.imagedir / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)


class PointGluedImagesAtTheirFiles(PrintBuilderTransform):
    """Point each pasted chart's image at the PNG written above, and give it the site's text
    alternative.

    myst-nb makes the path relative to the document being written: right for the book (its root
    page is at the top level) but `../../<sha256>.png` in a chapter's PDF, whose document starts
    at `chapters/NN-slug/index`. Every .tex file sits in the LaTeX output folder; an EPUB page
    links the image relative to itself. Runs after myst-nb replaced the pending references
    (priority 5).
    """

    default_priority = 6

    def run(self, **kwargs) -> None:
        builder = self.app.builder
        folder = Path(builder.outdir) / builder.imagedir
        alts = chart_alt_texts(self.app)
        for image in self.document.findall(nodes.image):
            name = PurePosixPath(image["uri"]).name
            if not (GLUED_PNG.fullmatch(name) and (folder / name).is_file()):
                continue
            in_images = str(PurePosixPath(builder.imagedir or ".") / name)
            if builder.name == "latex":
                image["uri"] = in_images
            else:
                image["uri"] = relative_uri(builder.get_target_uri(self.env.docname), in_images)
            image["candidates"] = {"*": image["uri"]}
            if name in alts:
                image["alt"] = alts[name]


def setup(app) -> dict:
    app.add_post_transform(WriteGluedImages)
    app.add_post_transform(PointGluedImagesAtTheirFiles)
    # post-transforms run in the main process, where every page is resolved before it is written
    # (also with -j), so the alt texts noted on the builder are all there; the LaTeX builder
    # writes serially
    return {"parallel_read_safe": True, "parallel_write_safe": True}
