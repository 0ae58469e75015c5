"""The EPUB edition: Sphinx's own EPUB 3 builder, with what it lacks.

Sphinx's `epub` builder writes the pages, the navigation document and the package; this module
keeps it (riding the engine) and adds only:
- the pages of the book's table of contents and nothing else (the build also reads the evidence
  notebooks, which the chapters paste from, but the book is the PDF's table of contents);
- the package's accessibility metadata (`startup_epub_accessibility` in _config.yml), which the
  builder's template has no place for;
- an archive with the same bytes on every build: the mimetype entry first, then every entry
  sorted by name, each dated SOURCE_DATE_EPOCH (Sphinx's zip takes each file's time of writing).
Links that only the site can follow (the PDFs' and the data's downloads, pages the book leaves
out) keep their words without the link; the site's stylesheets and scripts and every file no page
uses stay out. The edition's version (the package's `ibooks:version`) is CITATION.cff's.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import time
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

# a raw node the site shows and the EPUB leaves out (a link to a file only the site has)
SITE_ONLY = "site-only"
# the earliest date a zip entry can hold
ZIP_EPOCH = 315532800  # 1980-01-01
# what a page or a stylesheet links: href="...", src="...", url(...), @import "..."
LINKED = re.compile(r"""(?:href|src)="([^"#]+)|url\(["']?([^"')]+)|@import\s+["']([^"']+)""")
CITATION = "CITATION.cff"  # at the book's root


def docs_in_toc(env, root: str) -> list[str]:
    """The root page and every page its table of contents reaches, in reading order."""
    seen: list[str] = []

    def walk(docname: str) -> None:
        if docname in seen:
            return
        seen.append(docname)
        for included in env.toctree_includes.get(docname, []):
            walk(included)

    walk(root)
    return seen


def accessibility_metadata(settings: dict) -> str:
    """`<meta property="schema:...">` lines for the package document, from the config's dict of
    property -> value or list of values."""
    lines = []
    for name, values in settings.items():
        for value in values if isinstance(values, list) else [values]:
            lines.append(f'    <meta property="schema:{name}">{html.escape(str(value))}</meta>\n')
    return "".join(lines)


def used_files(folder: Path, pages: list[str]) -> set[str]:
    """The files the pages link (stylesheets, images), and what those stylesheets link in turn."""
    used: set[str] = set()
    queue = list(pages)
    while queue:
        name = queue.pop()
        path = folder / name
        if name in used or not path.is_file():
            continue
        used.add(name)
        if path.suffix not in {".xhtml", ".css"}:
            continue
        for match in LINKED.finditer(path.read_text(encoding="utf-8", errors="replace")):
            link = next(group for group in match.groups() if group)
            if "://" not in link and not link.startswith("data:"):
                queue.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), link)))
    return used


def edition_title_and_version(app: Sphinx, config) -> None:
    """The book's title (jupyter-book sets the site's title, not Sphinx's project, which the EPUB
    takes by default) and the edition's version from CITATION.cff (EPUB 3 wants one); the same
    for every builder, so that the EPUB's settings never differ from those the pages were read with."""
    if config.html_title and "epub_title" not in config._raw_config and "epub_title" not in config.overrides:
        config.epub_title = config.html_title
    citation = Path(app.srcdir) / CITATION
    if not config.version and citation.is_file():
        found = re.search(r"^version:\s*(\S+)", citation.read_text(encoding="utf-8"), flags=re.M)
        if found:
            config.version = found.group(1).strip("\"'")


def zip_time() -> tuple[int, int, int, int, int, int]:
    seconds = max(int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0), ZIP_EPOCH)
    return time.gmtime(seconds)[:6]


