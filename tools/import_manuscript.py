"""Create the chapter pages from the authors' plain-text manuscript, adding markup only.

This ran once to make `chapters/02-japan/*.md`; co-authors edit those pages from then on, so the
tool refuses to overwrite a page that exists. It is kept so a reviewer can see exactly which
markup was added: a heading per section, a label per page, MyST footnote references in place of
the bare footnote digits, and the Figure 2.1 slot. `tests/test_prose.py` checks the result
against the manuscript sentence by sentence.

    python tools/import_manuscript.py [--force]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUSCRIPT = ROOT / "sources" / "manuscript" / "chapter-02-japan.txt"
CHAPTER_DIR = ROOT / "chapters" / "02-japan"

# Manuscript heading -> (page file, label). The opening has the chapter title as its heading.
PAGES = {
    "Chapter 2 Japan": ("index.md", "ch02-opening"),
    "Antecedents: Japan (1948–1990)": ("antecedents.md", "ch02-antecedents"),
    "Thematic Analysis": ("thematic-analysis.md", "ch02-thematic-analysis"),
    "Firm Size": ("firm-size.md", "ch02-firm-size"),
    "Employment": ("employment.md", "ch02-employment"),
    "Finance": ("finance.md", "ch02-finance"),
    "Innovation": ("innovation.md", "ch02-innovation"),
    "Social Purpose": ("social-purpose.md", "ch02-social-purpose"),
    "Continuity and Change in Japan": ("continuity-and-change.md", "ch02-continuity-and-change"),
}
FIGURE_LINE = "FIGURE 2.1.Analyzing Japan’s institutional evolution: antecedents to startup capitalism"
FOOTNOTE_COUNT = 16
FOOTNOTE_DEFINITION = (
    "[^{n}]: Note {n} of the chapter. Its text is in the print edition; the manuscript this "
    "edition is made from gives only the marker, so the note is not reproduced here."
)
# The slot for the authors' figure; the chart is glued from the notebook of this section.
FIGURE_SLOT = """\
```{{glued-figure}} fig-2-1-scores
:doc: ../../notebooks/02-japan/continuity-and-change.md
:name: fig-2-1
:kind: figure

{caption}
```"""


def footnote_pattern(number: int) -> re.Pattern[str]:
    """The bare marker of note `number`: digits right after a sentence's closing punctuation."""
    return re.compile(rf"(?<=[.”)]){number}(?=\s|$)")


def mark_footnotes(paragraphs: list[str]) -> list[str]:
    """Replace the bare footnote digits, in order 1..16, by MyST footnote references."""
    marked = list(paragraphs)
    position = 0
    for number in range(1, FOOTNOTE_COUNT + 1):
        pattern = footnote_pattern(number)
        while position < len(marked):
            found = pattern.search(marked[position])
            if found:
                text = marked[position]
                marked[position] = text[: found.start()] + f"[^{number}]" + text[found.end():]
                break
            position += 1
        else:
            sys.exit(f"{MANUSCRIPT}: footnote marker {number} not found")
    return marked


def split_pages(lines: list[str]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if line in PAGES:
            current = line
            pages[current] = []
        elif current is None:
            sys.exit(f"{MANUSCRIPT}: text before the first heading: {line[:60]!r}")
        else:
            pages[current].append(line)
    return pages


def render_page(heading: str, paragraphs: list[str]) -> str:
    _, label = PAGES[heading]
    blocks = [f"({label})=\n# {heading}"]
    notes = []
    for paragraph in paragraphs:
        if paragraph == FIGURE_LINE:
            caption = paragraph.removeprefix("FIGURE 2.1.")
            blocks.append(FIGURE_SLOT.format(caption=caption))
            continue
        blocks.append(paragraph)
        notes += re.findall(r"\[\^(\d+)\]", paragraph)
    blocks += [FOOTNOTE_DEFINITION.format(n=n) for n in notes]
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite existing pages")
    force = parser.parse_args().force
    lines = [line for line in MANUSCRIPT.read_text(encoding="utf-8").splitlines() if line.strip()]
    headings = [line for line in lines if line in PAGES]
    body = mark_footnotes([line for line in lines])
    pages = split_pages(body)
    if list(pages) != list(PAGES) or len(headings) != len(PAGES):
        sys.exit(f"{MANUSCRIPT}: expected the headings {list(PAGES)}, found {headings}")
    CHAPTER_DIR.mkdir(parents=True, exist_ok=True)
    for heading, paragraphs in pages.items():
        path = CHAPTER_DIR / PAGES[heading][0]
        if path.exists() and not force:
            sys.exit(f"{path} exists; the pages are edited by hand now (use --force to replace)")
        path.write_text(render_page(heading, paragraphs), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
