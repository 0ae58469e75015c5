"""`make html`, `make book`: build the book strictly into work folders and publish it only when
every stage passed.

    python -m startup_capitalism build html      # data validated, then the site
    python -m startup_capitalism build book      # data validated, then the site, the PDFs, the EPUB

Strict: every Sphinx run is jupyter-book's `-n -W --keep-going` (`sphinx_build`): any warning (a
broken cross-reference, a missing glue key, a notebook error) fails the build. The terminal gets
one line per stage and per executed notebook, then the problems, each with its file and line; the
full output of every stage goes to `_build/logs/<stage>.log`.

Strict on every run: Sphinx reports a document's warnings only on the run that reads it, so after
a failed build the work folder's environment is dropped and the next build re-reads every page
(the notebooks' outputs still come from the execution cache) and fails the same way until the
cause is fixed. Nothing stale is published: the published `_build/html`, `_build/pdf` and
`_build/epub` are replaced only after every stage succeeded, and removed when any stage fails,
validation included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

# No Sphinx, myst-nb or pandas import at the top: the driver's own start-up is part of every rebuild.
from ..book import Book
from . import checksums, console, validate
from .sphinx_build import Run, doctrees, sphinx_build

# what validation reads (a prose edit can break a verbatim quote) and what it ran with
VALIDATION_INPUTS = ("data", "chapters", "sources/manuscript", "src/startup_capitalism")
# what the notebooks' outputs depend on: their code, the data and the package
EXECUTION_INPUTS = ("notebooks", "data", "src/startup_capitalism")
TARGETS = ("html", "book")


class BuildError(Exception):
    def __init__(self, message: str, log: Path | None = None):
        super().__init__(message)
        self.log = log


@dataclass(frozen=True)
class Folders:
    """Where a build of `book` works and publishes."""

    book: Book

    @property
    def build(self) -> Path:
        return self.book.build_dir

    def work(self, builder: str) -> Path:
        # one work folder per table of contents: the PDF and the EPUB use _toc-pdf.yml
        return self.build / ("work" if builder == "html" else "work-pdf")

    def toc(self, builder: str) -> Path:
        return self.book.root / ("_toc.yml" if builder == "html" else "_toc-pdf.yml")

    @property
    def site(self) -> Path:
        return self.book.site_dir

    @property
    def pdf(self) -> Path:
        return self.book.pdf_dir

    @property
    def epub(self) -> Path:
        return self.build / "epub"

    @property
    def logs(self) -> Path:
        return self.build / "logs"

    @property
    def validated(self) -> Path:
        return self.build / ".validated"

    @property
    def executed(self) -> Path:
        return self.build / ".jupyter_cache" / "executed-inputs"  # goes with the cache


def fingerprint(root: Path, folders: tuple[str, ...]) -> str:
    """sha256 over the names and bytes of every file in the folders (a few ms for this book)."""
    digest = hashlib.sha256()
    for folder in folders:
        files = (p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in sorted(files):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_current(stamp: Path, inputs: str) -> bool:
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == inputs


class Validation:
    """Validation runs alongside the HTML build (the machine has cores to spare while Sphinx reads),
    or not at all when its inputs are those of the last validation that passed. It is waited for
    before any notebook is executed (bad data fails the build in seconds, before a notebook runs
    on it) and before anything is reported or published: invalid data fails the build, whatever
    Sphinx said."""

    def __init__(self, folders: Folders) -> None:
        self.folders = folders
        self.inputs = fingerprint(folders.book.root, VALIDATION_INPUTS) + sys.executable
        self.pool = None
        if is_current(folders.validated, self.inputs):
            console.say("skipped: data, chapters and package as at the last validation that passed")
            return
        folders.validated.unlink(missing_ok=True)
        self.pool, self.future = validate.start(folders.book)
        console.say("running alongside the next stages")

    def check(self) -> None:
        if self.pool is None:
            return
        try:
            result = self.future.result()
        finally:
            self.pool.shutdown()
            self.pool = None
        log = self.folders.logs / "validate.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.printed + "".join(f"{line}\n" for line in result.problems), encoding="utf-8")
        if result.returncode != 0:
            console.report(result.problems, self.folders.book.root)
            forget_read_documents(self.folders, "html")
            raise BuildError(
                "the data did not validate (each problem above: file:line: column: what is wrong)", log
            )
        self.folders.validated.parent.mkdir(parents=True, exist_ok=True)
        self.folders.validated.write_text(self.inputs, encoding="utf-8")


def execute_notebooks(folders: Folders, validation: Validation) -> None:
    """The notebooks the cache lacks, executed in parallel (`execute`): a failed one stops the
    build, with its file, the line that raised and the error (the traceback goes to the log)."""
    from . import execute

    inputs = fingerprint(folders.book.root, EXECUTION_INPUTS) + sys.executable
    if is_current(folders.executed, inputs):
        console.say("skipped: notebooks, data and package unchanged since the last build")
        return []
    folders.executed.unlink(missing_ok=True)
    # fail fast: bad data stops the build in seconds, before any notebook runs on it
    validation.check()
    log = folders.logs / "execute.log"
    result = execute.execute_missing(folders.book, log, lambda notebook: console.say(f"executing {notebook}"))
    console.say(f"{len(result.executed)} executed, {len(result.failed)} failed, on {os.cpu_count()} cores")
    if result.failed:
        with log.open("a", encoding="utf-8") as written:
            for notebook, failure in result.failed.items():
                written.write(f"\n{notebook}:{failure.line}: the traceback jupyter-cache recorded:\n")
                written.write(failure.traceback + "\n")
        console.report(
            [
                f"{notebook}:{failure.line}: a cell failed: {failure.error}"
                for notebook, failure in result.failed.items()
            ],
            folders.book.root,
        )
        raise BuildError("a notebook failed (the line that raised and its error are above)", log)
    folders.executed.parent.mkdir(parents=True, exist_ok=True)
    folders.executed.write_text(inputs, encoding="utf-8")


def run_builder(folders: Folders, builder: str, validation: Validation | None = None) -> Run:
    """One builder, in a process of its own that returns its `Run`: each Sphinx application starts
    from a fresh interpreter, as `jupyter-book build` does, so no extension's module state (caches
    of chapters, works, numbers) passes from the HTML build to the PDF's or the EPUB's, and an
    incremental `make book` writes what a cold one writes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    read_with = read_with_this_code(folders, builder)
    arguments = (folders.book, builder, folders.work(builder), folders.toc(builder))
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        run = pool.submit(sphinx_build, *arguments, folders.logs / f"{builder}.log").result()
    if validation is not None:
        validation.check()
    console.report(run.problems, folders.book.root)
    if not run.ok:
        forget_read_documents(folders, builder)
        raise BuildError(
            f"the {builder} build failed (see the problems above, each with its file and line)", run.log
        )
    read_with.write()
    return run


