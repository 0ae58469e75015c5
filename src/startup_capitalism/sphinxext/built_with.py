"""The `{built-with}` directive: what this edition was built with (Python, TeX, packages, commit).

The package versions come from requirements.lock, the set `make book` installs with hash checking;
the commit and its date from git (the date is the build's SOURCE_DATE_EPOCH, see tools/checksums.py).
A page that uses the directive is read again whenever what it shows (Python, TeX, the commit)
is not what the building machine has, so the commit it names is current and a rebuild with nothing
changed reads nothing.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

LOCK_PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)


def locked_packages(lock: Path) -> list[tuple[str, str]]:
    """(name, version) of every package pinned in the lock, in its (alphabetical) order."""
    return LOCK_PIN.findall(lock.read_text(encoding="utf-8"))


def tex_version() -> str:
    """The first line of `xelatex --version` (the engine of the PDF), or why there is none."""
    xelatex = shutil.which("xelatex")
    if xelatex is None:
        return "no xelatex on the building machine (no PDF)"
    result = subprocess.run([xelatex, "--version"], capture_output=True, text=True)
    return result.stdout.splitlines()[0] if result.returncode == 0 and result.stdout else "unknown"


def commit(root: Path) -> str:
    result = subprocess.run(
        ["git", "log", "-1", "--format=%H (%cd)", "--date=format-local:%Y-%m-%d %H:%M UTC"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "not a git checkout"


def _item(label: str, text: str) -> nodes.list_item:
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text=f"{label}: ")
    paragraph += nodes.Text(text)
    return nodes.list_item("", paragraph)


class BuiltWithDirective(SphinxDirective):
    """A list: Python, TeX, the commit, and every locked package with its version."""

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        lock = root / "requirements.lock"
        self.env.note_dependency(str(lock))
        self.env.built_with_docs = getattr(self.env, "built_with_docs", set()) | {self.env.docname}
        if not lock.is_file():
            raise self.error(f"{lock} is missing: run `make lock`")
        packages = locked_packages(lock)
        python, tex, built_from = self.env.built_with_shown = shown(root)
        listing = nodes.bullet_list()
        listing += _item("Python", python)
        listing += _item("TeX", tex)
        listing += _item("Commit", built_from)
        listing += _item(
            f"Packages ({len(packages)}, from requirements.lock, each installed with its hash checked)",
            ", ".join(f"{name} {version}" for name, version in packages),
        )
        return [listing]


def shown(root: Path) -> tuple[str, str, str]:
    """What the directive shows of the building machine: Python, TeX, the commit."""
    return f"{platform.python_version()} ({platform.python_implementation()})", tex_version(), commit(root)


def _read_again(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages that show the commit are read again when it (or Python, or TeX) changed."""
    if getattr(env, "built_with_shown", None) == shown(Path(env.srcdir)):
        return []
    return sorted(getattr(env, "built_with_docs", set()) - set(removed))


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "built_with_docs", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    """A parallel reader's pages that show the directive, and what it showed (else the next build
    would find nothing recorded and read those pages again)."""
    env.built_with_docs = getattr(env, "built_with_docs", set()) | getattr(other, "built_with_docs", set())
    if getattr(other, "built_with_docs", set()) & set(docnames):  # read by that reader
        env.built_with_shown = other.built_with_shown


def setup(app: Sphinx) -> dict:
    app.add_directive("built-with", BuiltWithDirective)
    app.connect("env-get-outdated", _read_again)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
