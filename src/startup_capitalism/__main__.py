"""The book's one command line (`make` calls it):

    python -m startup_capitalism build html|book          the site; or the site, the PDFs, the EPUB
    python -m startup_capitalism preview [--port 8000]     serve, rebuild on save, reload the browser
    python -m startup_capitalism chapter MANUSCRIPT        import an authors' manuscript as a chapter
    python -m startup_capitalism validate [--evidence F]   check data/ against its schema and the text
    python -m startup_capitalism reproduce                 a cold build of HEAD, compared file by file
    python -m startup_capitalism reexecute [--site S]      re-execute the notebooks, compare with a site
    python -m startup_capitalism edition X.Y               release edition X.Y (record, archive, tag)
    python -m startup_capitalism publish OUT [--current S] every edition's site, the latest at the root

Each takes `--root` (the book's folder; by default the book the working folder is in, as `make`
runs it) and hands the book to one function of `startup_capitalism.commands`, whose return value is
the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", type=Path, help="the book's folder (default: the book the working folder is in)"
    )
    main = argparse.ArgumentParser(
        prog="python -m startup_capitalism", description="Build, preview and check the book."
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", parents=[common], help="build strictly and publish")
    build.add_argument("target", choices=("html", "book"), help="html: the site; book: site, PDFs and EPUB")
    preview = commands.add_parser("preview", parents=[common], help="serve the book, rebuild on every save")
    preview.add_argument("--port", type=int, default=8000)
    chapter = commands.add_parser("chapter", parents=[common], help="import a manuscript as a new chapter")
    chapter.add_argument("manuscript", type=Path, help="the authors' manuscript, plain UTF-8 text")
    validate = commands.add_parser("validate", parents=[common], help="check the data files")
    validate.add_argument("--evidence", type=Path, help="evidence CSV to check")
    validate.add_argument("--actors", type=Path, help="actors CSV (evidence's actor_id refers to it)")
    validate.add_argument("--scores", type=Path, help="the chapters' Figure N.1 scores CSV")
    reproduce = commands.add_parser("reproduce", parents=[common], help="compare with a cold build of HEAD")
    reproduce.add_argument(
        "--working-tree", action="store_true", help="build HEAD with this tree's uncommitted files"
    )
    reexecute = commands.add_parser(
        "reexecute", parents=[common], help="re-execute the notebooks and compare with the published site"
    )
    reexecute.add_argument(
        "--site",
        type=Path,
        default=Path(os.environ["SITE"]) if os.environ.get("SITE") else None,
        help="a published site's folder or an edition archive (default: the book's _build/html)",
    )
    reexecute.add_argument("--notebook", type=Path, action="append", help="only this notebook (repeatable)")
    edition = commands.add_parser(
        "edition", parents=[common], help="release edition X.Y: record, archive, tag"
    )
    edition.add_argument("version", help="X.Y, greater than the last edition released")
    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="the published site: the latest edition at the root, each under editions/",
    )
    publish.add_argument("out", type=Path, help="the folder to write the published site into")
    publish.add_argument("--current", type=Path, help="this tree's built site (_build/html)")
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    from .book import Book

    try:
        book = Book(arguments.root) if arguments.root else Book.containing(Path.cwd())
    except ValueError as error:  # NotInABookError: said in one line, not a trace
        print(
            f"python -m startup_capitalism: {error}; run it in the book's folder or give --root",
            file=sys.stderr,
        )
        return 2
    if arguments.command == "build":
        from .commands.build import build

        return build(book, arguments.target)
    if arguments.command == "preview":
        from .commands.preview import preview

        return preview(book, arguments.port)
    if arguments.command == "chapter":
        from .commands.chapter import new_chapter

        return new_chapter(book, arguments.manuscript)
    if arguments.command == "validate":
        from .commands.validate import validate

        return validate(book, arguments.evidence, arguments.actors, arguments.scores)
    if arguments.command == "reproduce":
        from .commands.reproduce import reproduce

        return reproduce(book, arguments.working_tree)
    if arguments.command == "edition":
        from .editions.release import release_edition

        return release_edition(book, arguments.version)
    if arguments.command == "publish":
        from .editions.site import publish

        return publish(book, arguments.out, arguments.current)
    from .commands.reexecute import reexecute

    return reexecute(book, arguments.site, arguments.notebook)


if __name__ == "__main__":
    sys.exit(main())
