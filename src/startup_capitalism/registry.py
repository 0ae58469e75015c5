"""Where a chapter is registered besides its own folders: the two tables of contents and the data
package's allowed values. `tools/new_chapter.py` registers a new chapter through the `*_with`
functions (pure: they return the new content, so the importer can stage it and move it into
place all at once); `registration_problems` checks that the TOCs and the data package match the
chapters declared in `chapters/*/index.md`.

TOC shape (`_toc.yml`): per chapter, in order of number, a part "Chapter N Title" (the chapter's
title line) holding the chapter's opening page with its sections (back-matter pages last), then a
part "Chapter N Title: evidence notebooks"; the book's own parts ("Across the book", "Appendix") follow.
`_toc-pdf.yml`: every chapter's opening page with its sections, then the book's own pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from . import paths
from .chapters import BACK_MATTER_PAGES, OPENING_PAGE, Chapter, all_chapters

SITE_TOC = "_toc.yml"
PDF_TOC = "_toc-pdf.yml"
CHAPTER_CAPTION = re.compile(r"Chapter (\d+) ")


def chapter_caption(chapter: Chapter) -> str:
    return chapter.heading  # the one form of a chapter's name: its title line, as the authors write it


def notebooks_caption(chapter: Chapter) -> str:
    return f"{chapter.heading}: evidence notebooks"


def docname(folder: str, chapter: Chapter, page: str) -> str:
    return f"{folder}/{chapter.dirname}/{page}"


def opening_entry(chapter: Chapter, sections: list[dict]) -> dict:
    """The chapter's TOC entry: `sections` as TOC entries ({"file": ..., "sections": [...]})."""
    return {"file": docname(paths.CHAPTERS_DIR.name, chapter, Path(OPENING_PAGE).stem), "sections": sections}


def _part_number(part: dict) -> int | None:
    found = CHAPTER_CAPTION.match(str(part.get("caption", "")))
    return int(found.group(1)) if found else None


def site_toc_with(toc: dict, chapter: Chapter, sections: list[dict], notebooks: list[str]) -> dict:
    """`toc` with the chapter's two parts, placed by chapter number before the book's own parts."""
    parts = [part for part in toc.get("parts", []) if _part_number(part) != chapter.number]
    new_parts = [
        {"caption": chapter_caption(chapter), "chapters": [opening_entry(chapter, sections)]},
        {
            "caption": notebooks_caption(chapter),
            "chapters": [{"file": docname(paths.NOTEBOOKS_DIR.name, chapter, name)} for name in notebooks],
        },
    ]
    at = next(
        (
            i
            for i, part in enumerate(parts)
            if _part_number(part) is None or _part_number(part) > chapter.number
        ),
        len(parts),
    )
    return {**toc, "parts": parts[:at] + new_parts + parts[at:]}


def _entry_chapter(entry: dict) -> int | None:
    parts = str(entry.get("file", "")).split("/")
    if len(parts) == 3 and parts[0] == paths.CHAPTERS_DIR.name and parts[2] == Path(OPENING_PAGE).stem:
        return int(parts[1].split("-", 1)[0])
    return None


def pdf_toc_with(toc: dict, chapter: Chapter, sections: list[dict]) -> dict:
    """`toc` with the chapter's opening page and sections, by chapter number before the book's pages."""
    entries = [entry for entry in toc.get("chapters", []) if _entry_chapter(entry) != chapter.number]
    at = next(
        (
            i
            for i, entry in enumerate(entries)
            if _entry_chapter(entry) is None or _entry_chapter(entry) > chapter.number
        ),
        len(entries),
    )
    return {**toc, "chapters": entries[:at] + [opening_entry(chapter, sections)] + entries[at:]}


def datapackage_with(package: dict, chapters: list[Chapter], sections: list[str]) -> dict:
    """`package` whose country, section and chapter constraints allow every chapter of `chapters`
    (new values appended, so existing codes keep their order) and the `sections` with prose."""
    package = json.loads(json.dumps(package))
    countries = [chapter.country for chapter in chapters]
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] not in ("country", "section", "chapter"):
                continue
            constraints = field.setdefault("constraints", {})
            if field["name"] == "country":
                constraints["enum"] = _appended(constraints.get("enum", []), countries)
            elif field["name"] == "section":
                constraints["enum"] = _appended(constraints.get("enum", []), sections)
            elif field["name"] == "chapter":
                for bound in ("minimum", "maximum"):
                    constraints.pop(bound, None)
                constraints["enum"] = sorted({*constraints.get("enum", []), *(c.number for c in chapters)})
    return package


def _appended(values: list, more: list) -> list:
    return values + [value for i, value in enumerate(more) if value not in values and value not in more[:i]]


# --- reading and writing ---------------------------------------------------------------------


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as the TOCs are written by hand."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def read_toc(path: Path) -> tuple[dict, str]:
    """The TOC and its leading comment block (kept when the TOC is rewritten)."""
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        header.append(line)
    return yaml.safe_load(text), "".join(header)


def dump_toc(toc: dict, header: str) -> str:
    return header + yaml.dump(
        _without_empty_sections(toc), Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True, width=110
    )


def _without_empty_sections(node):
    if isinstance(node, list):
        return [_without_empty_sections(item) for item in node]
    if isinstance(node, dict):
        return {
            key: _without_empty_sections(value)
            for key, value in node.items()
            if not (key == "sections" and not value)
        }
    return node


