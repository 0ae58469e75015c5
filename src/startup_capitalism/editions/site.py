"""The published site: the latest edition at the root, every edition under `editions/X.Y/`.

    python -m startup_capitalism publish OUT [--current _build/html]

Each released edition (editions.yml) comes from its archive, `_build/editions/startup-capitalism-
X.Y.zip` (its `site/`), or, when the archive is missing, from a cold build of its tag, archived
for the next time (the Pages workflow keeps the archives in its cache). The current build
(`--current`, the tree's `_build/html`) is used for the edition it is when it is the release
commit; a draft is published under `draft/`. Then each page's switcher and banner are rendered
again with every edition known (`header.links`): an old edition's pages get the banner to the
latest, and links that fit where the page is served (the root, `editions/X.Y/`, `draft/`). The
rest of each edition's bytes are those of its archive. `editions/index.html` lists them all.
"""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from . import header, record, release
from .record import Edition

PREFIX = "site/"


def extract_site(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            if name.startswith(PREFIX) and not name.endswith("/"):
                path = target / name[len(PREFIX) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(opened.read(name))


def archive_from_tag(root: Path, edition: Edition, archive: Path) -> None:
    """A cold build of the edition's tag, archived as the release did."""
    with tempfile.TemporaryDirectory(prefix=f"edition-{edition.version}-") as scratch:
        tree = Path(scratch) / "book"
        release.git(root, "clone", "--quiet", "--no-local", "--no-checkout", str(root), str(tree))
        release.git(tree, "checkout", "--quiet", edition.tag)
        release.cold_build(tree)
        archive.parent.mkdir(parents=True, exist_ok=True)
        epoch = int(release.git(tree, "log", "-1", "--format=%ct"))
        release.make_archive(tree, archive, epoch)
    if edition.sha256.get("archive") and release.digest(archive) != edition.sha256["archive"]:
        print(f"site: note: the rebuild of {edition.tag} differs from the released archive", file=sys.stderr)


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def relink(site: Path, shown: Edition | None, editions: list[Edition], pages_of: dict, above: str) -> None:
    """Every page's switcher and banner rendered again; `above` is the way from the placed site's
    root to the published root ("../../" under editions/X.Y/)."""
    latest = editions[-1] if editions else None
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if header.LINKS_START not in text:
            continue
        pagename = path.relative_to(site).with_suffix("").as_posix()
        to_root = "../" * pagename.count("/") + above
        links = header.links(pagename, shown, editions, pages_of, to_root, latest)
        path.write_text(header.replace_links(text, links), encoding="utf-8")


def index_page(editions: list[Edition]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(header.edition_path(e.version))}index.html">Edition {e.version}</a>, '
        f"{e.date}{' (latest)' if e is editions[-1] else ''}</li>"
        for e in reversed(editions)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Editions</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
        '<h1>Editions</h1><p><a href="../index.html">The latest edition</a></p>'
        f"<ul>{items}</ul></body></html>\n"
    )


def assemble(
    book_root: Path, out: Path, current_site: Path | None = None, archives: Path | None = None
) -> Path:
    root = Path(book_root).resolve()
    archives = archives or root / "_build" / "editions"
    state = record.state(root)
    editions = list(state.editions)
    if not editions:
        raise record.EditionError(
            "site: no edition released yet (editions.yml): run make edition VERSION=X.Y"
        )
    staging = out.with_name(out.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    sites = {}
    for edition in editions:
        target = staging / header.edition_path(edition.version)
        if state.current is not None and edition.version == state.current.version and current_site:
            shutil.copytree(current_site, target)
        else:
            archive = archives / release.ARCHIVE.format(version=edition.version)
            if not archive.is_file():
                print(
                    f"site: no archive of edition {edition.version}: building its tag {edition.tag}",
                    flush=True,
                )
                archive_from_tag(root, edition, archive)
            extract_site(archive, target)
        sites[edition.version] = target
    pages_of = {version: pages(site) for version, site in sites.items()}
    for edition in editions:
        relink(sites[edition.version], edition, editions, pages_of, "../../")
    latest = editions[-1]
    at_root = out.with_name(out.name + ".root")  # relinked apart, then laid over the root
    shutil.rmtree(at_root, ignore_errors=True)
    shutil.copytree(sites[latest.version], at_root)
    relink(at_root, latest, editions, pages_of, "")
    shutil.copytree(at_root, staging, dirs_exist_ok=True)
    shutil.rmtree(at_root)
    if state.current is None and current_site:
        shutil.copytree(current_site, staging / "draft")
        relink(staging / "draft", None, editions, pages_of, "../")
    (staging / "editions" / "index.html").write_text(index_page(editions), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out


def publish(book, out: Path, current: Path | None) -> int:
    """`python -m startup_capitalism publish OUT [--current _build/html]`: the exit code."""
    try:
        out = assemble(book.root, out, current)
    except record.EditionError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"site: {out} (the latest edition at the root, every edition under editions/X.Y/)")
    return 0