@dataclass
class CodeStamp:
    path: Path
    code: str

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.code, encoding="utf-8")


def read_with_this_code(folders: Folders, builder: str) -> CodeStamp:
    """Sphinx keeps a page it read as long as the page and the extensions' declared versions are
    unchanged, whatever their code: after a change to this package (the extension, the readers)
    or to the locked packages, the saved environment is dropped and every page read again, as a
    cold build reads it (an incremental `make book` after a change of `numbering.py` once wrote a
    PDF and an EPUB that differed from a cold build's)."""
    root = folders.book.root
    lock = root / "requirements.lock"
    code = fingerprint(root, ("src/startup_capitalism",)) + sys.executable
    code += hashlib.sha256(lock.read_bytes()).hexdigest() if lock.is_file() else ""
    stamp = CodeStamp(folders.work(builder) / ".read-with-code", code)
    if not is_current(stamp.path, code):
        forget_read_documents(folders, builder)
    return stamp


def forget_read_documents(folders: Folders, builder: str) -> None:
    """Drop the saved environment so the next build re-reads every page and reports its warnings
    again (Sphinx only reports those of the pages it reads)."""
    shutil.rmtree(doctrees(folders.work(builder)), ignore_errors=True)


def pdf_names(book: Book) -> list[str]:
    from ..sphinxext.pdfs import BOOK_PDF

    return [BOOK_PDF, *(chapter.pdf_name for chapter in book.chapters())]


