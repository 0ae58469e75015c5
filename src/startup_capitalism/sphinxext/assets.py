"""Sphinx extension: the site in a reader's browser (assets, icons, page metadata, footer).

- the Vega, Vega-Lite and Vega-Embed JavaScript served from the site itself, deferred, on the
  pages that draw a chart, with the book's chart script after it;
- the theme's icons from a small generated stylesheet (SVG masks of the icons the pages use)
  instead of its 1.5 MB `fontawesome.js`; page assets a page does not use are left out;
- one viewport tag and one title per page, a meta description and OpenGraph tags from the
  page's own text, and a footer without the theme's "By <author>" line.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

PACKAGE = Path(__file__).parents[1]
SITE_ASSETS = ("startup-charts.css", "startup-charts.js", "startup-site.js")
ICON_STYLESHEET = "startup-icons.css"
# icons the theme's scripts switch to at run time, which no page's HTML names
ICONS_SET_BY_SCRIPTS = ("compress",)
DESCRIPTION_LENGTH = 160
VIEWPORT_TAG = re.compile(r'<meta name="viewport"[^>]*>\s*')
# the front page's heading is the book's title: the template would say it twice
REPEATED_TITLE = re.compile(r"<title>(.+?) &#8212; \1</title>")
FONTAWESOME_SCRIPT = re.compile(r'<script[^>]*src="[^"]*scripts/fontawesome\.js[^"]*"[^>]*></script>\s*')
ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
# the theme loads the search index on every page for its search box: deferred, it no longer holds
# up the page's first paint (it is run in the same order, before the search box can be opened)
SEARCH_SCRIPT = re.compile(r'<script src="([^"]*(?:searchtools|language_data|searchindex)\.js)"></script>')
# markup the HTML standard does not allow (the Nu HTML Checker's errors): pandas' `<style scoped>`
# in notebook outputs, `rx` on an SVG group in itables' loading logo
NOT_HTML = ((re.compile(r"<style scoped>"), "<style>"), (re.compile(r'(<g\b[^>]*?) rx="[^"]*"'), r"\1"))
# the themes' Jinja fragments, copied into _static unrendered: not pages, so not published
THEME_FRAGMENTS = ("webpack-macros.html", "sbt-webpack-macros.html")
# an icon in the theme's fontawesome.js: name: [width, height, [aliases], "unicode", "path"]
ICON_DEFINITION = r'(?<![\w-])(?:"{name}"|{name}):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","(M[^"]+)"\]'
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
    import vl_convert

    from ..rendering import VEGALITE_VERSION, vega_bundle_javascript

    static_dir = _generated_static(app)
    static_dir.mkdir(parents=True, exist_ok=True)
    bundle = static_dir / "vega-offline.js"
    # making the bundle takes vl-convert 1.5 s: a rebuild reuses it while the versions are the same
    made_by = static_dir / "vega-offline.version"
    versions = f"vl-convert {vl_convert.__version__}, Vega-Lite {VEGALITE_VERSION}"
    if not bundle.exists() or not made_by.exists() or made_by.read_text(encoding="utf-8") != versions:
        bundle.write_text("(function () {\n" + vega_bundle_javascript() + "\n})();\n", encoding="utf-8")
        made_by.write_text(versions, encoding="utf-8")
    for asset in SITE_ASSETS:
        shutil.copy2(PACKAGE / asset, static_dir / asset)
    app.config.html_static_path.append(str(static_dir))
    app.add_css_file("startup-charts.css")
    app.add_css_file(ICON_STYLESHEET)
    app.add_js_file("startup-site.js", loading_method="defer")


def _load_vega_where_charts_are(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Only pages that draw a chart load the 0.9 MB bundle; deferred, so it does not hold up the
    page's first paint, and the chart script (also deferred, so run after it) draws the charts."""
    if "startup-chart" in context.get("body", ""):
        app.add_js_file("vega-offline.js", priority=200, loading_method="defer")
        app.add_js_file("startup-charts.js", priority=201, loading_method="defer")


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


