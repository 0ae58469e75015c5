"""The site's own assets: the Vega bundle served from the site, loaded only where charts are, and
no sphinx-thebe."""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx


def _serve_vega_from_site(app: Sphinx) -> None:
    """Write the Vega/Vega-Lite/Vega-Embed bundle into the site's static files and load it.

    The bundle defines top-level names (such as `_`) that clash with Sphinx's own globals, so it
    is wrapped in a function scope; it publishes `window.vegaEmbed` itself.
    """
    if app.builder.format != "html":
        return
    import vl_convert

    from ..rendering import VEGALITE_VERSION, vega_bundle_javascript

    static_dir = Path(app.outdir).parent / ".generated_static"
    static_dir.mkdir(parents=True, exist_ok=True)
    bundle = static_dir / "vega-offline.js"
    # making the bundle takes vl-convert 1.5 s: a rebuild reuses it while the versions are the same
    made_by = static_dir / "vega-offline.version"
    versions = f"vl-convert {vl_convert.__version__}, Vega-Lite {VEGALITE_VERSION}"
    if not bundle.exists() or not made_by.exists() or made_by.read_text(encoding="utf-8") != versions:
        bundle.write_text("(function () {\n" + vega_bundle_javascript() + "\n})();\n", encoding="utf-8")
        made_by.write_text(versions, encoding="utf-8")
    app.config.html_static_path.append(str(static_dir))
    app.add_css_file("startup-charts.css")
    shutil.copy2(Path(__file__).parents[1] / "startup-charts.css", static_dir / "startup-charts.css")


def _load_vega_where_charts_are(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Only pages that draw a chart load the 0.9 MB bundle (before the charts' inline scripts)."""
    if "startup-chart" in context.get("body", ""):
        app.add_js_file("vega-offline.js", priority=200)


def _drop_thebe_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """jupyter-book always loads sphinx-thebe, which this book does not use.

    Its inline script is added twice (a console error: `THEBE_JS_URL` already declared) and names
    a CDN; the pages are better without it.
    """
    def is_thebe(asset) -> bool:
        filename = str(getattr(asset, "filename", asset) or "")
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        return "thebe" in filename or "THEBE_JS_URL" in body

    for key in ("script_files", "css_files"):
        if key in context:
            # in place: the list is the builder's own, which `app.add_js_file` extends per page
            context[key][:] = [asset for asset in context[key] if not is_thebe(asset)]


def setup(app) -> None:
    app.connect("builder-inited", _serve_vega_from_site)
    app.connect("html-page-context", _drop_thebe_assets)
    app.connect("html-page-context", _load_vega_where_charts_are)
