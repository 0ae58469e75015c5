"""`make edition VERSION=X.Y`: release edition X.Y of the book.

    python -m startup_capitalism edition X.Y

1. Refuses, with what to do, and writing nothing: a version that is not X.Y, one already
   released (or tagged), one not greater than the last, a tree with uncommitted or untracked
   files, a branch that moved while the edition was built.
2. In a temporary clone of HEAD: the release commit "Edition X.Y" (CITATION.cff, .zenodo.json,
   the edition's entry in editions.yml; see `record` for why two commits), dated as HEAD so
   that the edition's date is its commit's and a rebuild of the tag gives the same bytes; then
   the cold build of it (`python -m startup_capitalism build book`: site, PDFs, EPUB,
   SHA256SUMS).
3. The archive `startup-capitalism-X.Y.zip` (site/, pdf/, data/ and SHA256SUMS over them) and the
   record commit "Edition X.Y: record" (the release commit's hash, the SHA256 of site, PDFs,
   data and archive), still in the temporary clone.
4. Only then, in this repository: the archive moved to `_build/editions/`, the branch
   fast-forwarded to the record commit, and the local tag vX.Y on the release commit (last).
   Pushing the branch and the tag is the author's act.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from . import record
from .record import Edition, EditionError

ARCHIVE = "startup-capitalism-{version}.zip"
SUMS = "SHA256SUMS"


def git(root: Path, *args: str, env: dict | None = None, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise EditionError(f"edition: git {' '.join(args)} failed in {root}: {result.stderr.strip()}")
    return result.stdout.strip()


def archive_path(root: Path, version: str) -> Path:
    return root / "_build" / "editions" / ARCHIVE.format(version=version)


def check_release(root: Path, version: str) -> list[Edition]:
    """The editions so far, once every refusal has been ruled out."""
    wanted = record.parse_version(version)
    if git(root, "rev-parse", "--is-inside-work-tree", check=False) != "true":
        raise EditionError(f"edition: {root} is not a git checkout: release from the book's repository")
    dirty = git(root, "status", "--porcelain")
    if dirty:
        first = dirty.splitlines()[0][3:]
        raise EditionError(
            f"edition: the tree has uncommitted or untracked files ({first}, "
            f"{len(dirty.splitlines())} in all): "
            "commit or remove them, then run make edition VERSION=X.Y again"
        )
    editions = record.read_editions(root)
    if any(edition.version == version for edition in editions) or git(root, "tag", "--list", f"v{version}"):
        raise EditionError(
            f"edition: edition {version} is already released (editions.yml, tag v{version}): "
            "a correction is a new edition: make edition VERSION=<a greater version>"
        )
    if editions and wanted <= record.parse_version(editions[-1].version):
        raise EditionError(
            f"edition: {version} is not greater than the last edition, {editions[-1].version}: "
            f"run make edition VERSION={editions[-1].version.split('.')[0]}."
            f"{int(editions[-1].version.split('.')[1]) + 1} (or another greater version)"
        )
    if editions and not editions[-1].commit:
        raise EditionError(
            f"edition: editions.yml's last entry ({editions[-1].version}) has no commit: this tree is a "
            "release commit, not a branch after a release; check out the branch and run it again"
        )
    return editions


def identity(root: Path, when: str) -> dict:
    """git's environment for the commits: this repository's author, and HEAD's date."""
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    for key, variable in (("user.name", "NAME"), ("user.email", "EMAIL")):
        value = git(root, "config", key, check=False) or (
            "make edition" if key == "user.name" else "edition@localhost"
        )
        env[f"GIT_AUTHOR_{variable}"] = env[f"GIT_COMMITTER_{variable}"] = value
    return env


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_archive(tree: Path, target: Path, epoch: int) -> None:
    """The site, the PDFs and the data package, with SHA256SUMS over them, as a zip whose bytes
    depend only on theirs (names sorted, every date the edition's)."""
    members = {}
    for prefix, folder in (
        ("site", tree / "_build" / "html"),
        ("pdf", tree / "_build" / "pdf"),
        ("data", tree / "data"),
    ):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            members[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(members.items()))
    members[SUMS] = sums.encode()
    stamp = max(datetime.fromtimestamp(epoch, UTC), datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])


