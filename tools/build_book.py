"""Build the book strictly into a work folder and publish it only when the build is good.

    python tools/build_book.py html      # data validated, then the site
    python tools/build_book.py book      # data validated, then the site and the PDF

`make preview` (tools/preview.py) builds with its own work folder, not through this driver.

Strict builds run `jupyter-book build . -n -W --keep-going`: any warning (a broken
cross-reference, a missing glue key, a notebook error) fails the build. The terminal gets one
line per stage and per executed notebook, then the problems, each with its file and line; the
full output of every stage goes to `_build/logs/<stage>.log`.

Strict on every run: Sphinx reports a document's warnings only on the run that reads it, so after
a failed build the work folder's environment is dropped and the next build re-reads every page
(the notebooks' outputs still come from the execution cache) and fails the same way until the
cause is fixed. Nothing stale is published: the published `_build/html` and `_build/pdf` are
replaced only after every stage succeeded, and removed when any stage fails, validation included.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import checksums  # tools/checksums.py: pinned dates, SHA256SUMS

# No Sphinx, myst-nb or pandas import here: the driver's own start-up is part of every rebuild.
from startup_capitalism.paths import ROOT, build_folder

BUILD = build_folder(ROOT)  # `_build`, or the test suite's own build folder
# one work folder per builder: the PDF uses its own table of contents (_toc-pdf.yml)
WORK = {"html": BUILD / "work", "pdflatex": BUILD / "work-pdf"}
TOC = {"html": ROOT / "_toc.yml", "pdflatex": ROOT / "_toc-pdf.yml"}
SITE = BUILD / "html"
PDF_DIR = BUILD / "pdf"
EPUB_DIR = BUILD / "epub"
LOGS = BUILD / "logs"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
STRICT = ["-n", "-W", "--keep-going"]
# what a person must read in a stage's output: Sphinx's located warnings and errors, the
# exception line of a failing cell, the validator's `file:line: ...` problems
PROBLEM = re.compile(
    r"(WARNING|ERROR|CRITICAL|SEVERE):|^\S+\.(csv|md|yml|json):\d+: |^\w*(Error|Exception): "
)
EXECUTING = re.compile(r"^(\S+\.md): Executing notebook|^    executing (\S+\.md)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NOISE = re.compile(r"running over TCP without encryption|Connection file .* is not readable")
# what validation reads (a prose edit can break a verbatim quote) and what it ran with
VALIDATION_INPUTS = ("data", "chapters", "sources/manuscript", "src/startup_capitalism")
VALIDATED = BUILD / ".validated"
# what the notebooks' outputs depend on: their code, the data and the package
EXECUTION_INPUTS = ("notebooks", "data", "src/startup_capitalism")
SOME_NOTEBOOKS_FAILED = 3  # tools/execute_notebooks.py's exit code when a notebook failed there
EXECUTED = BUILD / ".jupyter_cache" / "executed-inputs"  # goes with the cache


def stage(number: int, total: int, what: str) -> float:
    print(f"==> [{number}/{total}] {what}", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f"    done in {time.monotonic() - started:.1f} s", flush=True)


def run(command: list[str], log_name: str) -> tuple[int, list[str], Path]:
    """Run a stage with its whole output in `_build/logs/<log_name>.log`; print only the
    notebooks it executes as they start, then return its exit code and its problems."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{log_name}.log"
    problems: list[str] = []
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
        for line in process.stdout:
            line = ANSI.sub("", line)
            out.write(line)
            line = line.rstrip("\n")
            executing = EXECUTING.match(line)
            if executing:
                print(f"    executing {shorten_path(executing.group(1) or executing.group(2))}", flush=True)
            elif PROBLEM.search(line) and not NOISE.search(line) and line not in problems:
                problems.append(line)
        returncode = process.wait()
    return returncode, problems, log


# what to do about Sphinx's messages that do not say it themselves
HINTS = {
    "document isn't included in any toctree": "add `- file: {docname}` to _toc.yml (and to _toc-pdf.yml "
    "for a chapter page), next to its chapter's other pages",
    "Glue reference": "the notebook named in `:doc:` glues no such key: check the key's spelling",
}
# Sphinx's status text ("checking consistency... ") can share a line with a warning
STATUS_PREFIX = re.compile(r"^.*?\.\.\. (?=\S+: (WARNING|ERROR))")


def report(problems: list[str]) -> None:
    for problem in problems:
        problem = STATUS_PREFIX.sub("", shorten_path(problem))
        docname = problem.split(":")[0].rsplit(".", 1)[0]
        hint = next(
            (f"\n    -> {what.format(docname=docname)}" for cause, what in HINTS.items() if cause in problem),
            "",
        )
        print(f"  {problem}{hint}", file=sys.stderr, flush=True)


