"""Sphinx extension: the site in a reader's browser (assets, icons, the theme's head).

- the Vega, Vega-Lite and Vega-Embed JavaScript served from the site itself, on the pages that
  draw a chart: the book's chart script (deferred) loads it once the page has been painted;
- the theme's icons from a small generated stylesheet (SVG masks of the icons the pages use)
  instead of its 1.5 MB `fontawesome.js`; page assets a page does not use are left out;
- one viewport tag, the search scripts deferred (templates/layout.html) and one title per page;
  HTML that other extensions write and the standard or a screen reader rejects, fixed where it is
  made (a post-transform, myst-nb's hidden-cell node).
No built page is rewritten. The pages' description and OpenGraph tags are sphinxext-opengraph's and
the footer is the theme's, both set in _config.yml; `ogp_site_url` follows `html: baseurl:`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .. import paths

PACKAGE = paths.PACKAGE
SITE_ASSETS = ("startup-charts.css", "startup-charts.js", "startup-site.js")
ICON_STYLESHEET = "startup-icons.css"
# icons the theme's scripts switch to at run time, which no page's HTML names
ICONS_SET_BY_SCRIPTS = ("compress",)
# the theme's `<script>` of its 1.5 MB icon font script, named with its digest in the theme's macro
# (`head_js_preload`); the icons come from startup-icons.css instead
FONTAWESOME_SCRIPT = re.compile(r'<script[^>]*src="[^"]*scripts/fontawesome\.js[^"]*"[^>]*></script>\s*')
DOCUTILS_VIEWPORT_TAG = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
# the templates overriding the theme's (layout.html: its head)
TEMPLATES = Path(__file__).parent / "templates"
# the themes' Jinja fragments, copied into _static unrendered: not pages, so not published
THEME_FRAGMENTS = ("webpack-macros.html", "sbt-webpack-macros.html")
# an icon in the theme's fontawesome.js: name: [width, height, [aliases], "unicode", "path"]
ICON_DEFINITIONS = re.compile(r'(?<![\w-])"?([a-z0-9-]+)"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","(M[^"]+)"\]')
# page assets that only pages using them need (checked against the page's HTML body)
ASSETS_NEEDED_BY = {
    "sphinx-design": 'class="sd-',
    "design-tabs": 'class="sd-',
    "togglebutton": "toggle",
    "copybutton": 'class="highlight',
    "clipboard": 'class="highlight',
}


def _generated_static(app: Sphinx) -> Path:
    return Path(app.outdir).parent / ".generated_static"


def _serve_site_assets(app: Sphinx) -> None:
    """Write the Vega bundle and the book's own CSS/JS into the site's static files.

    The bundle defines top-level names (such as `_`) that clash with Sphinx's own globals, so it
    is wrapped in a function scope; it publishes `window.vegaEmbed` itself.
    """
    if app.builder.format != "html":
        return
    from importlib.metadata import version

    static_dir = _generated_static(app)
    static_dir.mkdir(parents=True, exist_ok=True)
    bundle = static_dir / "vega-offline.js"
    # making the bundle takes vl-convert 1.5 s, and importing Altair to ask its Vega-Lite version
    # 0.7 s: a rebuild reuses it while the packages are the same (read from their metadata)
    made_by = _generated_static(app).parent / "vega-offline.version"
    versions = f"vl-convert-python {version('vl-convert-python')}, altair {version('altair')}"
    if not bundle.exists() or not made_by.exists() or made_by.read_text(encoding="utf-8") != versions:
        from ..figures.rendering import vega_bundle_javascript

        bundle.write_text("(function () {\n" + vega_bundle_javascript() + "\n})();\n", encoding="utf-8")
        made_by.write_text(versions, encoding="utf-8")
    for asset in SITE_ASSETS:
        shutil.copy2(PACKAGE / asset, static_dir / asset)
    app.config.html_static_path.append(str(static_dir))
    app.add_css_file("startup-charts.css")
    app.add_css_file(ICON_STYLESHEET)
    app.add_js_file("startup-site.js", loading_method="defer")


def _load_vega_where_charts_are(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Only pages that draw a chart load the 0.9 MB bundle, and only once the page has been painted:
    the chart script (deferred) loads the bundle named in its `data-vega` after the first frame,
    then draws. Loaded `defer` itself, the bundle ran before the first paint on some loads, and
    Lighthouse's mobile LCP (the first paragraph) then counted its download on a slow link."""
    if "startup-chart" in context.get("body", ""):
        bundle = context["pathto"]("_static/vega-offline.js", 1)
        app.add_js_file("startup-charts.js", priority=201, loading_method="defer", **{"data-vega": bundle})


