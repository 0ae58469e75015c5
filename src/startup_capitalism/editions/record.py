"""The release record: `editions.yml`, `CITATION.cff`, `.zenodo.json`, and which edition a tree is.

`editions.yml` lists every edition, oldest first. `make edition VERSION=X.Y` makes two commits:

1. the *release commit* ("Edition X.Y"): CITATION.cff's `version` and `date-released`,
   `.zenodo.json`, and the edition's entry in `editions.yml` with its version, date and data
   package version only. This commit is built (cold) and tagged `vX.Y`: its CITATION.cff says
   X.Y, and its own build (the release's, or any later rebuild of the tag) says "Edition X.Y".
2. the *record commit* ("Edition X.Y: record"): the entry completed with the release commit's
   hash and the SHA256 of the site, PDFs, data and archive, which only exist once it is built.

So a tree is edition X.Y when the last entry has no `commit` (it is that entry's release
commit), and a draft after the last edition otherwise: the record commit and everything after
it say "draft after X.Y" until the next release.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

RECORD = "editions.yml"
CITATION = "CITATION.cff"
ZENODO = ".zenodo.json"
VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")
HEADER = (
    "# The book's editions, oldest first: written by `make edition VERSION=X.Y` (see README,\n"
    "# 'Releasing an edition', and startup_capitalism/editions/record.py). Do not edit by hand.\n"
)


class EditionError(ValueError):
    """A release that cannot go ahead, with what to do."""


@dataclass(frozen=True)
class Edition:
    version: str
    date: str  # YYYY-MM-DD, the release commit's date
    data_package_version: str = ""
    commit: str = ""  # the release commit (tag vX.Y); empty in the release commit itself
    sha256: dict = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    def as_dict(self) -> dict:
        entry = {
            "version": self.version,
            "date": self.date,
            "data_package_version": self.data_package_version,
        }
        if self.commit:
            entry["commit"] = self.commit
        if self.sha256:
            entry["sha256"] = self.sha256
        return entry


@dataclass(frozen=True)
class State:
    """Which edition a tree is: `current` is this tree's edition (None for a draft); `latest`
    the last edition in the record (the draft's "after"); `editions` every one, oldest first."""

    editions: tuple[Edition, ...]
    current: Edition | None

    @property
    def latest(self) -> Edition | None:
        return self.editions[-1] if self.editions else None

    @property
    def label(self) -> str:
        if self.current is not None:
            return f"Edition {self.current.version}"
        if self.latest is not None:
            return f"Draft after edition {self.latest.version}"
        return "Draft: no edition released yet"


def parse_version(text: str) -> tuple[int, int]:
    match = VERSION.match(text or "")
    if not match:
        raise EditionError(
            f"edition: {text!r} is not a version of the form X.Y (two whole numbers, such as 1.0 or 1.1): "
            "run make edition VERSION=X.Y"
        )
    return int(match.group(1)), int(match.group(2))


def read_editions(root: Path) -> list[Edition]:
    return editions_from_text(
        (root / RECORD).read_text(encoding="utf-8") if (root / RECORD).is_file() else ""
    )


def editions_from_text(text: str, shown: str = RECORD) -> list[Edition]:
    data = yaml.safe_load(text) or {}
    found = []
    for number, entry in enumerate(data.get("editions") or [], start=1):
        if not isinstance(entry, dict) or "version" not in entry or "date" not in entry:
            raise EditionError(f"{shown}: entry {number} needs a version and a date")
        found.append(
            Edition(
                version=str(entry["version"]),
                date=str(entry["date"]),
                data_package_version=str(entry.get("data_package_version", "")),
                commit=str(entry.get("commit", "")),
                sha256=dict(entry.get("sha256") or {}),
            )
        )
    return found


def state(root: Path) -> State:
    editions = tuple(read_editions(root))
    current = editions[-1] if editions and not editions[-1].commit else None
    return State(editions, current)


def write_editions(root: Path, editions: list[Edition]) -> None:
    body = yaml.safe_dump({"editions": [e.as_dict() for e in editions]}, sort_keys=False, allow_unicode=True)
    (root / RECORD).write_text(HEADER + body, encoding="utf-8")


def data_package_version(root: Path) -> str:
    return str(
        json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8")).get("version", "")
    )


# --- CITATION.cff and .zenodo.json -------------------------------------------------------------


def citation(root: Path) -> dict:
    return yaml.safe_load((root / CITATION).read_text(encoding="utf-8")) or {}


def author_names(cff: dict) -> list[str]:
    """Each author as CITATION.cff gives them: "Given Family", or the entity's name."""
    names = []
    for author in cff.get("authors") or []:
        person = " ".join(str(author[k]) for k in ("given-names", "family-names") if author.get(k))
        names.append(person or str(author.get("name", "")))
    return [name for name in names if name]


def set_citation_release(root: Path, version: str, date: str) -> None:
    """CITATION.cff's `version` and `date-released`, its other lines (and comments) kept."""
    path = root / CITATION
    lines = path.read_text(encoding="utf-8").splitlines()
    values = {"version": version, "date-released": date}
    for key, value in values.items():
        line = f"{key}: {json.dumps(value) if key == 'version' else value}"
        index = next((i for i, old in enumerate(lines) if old.startswith(f"{key}:")), None)
        if index is None:
            lines.append(line)
        else:
            lines[index] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_zenodo(root: Path, version: str, date: str) -> None:
    """`.zenodo.json`: what Zenodo's GitHub integration archives a release with, from CITATION.cff."""
    cff = citation(root)
    metadata = {
        "title": cff.get("title", ""),
        "upload_type": "dataset" if cff.get("type") == "dataset" else "software",
        "description": " ".join(str(cff.get("message", "")).split()),
        "creators": [{"name": name} for name in author_names(cff)],
        "version": version,
        "publication_date": date,
        "license": {"id": str(cff.get("license", "")).lower()},
        "keywords": list(cff.get("keywords") or []),
    }
    (root / ZENODO).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
