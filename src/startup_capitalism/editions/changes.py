"""What changed since the previous edition: sentences, evidence rows and Figure N.1 scores.

The previous edition is read from git (`git show vX.Y:path`), the current one from the tree:

- per chapter, the sentences of its pages edited, added and removed, with the same sentence
  reading and comparison as "Changes since the received manuscript" (`text.manuscript_changes`);
- the evidence rows (`data/evidence.csv`) added, removed and changed, column by column, by id;
- the Figure N.1 scores (`data/scores.csv`) added, removed and changed, by chapter, dimension
  and period.

No Sphinx here: the `{edition-changes}` directive (`editions.sphinxext`) renders the result and
adds which figures, exhibits and tables draw from the changed rows.
"""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..chapters import Chapter, all_chapters
from ..text import manuscript_changes
from ..text.manuscript_changes import Change
from ..text.prose import book_extensions

EVIDENCE = "data/evidence.csv"
SCORES = "data/scores.csv"
EVIDENCE_KEY = ("id",)
SCORES_KEY = ("chapter", "dimension", "period")


class PreviousEditionUnreadableError(RuntimeError):
    """The previous edition's tag cannot be read from git (a shallow clone without tags)."""


@dataclass(frozen=True)
class RowChange:
    kind: str  # "added", "removed" or "changed"
    key: str  # the row's id (evidence) or "chapter / dimension / period" (scores)
    columns: tuple[tuple[str, str, str], ...] = ()  # (column, old, new) of a changed row
    row: tuple[tuple[str, str], ...] = ()  # (column, value) of an added or removed row
    where: tuple[str, str] = ("", "")  # an evidence row's (chapter, section), old or new


@dataclass(frozen=True)
class ChapterChanges:
    chapter: Chapter
    sentences: tuple[Change, ...]
    total: int  # the chapter's sentences now


@dataclass(frozen=True)
class EditionChanges:
    since: str  # the previous edition's version
    chapters: tuple[ChapterChanges, ...]
    evidence: tuple[RowChange, ...]
    scores: tuple[RowChange, ...]

    @property
    def changed_row_ids(self) -> set[str]:
        return {change.key for change in self.evidence}

    @property
    def changed_notebooks(self) -> set[str]:
        """The notebooks (docnames) of the sections where a changed evidence row is coded."""
        folders = {str(c.chapter.number): c.chapter.dirname for c in self.chapters}
        return {
            f"notebooks/{folders[chapter]}/{section}"
            for chapter, section in (change.where for change in self.evidence)
            if chapter in folders and section
        }


def git_text(root: Path, tag: str, path: str) -> str | None:
    """The file as it was at `tag`, or None when it did not exist there."""
    result = subprocess.run(["git", "show", f"{tag}:{path}"], cwd=root, capture_output=True)
    if result.returncode != 0:
        if b"exists on disk, but not in" in result.stderr or b"does not exist in" in result.stderr:
            return None
        raise PreviousEditionUnreadableError(
            f"edition changes: cannot read {path} at {tag} from git in {root} "
            f"({result.stderr.decode(errors='replace').strip()}): fetch the tags (git fetch --tags)"
        )
    return result.stdout.decode("utf-8")


def files_at(root: Path, tag: str, folder: str) -> list[str]:
    result = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", tag, "--", folder], cwd=root, capture_output=True, text=True
    )
    return result.stdout.split() if result.returncode == 0 else []


def chapter_changes(root: Path, tag: str, chapter: Chapter) -> ChapterChanges:
    """The chapter's sentences at `tag` and now, page by page in reading order (pages the
    edition at `tag` had and the tree no longer has come last)."""
    pages = manuscript_changes.chapter_pages(chapter, root)
    names = [page.relative_to(root).as_posix() for page in pages]
    folder = f"chapters/{chapter.dirname}"
    names += [
        name
        for name in files_at(root, tag, folder)
        if name.endswith(".md")
        and name not in names
        and Path(name).stem not in manuscript_changes.BACK_MATTER_PAGES
    ]
    old: list[str] = []
    new: list[manuscript_changes.PageSentence] = []
    extensions = book_extensions(root)
    for name in names:
        docname = name.removesuffix(".md")
        before = git_text(root, tag, name)
        if before is not None:
            old += [s.text for s in manuscript_changes.text_sentences(docname, before, extensions)]
        if (root / name).is_file():
            new += manuscript_changes.text_sentences(
                docname, (root / name).read_text(encoding="utf-8"), extensions
            )
    return ChapterChanges(chapter, tuple(manuscript_changes.compare(old, new)), len(new))


def _rows(text: str | None, key: tuple[str, ...]) -> tuple[list[str], dict[str, dict[str, str]]]:
    if text is None:
        return [], {}
    reader = csv.DictReader(io.StringIO(text))
    rows = {" / ".join(row[k] for k in key): row for row in reader}
    return list(reader.fieldnames or []), rows


def row_changes(old_text: str | None, new_text: str | None, key: tuple[str, ...]) -> list[RowChange]:
    """Rows added, removed and changed (column by column, old and new value), in key order as the
    new file lists them, then the removed ones as the old file did."""
    old_columns, old = _rows(old_text, key)
    new_columns, new = _rows(new_text, key)
    columns = new_columns + [c for c in old_columns if c not in new_columns]
    changes = []

    def where(row: dict) -> tuple[str, str]:
        return row.get("chapter") or "", row.get("section") or ""

    for name, row in new.items():
        if name not in old:
            changes.append(
                RowChange(
                    "added", name, row=tuple((c, row.get(c, "")) for c in new_columns), where=where(row)
                )
            )
            continue
        differing = tuple(
            (column, old[name].get(column) or "", row.get(column) or "")
            for column in columns
            if (old[name].get(column) or "") != (row.get(column) or "")
        )
        if differing:
            changes.append(RowChange("changed", name, columns=differing, where=where(row)))
    changes += [
        RowChange("removed", name, row=tuple((c, row.get(c, "")) for c in old_columns), where=where(row))
        for name, row in old.items()
        if name not in new
    ]
    return changes


def changes_since(root: Path, since: str) -> EditionChanges:
    """Everything that changed in the tree at `root` since edition `since` (its tag v`since`)."""
    tag = f"v{since}"
    chapters = tuple(chapter_changes(root, tag, chapter) for chapter in all_chapters(root / "chapters"))

    def now(path: str) -> str | None:
        return (root / path).read_text(encoding="utf-8") if (root / path).is_file() else None

    evidence = row_changes(git_text(root, tag, EVIDENCE), now(EVIDENCE), EVIDENCE_KEY)
    scores = row_changes(git_text(root, tag, SCORES), now(SCORES), SCORES_KEY)
    return EditionChanges(since, chapters, tuple(evidence), tuple(scores))