def page_description(doctree: nodes.document | None) -> str:
    """The page's first paragraph of text, cut at a word before DESCRIPTION_LENGTH characters."""
    if doctree is None:
        return ""
    for paragraph in doctree.findall(nodes.paragraph):
        if any(
            isinstance(parent, (nodes.caption, nodes.legend, nodes.table, nodes.footnote))
            for parent in _ancestors(paragraph)
        ):
            continue
        text = " ".join(paragraph.astext().split())
        if len(text) >= 40:
            return _shortened(text)
    # a page of links only (a part's contents): its heading and what it lists
    title = doctree.next_node(nodes.title)
    items = [" ".join(item.astext().split()) for item in doctree.findall(nodes.list_item)]
    if title is not None and items:
        return _shortened(f"{title.astext()}: " + ", ".join(items) + ".")
    return ""


def _shortened(text: str) -> str:
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _page_metadata(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """A description and OpenGraph tags from the page's text."""
    from html import escape

    book_title = context.get("docstitle") or app.config.project
    title = re.sub(r"<[^>]+>", "", context.get("title") or "") or book_title
    full_title = title if title == book_title else f"{title} — {book_title}"
    description = page_description(doctree) or book_title
    tags = [
        f'<meta name="description" content="{escape(description)}" />',
        f'<meta property="og:title" content="{escape(full_title)}" />',
        f'<meta property="og:description" content="{escape(description)}" />',
        '<meta property="og:type" content="article" />',
        f'<meta property="og:site_name" content="{escape(book_title)}" />',
    ]
    context["metatags"] = context.get("metatags", "") + "\n    ".join(tags) + "\n"


def _footer_without_author_line(app: Sphinx, config) -> None:
    """The theme prints "By <author>"; the author field names roles, not people, so the footer
    keeps the copyright line and the book's own footer text."""
    options = dict(config.html_theme_options or {})
    options["footer_content_items"] = ["copyright", "last-updated", "extra-footer"]
    config.html_theme_options = options


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
    for name in sorted(names):
        matches = list(re.finditer(ICON_DEFINITION.format(name=re.escape(name)), fontawesome_js))
        if not matches:
            continue
        # the solid set is defined after the regular one: the pages use solid icons
        width, height, path = matches[-1].groups()
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


def _finish_pages(app: Sphinx, exception) -> None:
    """Every written page: one viewport tag, one title, no icon script; then the icon stylesheet for the
    icons the pages name."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    # an incremental build does not copy a changed static file again: these always are
    generated = _generated_static(app)
    for asset in (*SITE_ASSETS, "vega-offline.js"):
        shutil.copy2(generated / asset, outdir / "_static" / asset)
    for fragment in THEME_FRAGMENTS:
        (outdir / "_static" / fragment).unlink(missing_ok=True)
    icons = set(ICONS_SET_BY_SCRIPTS)
    for page in outdir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        tags = VIEWPORT_TAG.findall(html)
        fixed = REPEATED_TITLE.sub(r"<title>\1</title>", FONTAWESOME_SCRIPT.sub("", html))
        fixed = SEARCH_SCRIPT.sub(r'<script defer="defer" src="\1"></script>', fixed)
        for pattern, replacement in NOT_HTML:
            fixed = pattern.sub(replacement, fixed)
        if len(tags) > 1:
            first = fixed.index(tags[0]) + len(tags[0])
            fixed = fixed[:first] + VIEWPORT_TAG.sub("", fixed[first:])
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")
        icons.update(ICON_CLASS.findall(fixed))
    (outdir / "_static" / ICON_STYLESHEET).write_text(
        _icon_stylesheet(icons, _theme_fontawesome_js()), encoding="utf-8"
    )


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _footer_without_author_line)
    app.connect("builder-inited", _serve_site_assets)
    app.connect("html-page-context", _drop_unused_assets)
    app.connect("html-page-context", _load_vega_where_charts_are)
    app.connect("html-page-context", _page_metadata)
    app.connect("build-finished", _finish_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