def write_archive(folder: Path, names: list[str], target: Path) -> None:
    """An EPUB's zip with the same bytes for the same files: mimetype first and stored, the rest
    sorted and compressed, every entry with one date and one mode."""
    date = zip_time()
    with ZipFile(target, "w") as archive:
        for name in ["mimetype", *sorted(set(names) - {"mimetype"})]:
            entry = ZipInfo(name, date_time=date)
            entry.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            archive.writestr(entry, (folder / name).read_bytes(), compresslevel=9)


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, writing the book's pages only, with accessibility metadata and a
    reproducible archive."""

    def write(self, build_docnames, updated_docnames, method: str = "update") -> None:
        in_toc = set(docs_in_toc(self.env, self.config.root_doc))
        if build_docnames is None or list(build_docnames) == ["__all__"]:
            build_docnames = self.env.found_docs
        build = [docname for docname in build_docnames if docname in in_toc]
        updated = [docname for docname in updated_docnames if docname in in_toc]
        super().write(build, updated, method)

    def build_content(self) -> None:
        # pages the book does not hold (written by an earlier build), files no page uses
        in_toc = {docname + self.out_suffix for docname in docs_in_toc(self.env, self.config.root_doc)}
        outdir = Path(self.outdir)
        used = used_files(outdir, sorted(in_toc)) | {"nav.xhtml"}
        unused = [
            name
            for name in (path.relative_to(outdir).as_posix() for path in outdir.rglob("*") if path.is_file())
            if name not in used
        ]
        self.config.epub_exclude_files = [*self.config.epub_exclude_files, *unused]
        super().build_content()
        package = outdir / "content.opf"
        text = package.read_text(encoding="utf-8")
        metadata = accessibility_metadata(self.config.startup_epub_accessibility)
        package.write_text(text.replace("  </metadata>", metadata + "  </metadata>", 1), encoding="utf-8")

    def build_epub(self) -> None:
        names = ["META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        write_archive(Path(self.outdir), names, Path(self.outdir) / f"{self.config.epub_basename}.epub")


def drop_what_only_the_site_has(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """What only the site can follow: the PDFs' download links (files beside the site's pages),
    the data's downloads, links to pages the book leaves out (the evidence explorer, the
    notebooks), which keep their words, and scripts (the launch buttons' configuration). Runs
    when every other extension has resolved the page (the works cited add their links then)."""
    if app.builder.name != "epub":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if SITE_ONLY in raw.get("classes", []) or "<script" in raw.astext():
            raw.parent.remove(raw)
    for download in list(doctree.findall(addnodes.download_reference)):
        download.replace_self(download.children)
    in_book = set(docs_in_toc(app.env, app.config.root_doc))
    here = posixpath.dirname(docname)
    suffix = app.builder.out_suffix
    for reference in list(doctree.findall(nodes.reference)):
        target = reference.get("refuri", "").split("#", 1)[0]
        if not target.endswith(suffix) or "://" in target:
            continue
        if posixpath.normpath(posixpath.join(here, target)).removesuffix(suffix) not in in_book:
            reference.replace_self(reference.children)


def epub_stylesheets_only(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The EPUB theme's stylesheets and no script: the site's stylesheets style what the EPUB does
    not have (interactive charts, icons, notebook cells) and an EPUB page runs no script."""
    if app.builder.name != "epub":
        return
    theme = {posixpath.join("_static", name) for name in app.builder._get_style_filenames()}
    theme.add("_static/pygments.css")
    context["css_files"][:] = [css for css in context["css_files"] if css.filename in theme]
    context["script_files"][:] = []


def setup(app: Sphinx) -> dict:
    app.add_builder(BookEpubBuilder, override=True)
    app.add_config_value("startup_epub_accessibility", {}, "epub", dict)
    app.connect("config-inited", edition_title_and_version)
    app.connect("doctree-resolved", drop_what_only_the_site_has, priority=900)
    app.connect("html-page-context", epub_stylesheets_only, priority=900)
    # nothing stored on the environment; the archive is made in the main process once pages are written
    return {"parallel_read_safe": True, "parallel_write_safe": True}