def cold_build(tree: Path) -> None:
    """The book built from nothing in `tree` with this Python and the tree's own package."""
    env = {k: v for k, v in os.environ.items() if k not in ("STARTUP_BUILD_DIR", "SOURCE_DATE_EPOCH")}
    env["PYTHONPATH"] = str(tree / "src")
    result = subprocess.run(
        [sys.executable, "-m", "startup_capitalism", "build", "book", "--root", str(tree)], cwd=tree, env=env
    )
    if result.returncode != 0:
        raise EditionError(
            "edition: the build failed (its problems are above): fix them, commit, and run "
            "make edition VERSION=X.Y again; no record, tag or archive was written"
        )


def release(book_root: Path, version: str) -> Edition:
    root = Path(book_root).resolve()
    editions = check_release(root, version)
    head = git(root, "rev-parse", "HEAD")
    branch = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if not branch:
        raise EditionError(
            "edition: HEAD is detached: check out the branch to release from, then run it again"
        )
    epoch = int(git(root, "log", "-1", "--format=%ct", head))
    date = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    env = identity(root, f"@{epoch} +0000")
    print(f"==> edition {version}: release commit of {head[:12]} ({date}) in a temporary clone", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"edition-{version}-") as scratch:
        tree = Path(scratch) / "book"
        git(root, "clone", "--quiet", "--no-local", "--no-checkout", str(root), str(tree))
        git(tree, "checkout", "--quiet", head)
        entry = Edition(version, date, record.data_package_version(tree))
        record.write_editions(tree, [*editions, entry])
        record.set_citation_release(tree, version, date)
        record.write_zenodo(tree, version, date)
        git(tree, "add", record.RECORD, record.CITATION, record.ZENODO)
        git(tree, "commit", "--quiet", "-m", f"Edition {version}", env=env)
        release_commit = git(tree, "rev-parse", "HEAD")
        print(f"==> edition {version}: cold build of the release commit {release_commit[:12]}", flush=True)
        cold_build(tree)
        print(f"==> edition {version}: archive and record", flush=True)
        archive = Path(scratch) / ARCHIVE.format(version=version)
        make_archive(tree, archive, epoch)
        site_sums = tree / "_build" / "html" / SUMS
        complete = Edition(
            version,
            date,
            entry.data_package_version,
            commit=release_commit,
            sha256={
                "site": digest(site_sums),
                "pdfs": {p.name: digest(p) for p in sorted((tree / "_build" / "pdf").glob("*.pdf"))},
                "data": {p.name: digest(p) for p in sorted((tree / "data").iterdir()) if p.is_file()},
                "archive": digest(archive),
            },
        )
        record.write_editions(tree, [*editions, complete])
        git(tree, "add", record.RECORD)
        git(tree, "commit", "--quiet", "-m", f"Edition {version}: record (release commit, SHA256)", env=env)
        record_commit = git(tree, "rev-parse", "HEAD")
        # nothing in this repository was written so far; from here on, the archive, the branch, the tag
        if git(root, "rev-parse", "HEAD") != head or git(root, "status", "--porcelain"):
            raise EditionError(
                "edition: the branch or the tree changed during the build: run make edition again"
            )
        target = archive_path(root, version)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(archive, partial)
        git(root, "fetch", "--quiet", str(tree), record_commit)
        try:
            git(root, "merge", "--quiet", "--ff-only", record_commit)
        except EditionError:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        git(root, "tag", "-a", f"v{version}", release_commit, "-m", f"Edition {version} ({date})", env=env)
    print(
        f"edition {version} ({date}): tag v{version} on {release_commit[:12]}, "
        f"record {record_commit[:12]} on {branch},"
    )
    print(f"    archive {target.relative_to(root)} (sha256 {complete.sha256['archive'][:16]}...)")
    print(f"    push them when ready: git push origin {branch} v{version}")
    return complete


def release_edition(book, version: str) -> int:
    """`make edition VERSION=X.Y` (`python -m startup_capitalism edition X.Y`): the exit code."""
    try:
        release(book.root, version)
    except EditionError as error:
        print(error, file=sys.stderr)
        return 1
    return 0
