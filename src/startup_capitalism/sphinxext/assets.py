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
# markup the HTML standard does not allow (a Nu HTML Checker error): pandas' `<style scoped>` in
# notebook outputs
SCOPED_STYLE = re.compile(r"<style scoped>")
# myst-nb's summary of a hidden cell ("Show code cell source"): its aria-label hides the visible
# words from screen readers (axe: label-content-name-mismatch) and its `<p>`s may not stand in a
# `<summary>` (Nu): the visible words name it, in `<span>`s (startup-charts.css shows one at a time)
HIDDEN_CELL_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">(.*?)</summary>', re.S)
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


def _fixed_page(html: str) -> str:
    """One viewport tag, one title, no icon script, the search scripts deferred, valid HTML."""
    tags = VIEWPORT_TAG.findall(html)
    fixed = REPEATED_TITLE.sub(r"<title>\1</title>", FONTAWESOME_SCRIPT.sub("", html))
    fixed = SEARCH_SCRIPT.sub(r'<script defer="defer" src="\1"></script>', fixed)
    fixed = SCOPED_STYLE.sub("<style>", fixed)
    fixed = HIDDEN_CELL_SUMMARY.sub(
        lambda found: (
            "<summary>" + found[1].replace("<p ", "<span ").replace("</p>", "</span>") + "</summary>"
        ),
        fixed,
    )
    if len(tags) > 1:
        first = fixed.index(tags[0]) + len(tags[0])
        fixed = fixed[:first] + VIEWPORT_TAG.sub("", fixed[first:])
    return fixed


def _fix_pages_as_they_are_rendered(app: Sphinx) -> None:
    """Each page fixed as the builder renders it, and the icons it names noted.

    Sphinx has no event after a page is rendered; wrapping the builder's renderer fixes the page
    before it is written, so no build reads the written pages back (a rebuild that writes three
    pages touches three files, not the whole site).

    The icon stylesheet is written when the build finishes, from the icons of every page. It is
    removed before pages are written (`write-started`): Sphinx links a stylesheet with
    `?v=<checksum>` only when the file exists while the page is written, and a cold build has none
    then. Every build writes its pages without the stylesheet present, so an incremental build's
    pages are those of a cold build.
    """
    if app.builder.format != "html":
        return
    render = app.builder.templates.render
    app.startup_icons_by_page = {}

    def render_fixed(template: str, context: dict) -> str:
        page = _fixed_page(render(template, context))
        if "pagename" in context:
            app.startup_icons_by_page[context["pagename"]] = sorted(set(ICON_CLASS.findall(page)))
        return page

    app.builder.templates.render = render_fixed


def _no_icon_stylesheet_while_pages_are_written(app: Sphinx, builder) -> None:
    if builder.format == "html":
        (Path(builder.outdir) / "_static" / ICON_STYLESHEET).unlink(missing_ok=True)


def _icons_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "startup-icons-by-page.json"  # dropped with the environment


def _write_icon_stylesheet(app: Sphinx, exception) -> None:
    """The icon stylesheet for the icons the site's pages name: those of the pages written now,
    and those an earlier build noted for the pages it wrote that are still in the book."""
    if exception is not None or app.builder.format != "html":
        return
    import json

    outdir = Path(app.outdir)
    # an incremental build does not copy a changed static file again: these always are
    generated = _generated_static(app)
    for asset in (*SITE_ASSETS, "vega-offline.js"):
        shutil.copy2(generated / asset, outdir / "_static" / asset)
    for fragment in THEME_FRAGMENTS:
        (outdir / "_static" / fragment).unlink(missing_ok=True)
    if not app.startup_icons_by_page:
        return  # no page written: the stylesheet is the last build's, for the same pages
    noted = _icons_file(app)
    by_page = json.loads(noted.read_text(encoding="utf-8")) if noted.is_file() else {}
    by_page = {page: icons for page, icons in by_page.items() if page in app.env.all_docs}
    by_page.update(app.startup_icons_by_page)
    noted.write_text(json.dumps(by_page, sort_keys=True, indent=0), encoding="utf-8")
    icons = set(ICONS_SET_BY_SCRIPTS).union(*by_page.values())
    (outdir / "_static" / ICON_STYLESHEET).write_text(
        _icon_stylesheet(icons, _theme_fontawesome_js()), encoding="utf-8"
    )


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _footer_without_author_line)
    app.connect("builder-inited", _serve_site_assets)
    app.connect("html-page-context", _drop_unused_assets)
    app.connect("html-page-context", _load_vega_where_charts_are)
    app.connect("html-page-context", _page_metadata)
    app.connect("builder-inited", _fix_pages_as_they_are_rendered)
    app.connect("write-started", _no_icon_stylesheet_while_pages_are_written)
    app.connect("build-finished", _write_icon_stylesheet)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
