"""The edition bar at the top of every page: the edition and its date, a switcher to the same page
in the other editions (a plain list of links: no script needed), on an old edition a banner
linking the same page in the latest, and "Cite this page" (text and BibTeX).

Rendered by the build (`sphinxext`) with the editions it knows, and again by `site.assemble` for
the published layout, which knows every edition: the bar sits between two comments so that the
assembly replaces exactly it. Links between editions are relative, for the published layout
(`editions/X.Y/` under the site's root; the latest also at the root).
"""

from __future__ import annotations

import html
import re

from .record import Edition

START, END = "<!-- startup-edition-bar -->", "<!-- /startup-edition-bar -->"
LINKS_START, LINKS_END = "<!-- startup-edition-links -->", "<!-- /startup-edition-links -->"
LINKS = re.compile(re.escape(LINKS_START) + r".*?" + re.escape(LINKS_END), re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def edition_path(version: str) -> str:
    return f"editions/{version}/"


def render(
    *,
    pagename: str,
    title: str,
    shown: Edition | None,
    label: str,
    editions: list[Edition],
    pages_of: dict[str, set[str]],
    to_site_root: str,
    authors: list[str],
    book_title: str,
    base_url: str,
    latest: Edition | None,
) -> str:
    """The bar of one page. `to_site_root` is the way from the page to the published site's root
    ("../../../" for `editions/1.0/x.html`); `pages_of` the pages each edition has (an edition
    missing there is assumed to have the page)."""
    date = f", {shown.date}" if shown is not None else ""
    parts = [START, '<div class="startup-edition">']
    parts.append(f'<p class="startup-edition-label"><strong>{html.escape(label)}</strong>{date}</p>')
    parts.append(links(pagename, shown, editions, pages_of, to_site_root, latest))
    parts.append(cite(pagename, title, shown, label, authors, book_title, base_url))
    parts += ["</div>", END]
    return "\n".join(parts)


def links(pagename, shown, editions, pages_of, to_site_root, latest) -> str:
    """The switcher and, on an old edition, the banner: what `site.assemble` renders again once it
    knows every edition and where each page is served."""
    page = f"{pagename}.html"
    parts = [LINKS_START]
    if editions:
        items = []
        for edition in reversed(editions):
            target = page if page in pages_of.get(edition.version, {page}) else "index.html"
            href = f"{to_site_root}{edition_path(edition.version)}{target}"
            current = shown is not None and edition.version == shown.version
            mark = ' aria-current="page"' if current else ""
            note = "" if target == page else " (front page: this page is not in that edition)"
            items.append(
                f'<li><a class="edition-link" href="{html.escape(href)}"{mark}>Edition {edition.version}'
                f"</a>, {edition.date}{note}</li>"
            )
        parts.append(
            '<details class="startup-edition-switcher"><summary>Other editions of this page</summary>'
            f"<ul>{''.join(items)}</ul></details>"
        )
    if shown is not None and latest is not None and shown.version != latest.version:
        target = page if page in pages_of.get(latest.version, {page}) else "index.html"
        parts.append(
            f'<p class="startup-edition-banner">This is edition {shown.version}, not the latest: '
            f'<a class="edition-link" href="{html.escape(to_site_root + target)}">'
            f"read this page in edition {latest.version}</a>.</p>"
        )
    parts.append(LINKS_END)
    return "".join(parts)


def stable_url(base_url: str, version: str | None, pagename: str) -> str:
    path = (edition_path(version) if version else "") + f"{pagename}.html"
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def cite(pagename, title, shown, label, authors, book_title, base_url) -> str:
    title = html.unescape(TAG.sub("", title or pagename))
    url = stable_url(base_url, shown.version if shown else None, pagename)
    year = shown.date[:4] if shown else ""
    edition = f"edition {shown.version}" if shown else label.lower()
    who = "; ".join(authors) or "The edition's contributors"
    text = f"{who}. “{title}.” In {book_title}, {edition}" + (f", {shown.date}" if shown else "") + f". {url}"
    key = re.sub(
        r"[^a-z0-9]+", "-", f"startup-capitalism-{shown.version if shown else 'draft'}-{pagename}".lower()
    )
    bib_authors = " and ".join("{" + a + "}" for a in authors) or "The edition contributors"
    bibtex = "\n".join(
        [
            f"@incollection{{{key},",
            f"  author    = {{{bib_authors}}},",
            f"  title     = {{{title}}},",
            f"  booktitle = {{{book_title}}},",
            f"  edition   = {{{shown.version if shown else label}}},",
            *([f"  year      = {{{year}}},", f"  date      = {{{shown.date}}},"] if shown else []),
            f"  url       = {{{url}}},",
            "}",
        ]
    )
    note = (
        ""
        if base_url
        else '<p class="startup-edition-note">No site address is set (<code>html: baseurl:</code> in '
        "<code>_config.yml</code>): the address is given relative to the site's root.</p>"
    )
    return (
        '<details class="startup-edition-cite"><summary>Cite this page</summary>'
        f'<p class="startup-edition-citation">{html.escape(text)}</p>{note}'
        f'<pre class="startup-edition-bibtex">{html.escape(bibtex)}</pre></details>'
    )


def replace_links(page_html: str, new_links: str) -> str:
    """The page with its switcher and banner replaced (`site.assemble`)."""
    return LINKS.sub(lambda _: new_links, page_html, count=1)