def shorten_path(line: str) -> str:
    """`/abs/path/to/book/chapters/x.md:12: ...` as `chapters/x.md:12: ...`."""
    return line.replace(f"{ROOT}/", "")


def fingerprint(folders: tuple[str, ...]) -> str:
    """sha256 over the names and bytes of every file in the folders (a few ms for this book)."""
    digest = hashlib.sha256()
    for folder in folders:
        files = (p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in sorted(files):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_current(stamp: Path, inputs: str) -> bool:
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == inputs


class Validation:
    """Validation runs alongside the HTML build (the machine has cores to spare while Sphinx reads),
    or not at all when its inputs are those of the last validation that passed. It is waited for
    before any notebook is executed (bad data fails the build in seconds, before a notebook runs
    on it) and before anything is reported or published: invalid data fails the build, whatever
    Sphinx said."""

    def __init__(self) -> None:
        self.inputs = fingerprint(VALIDATION_INPUTS) + sys.executable
        self.process = None
        if is_current(VALIDATED, self.inputs):
            print("    skipped: data, chapters and package as at the last validation that passed", flush=True)
            return
        VALIDATED.unlink(missing_ok=True)
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / "validate.log"
        self.output = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "startup_capitalism.evidence.validate"],
            cwd=ROOT,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        print("    running alongside the next stages", flush=True)

    def check(self) -> None:
        if self.process is None:
            return
        returncode = self.process.wait()
        self.output.close()
        self.process = None
        if returncode != 0:
            lines = ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace")).splitlines()
            report([line for line in lines if PROBLEM.search(line)])
            forget_read_documents("html")
            fail("the data did not validate (each problem above: file:line: column: what is wrong)", self.log)
        VALIDATED.parent.mkdir(parents=True, exist_ok=True)
        VALIDATED.write_text(self.inputs, encoding="utf-8")


def execute_notebooks(validation: Validation) -> None:
    """The notebooks the cache lacks, executed in parallel (tools/execute_notebooks.py)."""
    inputs = fingerprint(EXECUTION_INPUTS) + sys.executable
    if is_current(EXECUTED, inputs):
        print("    skipped: notebooks, data and package unchanged since the last build", flush=True)
        return
    EXECUTED.unlink(missing_ok=True)
    # fail fast: bad data stops the build in seconds, before any notebook runs on it
    validation.check()
    returncode, problems, log = run([sys.executable, str(ROOT / "tools" / "execute_notebooks.py")], "execute")
    if returncode == SOME_NOTEBOOKS_FAILED:
        return  # myst-nb executes them again in the HTML build and reports their errors
    if returncode != 0:
        report(problems)
        fail("the parallel execution of the notebooks stopped", log)
    EXECUTED.parent.mkdir(parents=True, exist_ok=True)
    EXECUTED.write_text(inputs, encoding="utf-8")


def jupyter_book(builder: str, validation: Validation) -> None:
    command = [
        str(JUPYTER_BOOK),
        "build",
        str(ROOT),
        "--path-output",
        str(WORK[builder]),
        "--toc",
        str(TOC[builder]),
        "--builder",
        builder,
        *STRICT,
    ]
    returncode, problems, log = run(command, builder)
    validation.check()
    report(problems)
    if returncode != 0 or problems:
        forget_read_documents(builder)
        if builder == "pdflatex":
            report_latex_errors()
        fail(f"the {builder} build failed (see the problems above, each with its file and line)", log)


def forget_read_documents(builder: str) -> None:
    """Drop the saved environment so the next build re-reads every page and reports its warnings
    again (Sphinx only reports those of the pages it reads)."""
    shutil.rmtree(output_of(builder) / ".doctrees", ignore_errors=True)


def report_latex_errors() -> None:
    """LaTeX's own errors ('! ...' and the input line after them), which jupyter-book hides."""
    from startup_capitalism.sphinxext.pdfs import pdf_names, tex_name

    for pdf_name in pdf_names():
        log = output_of("pdflatex") / "latex" / tex_name(pdf_name).replace(".tex", ".log")
        if not log.is_file():
            continue
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines):
            if line.startswith("!"):
                context = next(
                    (later for later in lines[number + 1 : number + 12] if later.startswith("l.")), ""
                )
                print(f"{log.relative_to(ROOT)}: LaTeX: {line[1:].strip()} {context}", file=sys.stderr)


def output_of(builder: str) -> Path:
    return WORK[builder] / "_build"


