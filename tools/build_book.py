"""Build the book strictly into a work folder and publish it only when the build is good.

    python tools/build_book.py html      # site only
    python tools/build_book.py book      # site and PDF
    python tools/build_book.py preview   # fast, not strict: for co-authors while writing

Strict builds run `jupyter-book build . -n -W --keep-going`: any warning (a broken
cross-reference, a missing glue key, a notebook error) fails the build. The work folder keeps
the incremental state (doctrees, executed notebooks); the published `_build/html` and
`_build/pdf` are replaced only after every stage succeeded, and removed when one fails, so a
half-built or stale site is never left looking like a good one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import checksums  # tools/checksums.py: pinned dates, SHA256SUMS

ROOT = Path(__file__).resolve().parent.parent
# one work folder per builder: the PDF uses its own table of contents (_toc-pdf.yml)
WORK = {"html": ROOT / "_build" / "work", "pdflatex": ROOT / "_build" / "work-pdf"}
TOC = {"html": ROOT / "_toc.yml", "pdflatex": ROOT / "_toc-pdf.yml"}
SITE = ROOT / "_build" / "html"
PDF_DIR = ROOT / "_build" / "pdf"
PDF_NAME = "chapter-02-japan.pdf"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
STRICT = ["-n", "-W", "--keep-going"]


def stage(number: int, total: int, what: str) -> float:
    print(f"==> [{number}/{total}] {what}", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f"    done in {time.monotonic() - started:.1f} s", flush=True)


def jupyter_book(builder: str, strict: bool = True) -> None:
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(WORK[builder]),
               "--toc", str(TOC[builder]), "--builder", builder]
    command += STRICT if strict else []
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        if builder == "pdflatex":
            report_latex_errors()
        fail(f"the {builder} build failed (see the warnings above, each with its file and line)")


def report_latex_errors() -> None:
    """LaTeX's own errors ('! ...' and the input line after them), which jupyter-book hides."""
    log = output_of("pdflatex") / "latex" / PDF_NAME.replace(".pdf", ".log")
    if not log.is_file():
        return
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("!"):
            context = next((l for l in lines[number + 1: number + 12] if l.startswith("l.")), "")
            print(f"{log.relative_to(ROOT)}: LaTeX: {line[1:].strip()} {context}", file=sys.stderr)


def output_of(builder: str) -> Path:
    return WORK[builder] / "_build"


def fail(message: str) -> None:
    for published in (SITE, PDF_DIR):
        shutil.rmtree(published, ignore_errors=True)
    print(f"build_book: {message}", file=sys.stderr)
    print(f"build_book: nothing published; {SITE.relative_to(ROOT)} and {PDF_DIR.relative_to(ROOT)} "
          "were removed so that no stale output is taken for this build", file=sys.stderr)
    sys.exit(1)


def publish(with_pdf: bool) -> None:
    staging = SITE.with_name("html.new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(output_of("html") / "html", staging)
    if with_pdf:
        pdf = output_of("pdflatex") / "latex" / PDF_NAME
        if not pdf.is_file():
            fail(f"the LaTeX build left no {pdf.relative_to(ROOT)}")
        shutil.copy2(pdf, staging / PDF_NAME)
        PDF_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copy2(pdf, PDF_DIR / PDF_NAME)
    else:
        # a PDF from an earlier build would not match this site
        shutil.rmtree(PDF_DIR, ignore_errors=True)
    shutil.rmtree(SITE, ignore_errors=True)
    staging.rename(SITE)
    checksums.write_all(SITE, PDF_DIR if with_pdf else None)
    print(f"    site: {SITE.relative_to(ROOT)}/index.html" + (f"; PDF: {PDF_DIR.relative_to(ROOT)}/{PDF_NAME}" if with_pdf else ""))


def main(target: str) -> None:
    checksums.pin_build_dates(ROOT)
    if target == "preview":
        started = stage(1, 1, "preview build of the HTML site (not strict; notebooks from the cache)")
        jupyter_book("html", strict=False)
        shutil.rmtree(SITE, ignore_errors=True)
        shutil.copytree(output_of("html") / "html", SITE)
        done(started)
        return
    with_pdf = target == "book"
    total = 3 if with_pdf else 2
    started = stage(1, total, "HTML site, strict (executes the notebooks whose code or inputs changed)")
    jupyter_book("html")
    done(started)
    if with_pdf:
        started = stage(2, total, "PDF through LaTeX, strict (reuses the executed notebooks)")
        jupyter_book("pdflatex")
        done(started)
    started = stage(total, total, "publishing")
    publish(with_pdf)
    done(started)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in {"html", "book", "preview"}:
        sys.exit(__doc__)
    main(sys.argv[1])