def typeset(folders: Folders, latex: Path) -> None:
    """The PDFs from the LaTeX the builder wrote: its Makefile's `all-pdf` (latexmk), as
    `jupyter-book build --builder pdflatex` runs it."""
    import subprocess

    # latexmk typesets again only when a .tex or its inputs changed; the PDFs' dates come from
    # SOURCE_DATE_EPOCH (the commit's), which it does not see. A chapter's .tex is the same after a
    # new commit (the book's is not: its appendix names the commit), so its PDF kept the last
    # commit's dates and differed from a cold build's. The PDFs of another date are removed first.
    dated = latex / ".source-date-epoch"
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not dated.is_file() or dated.read_text(encoding="utf-8") != epoch:
        for name in pdf_names(folders.book):
            (latex / name).unlink(missing_ok=True)
        dated.write_text(epoch, encoding="utf-8")
    log = folders.logs / "pdflatex-tex.log"
    # one latexmk per PDF (the book's and each chapter's), as many at once as there are cores: each
    # writes only its own files (`<name>.aux`, `.log`, `.fdb_latexmk`, ...)
    jobs = f"--jobs={os.cpu_count() or 1}"
    # LATEXMKOPTS=-xelatex, as the Makefile Sphinx writes advises "for faster builds": each xelatex
    # pass writes an .xdv, and xdvipdfmx makes the PDF once from the last, rather than every pass
    # writing a PDF (most of a pass's time is the charts' PNGs; measured: both PDFs of one chapter
    # took 9.2 s of CPU against 15.0 s)
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            [os.environ.get("MAKE", "make"), jobs, "all-pdf", "LATEXMKOPTS=-xelatex"],
            cwd=latex,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        report_latex_errors(folders, latex)
        forget_read_documents(folders, "pdflatex")
        raise BuildError("LaTeX could not typeset the PDF (see the errors above)", log)


def report_latex_errors(folders: Folders, latex: Path) -> None:
    """LaTeX's own errors ('! ...' and the input line after them)."""
    for pdf_name in pdf_names(folders.book):
        log = latex / pdf_name.replace(".pdf", ".log")
        if not log.is_file():
            continue
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines):
            if line.startswith("!"):
                context = next(
                    (later for later in lines[number + 1 : number + 12] if later.startswith("l.")), ""
                )
                print(
                    f"{log.relative_to(folders.book.root)}: LaTeX: {line[1:].strip()} {context}",
                    file=sys.stderr,
                )


def stage_site(built: Path, staging: Path, published: Path) -> None:
    """A copy of the built site in `staging`, made from hard links to the published site's files
    where a file is unchanged (same size and time), and copies elsewhere.

    Only the changed files are copied, so a rebuild that changed two pages publishes in
    milliseconds. The published files are never written to (a changed file is a new copy in the
    staging folder), so the published site stays whole until the rename replaces it.
    """
    shutil.rmtree(staging, ignore_errors=True)
    for folder, _, files in os.walk(built):
        target = staging / Path(folder).relative_to(built)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            source, old = Path(folder) / name, published / target.relative_to(staging) / name
            try:
                same, new = old.stat(), source.stat()
                if (same.st_size, same.st_mtime_ns) == (new.st_size, new.st_mtime_ns):
                    os.link(old, target / name)
                    continue
            except OSError:
                pass
            shutil.copy2(source, target / name)