def _asset_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _drop_unused_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Leave out sphinx-thebe (unused by this book; its inline script is added twice, a console
    error, and names a CDN) and the assets of extensions the page does not use."""
    body = context.get("body", "")

    def keep(asset) -> bool:
        name = _asset_name(asset)
        if "thebe" in name or "THEBE_JS_URL" in str(getattr(asset, "attributes", {}).get("body", "")):
            return False
        return all(marker in body for key, marker in ASSETS_NEEDED_BY.items() if key in name)

    for key in ("script_files", "css_files"):
        if key in context:
            # in place: the list is the builder's own, which `app.add_js_file` extends per page
            context[key][:] = [asset for asset in context[key] if keep(asset)]


def _ogp_site_url_from_baseurl(app: Sphinx, config) -> None:
    """sphinxext-opengraph's `ogp_site_url` is the site's public address, `html: baseurl:` in
    _config.yml, unless _config.yml sets it itself (`sphinx: config: ogp_site_url:`). A book
    that does not load sphinxext-opengraph (a test's fixture book) has no such value."""
    if "ogp_site_url" in config and not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl


def _site_name_is_the_books_title(app: Sphinx, config) -> None:
    """og:site_name is sphinxext-opengraph's `ogp_site_name`, by default Sphinx's `project`, which
    jupyter-book leaves unset (it sets the title as `html_title`): the book's title, unless
    _config.yml sets `ogp_site_name` itself."""
    if "ogp_site_name" in config and config.ogp_site_name is None and config.html_title:
        config.ogp_site_name = config.html_title


def _one_viewport_tag(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """docutils' HTML5 writer puts a viewport tag in the page's `metatags`, beside the one of
    Sphinx's layout: the layout's is kept. (A template cannot reach into `metatags`.)"""
    context["metatags"] = context.get("metatags", "").replace(DOCUTILS_VIEWPORT_TAG, "")


def _icon_stylesheet(names: set[str], fontawesome_js: str) -> str:
    """CSS that draws each named Font Awesome icon as an SVG mask in the text colour."""
    rules = [
        "/* Generated from the theme's fontawesome.js: only the icons the pages use. */",
        ":where(.fa-solid, .fa-regular, .fa-brands, .fas, .far, .fab) { display: inline-block;"
        " height: 1em; width: 1em; vertical-align: -0.125em; background-color: currentColor;"
        " -webkit-mask: var(--startup-icon) no-repeat center / contain;"
        " mask: var(--startup-icon) no-repeat center / contain; }",
        ":is(.fa-solid, .fa-regular, .fa-brands, .fas, .far, .fab)::before { content: none !important; }",
        ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }",
    ]
    # one pass over the 1.5 MB script; the solid set is defined after the regular one, and the
    # pages use solid icons, so a later definition of a name replaces an earlier one
    defined = {match[1]: match.groups()[1:] for match in ICON_DEFINITIONS.finditer(fontawesome_js)}
    for name in sorted(names):
        if name not in defined:
            continue
        width, height, path = defined[name]
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><path d="{path}"/></svg>'
        )
        url = "data:image/svg+xml," + urllib.parse.quote(svg, safe=" =:/,.-")
        rules.append(
            f'.fa-{name} {{ --startup-icon: url("{url}"); width: {int(width) / int(height):.4g}em; }}'
        )
    return "\n".join(rules) + "\n"


def _theme_fontawesome_js() -> str:
    import pydata_sphinx_theme

    script = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "scripts"
        / "fontawesome.js"
    )
    return script.read_text(encoding="utf-8")


def _templates(app: Sphinx, config) -> None:
    """The book's layout.html (the theme's head with one viewport tag, the search scripts deferred
    and no icon font script), after any templates folder _config.yml names, so that one wins.
    Relative to the book's folder: `templates_path` is hashed into the site's `.buildinfo`, and an
    absolute path made a cold build in a scratch clone differ from this tree's."""
    config.templates_path = [*config.templates_path, os.path.relpath(TEMPLATES, app.confdir)]


def _without_icon_script(html: str):
    from markupsafe import Markup

    return Markup(FONTAWESOME_SCRIPT.sub("", str(html)))