def dump_datapackage(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


# --- checking --------------------------------------------------------------------------------


def _files(entries: list[dict]) -> list[str]:
    names = []
    for entry in entries:
        if "file" in entry:
            names.append(entry["file"])
        names += _files(entry.get("sections", [])) + _files(entry.get("chapters", []))
    return names


def chapter_pages(root: Path, chapter: Chapter) -> list[str]:
    """Docnames of the chapter's pages on disk, the opening first."""
    folder = root / paths.CHAPTERS_DIR / chapter.dirname
    return [
        docname(paths.CHAPTERS_DIR.name, chapter, page.stem)
        for page in sorted(folder.glob("*.md"), key=lambda page: (page.name != OPENING_PAGE, page.name))
    ]


def chapter_notebooks(root: Path, chapter: Chapter) -> list[str]:
    folder = root / paths.NOTEBOOKS_DIR / chapter.dirname
    return [docname(paths.NOTEBOOKS_DIR.name, chapter, page.stem) for page in sorted(folder.glob("*.md"))]


def _page_problems(root: Path, where: str, listed: list[str], chapter: Chapter) -> list[str]:
    problems = []
    on_disk = chapter_pages(root, chapter)
    if sorted(listed) != sorted(on_disk):
        problems.append(
            f"{where}: chapter {chapter.number} lists "
            f"{sorted(set(listed) - set(on_disk)) or 'no extra page'} that is not in {chapter.dirname}/ "
            f"and misses {sorted(set(on_disk) - set(listed)) or 'nothing'}"
        )
    elif listed[0] != on_disk[0]:
        problems.append(f"{where}: chapter {chapter.number} must start with its opening page {on_disk[0]}")
    back = [name for name in listed if name.rsplit("/", 1)[1] in BACK_MATTER_PAGES]
    if back and listed[-len(back) :] != back:
        problems.append(
            f"{where}: chapter {chapter.number}'s back-matter pages {back} must come after its sections"
        )
    return problems


def registration_problems(root: Path) -> list[str]:
    """What in the TOCs and the data package does not match the declared chapters (empty if all do)."""
    chapters = all_chapters(root / paths.CHAPTERS_DIR)
    problems = []
    site, _ = read_toc(root / SITE_TOC)
    chapter_parts = [part for part in site.get("parts", []) if _part_number(part) is not None]
    expected_captions = [caption for c in chapters for caption in (chapter_caption(c), notebooks_caption(c))]
    captions = [part["caption"] for part in chapter_parts]
    if captions != expected_captions:
        problems.append(f"{SITE_TOC}: chapter parts {captions}, expected {expected_captions}")
    if site.get("parts") and site["parts"][: len(chapter_parts)] != chapter_parts:
        problems.append(f"{SITE_TOC}: the chapters' parts must come before the book's own parts")
    by_caption = {part["caption"]: part for part in chapter_parts}
    for chapter in chapters:
        if chapter_caption(chapter) in by_caption:
            problems += _page_problems(
                root, SITE_TOC, _files(by_caption[chapter_caption(chapter)]["chapters"]), chapter
            )
        if notebooks_caption(chapter) in by_caption:
            listed = _files(by_caption[notebooks_caption(chapter)]["chapters"])
            if sorted(listed) != chapter_notebooks(root, chapter):
                problems.append(
                    f"{SITE_TOC}: chapter {chapter.number}'s notebooks part lists {listed}, "
                    f"notebooks/{chapter.dirname}/ holds {chapter_notebooks(root, chapter)}"
                )
    pdf, _ = read_toc(root / PDF_TOC)
    entries = pdf.get("chapters", [])
    numbers = [_entry_chapter(entry) for entry in entries]
    if [n for n in numbers if n is not None] != [c.number for c in chapters] or numbers[: len(chapters)] != [
        c.number for c in chapters
    ]:
        problems.append(
            f"{PDF_TOC}: chapter openings {numbers}, expected {[c.number for c in chapters]} first"
        )
    else:
        for chapter, entry in zip(chapters, entries, strict=False):
            listed = _files([entry])
            problems += _page_problems(root, PDF_TOC, listed, chapter)
            problems += [
                f"{PDF_TOC}: lists the notebook {name}"
                for name in listed
                if name.startswith(paths.NOTEBOOKS_DIR.name + "/")
            ]
    problems += _datapackage_problems(root, chapters)
    return problems


def _datapackage_problems(root: Path, chapters: list[Chapter]) -> list[str]:
    package = json.loads((root / paths.DATAPACKAGE).read_text(encoding="utf-8"))
    sections = {Path(name).name for chapter in chapters for name in chapter_notebooks(root, chapter)}
    expected = {
        "country": {c.country for c in chapters},
        "section": sections,
        "chapter": {c.number for c in chapters},
    }
    problems = []
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] in expected:
                allowed = set(field.get("constraints", {}).get("enum", []))
                if allowed != expected[field["name"]]:
                    problems.append(
                        f"{paths.DATAPACKAGE.name}: {resource['name']}.{field['name']} allows "
                        f"{sorted(allowed, key=str)}, the chapters declare "
                        f"{sorted(expected[field['name']], key=str)}"
                    )
    return problems


if __name__ == "__main__":
    import sys

    from .book import Book

    found = registration_problems(
        Book.containing(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()).root
    )
    print("\n".join(found) or "the TOCs and the data package match the declared chapters")
    sys.exit(1 if found else 0)