def publish(folders: Folders, site: Path, latex: Path | None) -> None:
    root = folders.book.root
    staging = folders.site.with_name("html.new")
    stage_site(site, staging, folders.site)
    if latex is not None:
        # the book's PDF and one per chapter, each beside the site's index.html and in _build/pdf
        pdfs = [latex / name for name in pdf_names(folders.book)]
        for pdf in pdfs:
            if not pdf.is_file():
                raise BuildError(f"the LaTeX build left no {pdf.relative_to(root)}")
        shutil.rmtree(folders.pdf, ignore_errors=True)
        folders.pdf.mkdir(parents=True, exist_ok=True)
        for pdf in pdfs:
            shutil.copy2(pdf, staging / pdf.name)
            shutil.copy2(pdf, folders.pdf / pdf.name)
    else:
        # a PDF or EPUB from an earlier build would not match this site
        shutil.rmtree(folders.pdf, ignore_errors=True)
        shutil.rmtree(folders.epub, ignore_errors=True)
    shutil.rmtree(folders.site, ignore_errors=True)
    staging.rename(folders.site)
    checksums.write_all(folders.site, folders.pdf if latex is not None else None)
    console.say(
        f"site: {folders.site.relative_to(root)}/index.html"
        + (
            f"; PDFs: {folders.pdf.relative_to(root)}/book.pdf and one per chapter"
            if latex is not None
            else ""
        )
    )


def epub(folders: Folders, number: int, total: int) -> None:
    """The EPUB, by Sphinx's epub builder in the PDF's work folder: the pages the PDF stage read,
    from the same execution (nothing is read or executed again). Published in _build/epub with
    its SHA256SUMS, and beside the site's index.html, which links it."""
    started = console.stage(
        number, total, "EPUB from the PDF's pages, strict (nothing read or executed again)"
    )
    run = run_builder(folders, "epub")
    built = run.output / "book.epub"
    if not built.is_file():
        forget_read_documents(folders, "epub")
        raise BuildError(f"the EPUB build left no {built.relative_to(folders.book.root)}", run.log)
    shutil.rmtree(folders.epub, ignore_errors=True)
    folders.epub.mkdir(parents=True)
    for folder in (folders.epub, folders.site):
        shutil.copy2(built, folder / built.name)
        checksums.write_sums(folder)
    console.say(f"EPUB: {(folders.epub / built.name).relative_to(folders.book.root)}")
    console.done(started)


def fail(folders: Folders, error: BuildError) -> int:
    root = folders.book.root
    for published in (folders.site, folders.pdf, folders.epub):
        shutil.rmtree(published, ignore_errors=True)
    print(f"build: {error}", file=sys.stderr)
    if error.log is not None:
        print(f"build: full log: {error.log.relative_to(root)}", file=sys.stderr)
    print(
        f"build: nothing published; {folders.site.relative_to(root)} and {folders.pdf.relative_to(root)} "
        "were removed so that no stale output is taken for this build",
        file=sys.stderr,
    )
    return 1


def build(book: Book, target: str) -> int:
    """The site (`html`), or the site, the PDFs and the EPUB (`book`); 0 when published, 1 when not."""
    folders = Folders(book)
    checksums.pin_build_dates(book.root)
    with_pdf = target == "book"
    total = 6 if with_pdf else 4
    validation = None
    try:
        console.stage(1, total, "validating data/ against data/datapackage.json and the chapter text")
        validation = Validation(folders)
        started = console.stage(
            2, total, f"executing the notebooks whose code or inputs changed, {os.cpu_count()} at once"
        )
        execute_notebooks(folders, validation)
        console.done(started)
        started = console.stage(3, total, "HTML site, strict")
        site = run_builder(folders, "html", validation).output
        console.done(started)
        latex = None
        if with_pdf:
            started = console.stage(4, total, "PDF through LaTeX, strict (reuses the executed notebooks)")
            latex = run_builder(folders, "pdflatex").output
            typeset(folders, latex)
            console.done(started)
        started = console.stage(total - 1 if with_pdf else total, total, "publishing")
        publish(folders, site, latex)
        console.done(started)
        if with_pdf:
            epub(folders, total, total)  # after publishing: it is published beside the site's index.html
    except BuildError as error:
        return fail(folders, error)
    finally:
        if validation is not None and validation.pool is not None:
            validation.pool.shutdown(cancel_futures=True)
    return 0