def _note_icons_as_pages_are_rendered(app: Sphinx) -> None:
    """The icons each page names, noted as the builder renders it, for the icon stylesheet.

    Icons are named by the theme's templates as well as by the page's body, so they are read from
    the rendered page; Sphinx has no event after a page is rendered, so the renderer is wrapped. It
    reads and never changes a page. Each page's icons go to a file of their own under the doctree
    folder (dropped with the environment), so pages written by parallel processes are noted too.

    Also registers the Jinja filter layout.html uses on the theme's head (below).
    """
    if app.builder.format != "html":
        return
    app.builder.templates.environment.filters["startup_without_icon_script"] = _without_icon_script
    render = app.builder.templates.render
    folder = _icons_folder(app)

    def render_noting_icons(template: str, context: dict) -> str:
        page = render(template, context)
        if "pagename" in context:
            noted = folder / f"{context['pagename']}.json"
            noted.parent.mkdir(parents=True, exist_ok=True)
            noted.write_text(json.dumps(sorted(set(ICON_CLASS.findall(page)))), encoding="utf-8")
        return page

    app.builder.templates.render = render_noting_icons


def _no_icon_stylesheet_while_pages_are_written(app: Sphinx, builder) -> None:
    if builder.format == "html":
        (Path(builder.outdir) / "_static" / ICON_STYLESHEET).unlink(missing_ok=True)


def _icons_folder(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "startup-icons"  # dropped with the environment


def _forget_icons_of(app: Sphinx, env, docname: str) -> None:
    """A page removed from the book (or about to be read again, then written again) names no icon."""
    (_icons_folder(app) / f"{docname}.json").unlink(missing_ok=True)


def _write_icon_stylesheet(app: Sphinx, exception) -> None:
    """The icon stylesheet for the icons the site's pages name: those noted for every page of the
    site, by this build or (for the pages it did not write) an earlier one.

    It is removed before pages are written (`write-started`): Sphinx links a stylesheet with
    `?v=<checksum>` only when the file exists while the page is written, and a cold build has none
    then. Every build writes its pages without the stylesheet present, so an incremental build's
    pages are those of a cold build."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    # an incremental build does not copy a changed static file again: these always are
    generated = _generated_static(app)
    for asset in (*SITE_ASSETS, "vega-offline.js"):
        shutil.copy2(generated / asset, outdir / "_static" / asset)
    for fragment in THEME_FRAGMENTS:
        (outdir / "_static" / fragment).unlink(missing_ok=True)
    folder = _icons_folder(app)
    icons = set(ICONS_SET_BY_SCRIPTS)
    for noted in sorted(folder.rglob("*.json")) if folder.is_dir() else []:
        icons.update(json.loads(noted.read_text(encoding="utf-8")))
    stylesheet = outdir / "_static" / ICON_STYLESHEET
    text = _icon_stylesheet(icons, _theme_fontawesome_js())
    if not stylesheet.is_file() or stylesheet.read_text(encoding="utf-8") != text:
        stylesheet.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Markup of other extensions, fixed where it is made


class HtmlOutputsWithoutScopedStyle(SphinxPostTransform):
    """pandas writes `<style scoped>` in a table's HTML output, which the HTML standard does not
    allow (a Nu HTML Checker error): the notebook output's raw HTML without `scoped`."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" in raw.get("format", "").split() and "<style scoped>" in raw.astext():
                text = raw.astext().replace("<style scoped>", "<style>")
                raw.replace_self(nodes.raw(raw.rawsource, text, **raw.attributes))


def _visit_hidden_cell(translator, node) -> None:
    """myst-nb's summary of a hidden cell ("Show code cell source"), named by its visible words:
    myst-nb's aria-label hides them from screen readers (axe: label-content-name-mismatch) and its
    `<p>`s may not stand in a `<summary>` (Nu); `<span>`s instead (startup-charts.css shows one at a
    time)."""
    from html import escape

    classes = " ".join(node["classes"])
    translator.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        translator.body.append(f'<span class="{state} admonition-title">{escape(prompt)}</span>\n')
    translator.body.append("</summary>\n")


def setup(app: Sphinx) -> dict:
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.setup_extension("myst_nb")  # first, so that the hidden cell's HTML below replaces myst-nb's
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_cell, depart_HideCellInput))
    app.add_post_transform(HtmlOutputsWithoutScopedStyle)
    app.connect("config-inited", _ogp_site_url_from_baseurl)
    app.connect("config-inited", _templates)
    app.connect("builder-inited", _serve_site_assets)
    app.connect("html-page-context", _drop_unused_assets)
    app.connect("html-page-context", _load_vega_where_charts_are)
    app.connect("html-page-context", _one_viewport_tag)
    app.connect("config-inited", _site_name_is_the_books_title)
    app.connect("builder-inited", _note_icons_as_pages_are_rendered)
    app.connect("write-started", _no_icon_stylesheet_while_pages_are_written)
    app.connect("build-finished", _write_icon_stylesheet)
    app.connect("env-purge-doc", _forget_icons_of)
    # nothing stored on the environment; each page's icons are a file of its own, so a page written
    # in another process is noted too
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