def fail(message: str, log: Path | None = None) -> None:
    for published in (SITE, PDF_DIR, EPUB_DIR):
        shutil.rmtree(published, ignore_errors=True)
    print(f"build_book: {message}", file=sys.stderr)
    if log is not None:
        print(f"build_book: full log: {log.relative_to(ROOT)}", file=sys.stderr)
    print(
        f"build_book: nothing published; {SITE.relative_to(ROOT)} and {PDF_DIR.relative_to(ROOT)} "
        "were removed so that no stale output is taken for this build",
        file=sys.stderr,
    )
    sys.exit(1)


def stage_site(built: Path, staging: Path) -> None:
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
            source, published = Path(folder) / name, SITE / target.relative_to(staging) / name
            try:
                same = published.stat()
                new = source.stat()
                if (same.st_size, same.st_mtime_ns) == (new.st_size, new.st_mtime_ns):
                    os.link(published, target / name)
                    continue
            except OSError:
                pass
            shutil.copy2(source, target / name)


def publish(with_pdf: bool) -> None:
    staging = SITE.with_name("html.new")
    stage_site(output_of("html") / "html", staging)
    if with_pdf:
        from startup_capitalism.sphinxext.pdfs import pdf_names

        # the book's PDF and one per chapter, each beside the site's index.html and in _build/pdf
        pdfs = [output_of("pdflatex") / "latex" / name for name in pdf_names()]
        for pdf in pdfs:
            if not pdf.is_file():
                fail(f"the LaTeX build left no {pdf.relative_to(ROOT)}")
        shutil.rmtree(PDF_DIR, ignore_errors=True)
        PDF_DIR.mkdir(parents=True, exist_ok=True)
        for pdf in pdfs:
            shutil.copy2(pdf, staging / pdf.name)
            shutil.copy2(pdf, PDF_DIR / pdf.name)
    else:
        # a PDF from an earlier build would not match this site
        shutil.rmtree(PDF_DIR, ignore_errors=True)
    shutil.rmtree(SITE, ignore_errors=True)
    staging.rename(SITE)
    checksums.write_all(SITE, PDF_DIR if with_pdf else None)
    print(
        f"    site: {SITE.relative_to(ROOT)}/index.html"
        + (f"; PDFs: {PDF_DIR.relative_to(ROOT)}/book.pdf and one per chapter" if with_pdf else "")
    )


def epub(number: int, total: int) -> None:
    """The EPUB, by Sphinx's epub builder in the PDF's work folder: the pages the PDF stage read,
    from the same execution (nothing is read or executed again). Published in _build/epub with
    its SHA256SUMS, and beside the site's index.html, which links it."""
    started = stage(number, total, "EPUB from the PDF's pages, strict (nothing read or executed again)")
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(WORK["pdflatex"])]
    command += ["--toc", str(TOC["pdflatex"]), "--builder", "custom", "--custom-builder", "epub", *STRICT]
    returncode, problems, log = run(command, "epub")
    report(problems)
    built = output_of("pdflatex") / "epub" / "book.epub"
    if returncode != 0 or problems or not built.is_file():
        forget_read_documents("pdflatex")
        fail("the EPUB build failed (see the problems above, each with its file and line)", log)
    shutil.rmtree(EPUB_DIR, ignore_errors=True)
    EPUB_DIR.mkdir(parents=True)
    for folder in (EPUB_DIR, SITE):
        shutil.copy2(built, folder / built.name)
        checksums.write_sums(folder)
    print(f"    EPUB: {(EPUB_DIR / built.name).relative_to(ROOT)}")
    done(started)


def main(target: str) -> None:
    checksums.pin_build_dates(ROOT)
    with_pdf = target == "book"
    total = 6 if with_pdf else 4
    stage(1, total, "validating data/ against data/datapackage.json and the chapter text")
    validation = Validation()
    what = f"executing the notebooks whose code or inputs changed, {os.cpu_count()} at once"
    started = stage(2, total, what)
    execute_notebooks(validation)
    done(started)
    started = stage(3, total, "HTML site, strict (executes only what the stage before could not)")
    jupyter_book("html", validation)
    done(started)
    if with_pdf:
        started = stage(4, total, "PDF through LaTeX, strict (reuses the executed notebooks)")
        jupyter_book("pdflatex", validation)
        done(started)
    started = stage(total - 1 if with_pdf else total, total, "publishing")
    publish(with_pdf)
    done(started)
    if with_pdf:
        epub(total, total)  # after publishing: it is published beside the site's index.html


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in {"html", "book"}:
        sys.exit(__doc__)
    main(sys.argv[1])
