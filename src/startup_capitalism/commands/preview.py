"""`make preview`: serve the book, rebuild on every save, reload the browser.

    python -m startup_capitalism preview [--port 8000]

Serves the preview site on http://127.0.0.1:PORT and watches chapters/, notebooks/, data/ and
src/ (watchfiles). The builds are fast and not strict, and print their problems with file and
line: a builder process keeps one Sphinx application in memory, so a save of a chapter page
re-reads only that page (and its chapter's changes page) without starting Sphinx again; a save
under notebooks/, data/ or src/ starts a fresh builder, which re-executes what changed (the
package and the execution cache's key are read when a builder starts). The builder answers each
build with its outcome and problems over a pipe (never in printed lines). Each served page
carries a small script (served from here, nothing from a third party) that polls `/__preview__`
and reloads the page after each build, with a red banner naming the first problem while the last
build has one. Ctrl-C stops it.

Why not sphinx-autobuild (the ecosystem's previewer): it runs a new `sphinx-build` process for
every save, so each save pays Python's start, the extensions' imports and the environment's
unpickling before Sphinx reads the one changed page. Measured on this book, a scratch copy, the
same paragraph saved on the first chapter's opening page, Chromium waiting for the reloaded text
(2 shared cores at load average 11-12, 2026-11-30): sphinx-autobuild 2025.8.25 over the conf.py
that `jupyter-book config sphinx` writes, 13.2, 22.1 and 19.3 s; this preview 5.8, 5.3 and 6.0 s
(1.04 s in `make bench` on a quieter machine). The configuration is jupyter-book's own
(`get_final_config`, what `jupyter-book config sphinx` writes as conf.py), with the build's
`--toc` arguments (`sphinx_build.cli_config`).

The preview has its own work folder (`_build/work-preview`): it never touches `_build/html`, and
its non-strict runs never hide a warning from a strict `make html`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import multiprocessing
import signal
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..book import Book
from .console import ANSI
from .sphinx_build import cli_config, doctrees, output_folder

WATCHED = ("chapters", "notebooks", "data", "src")
STATUS_PATH = "/__preview__"
RELOAD_SCRIPT = b"""<script>
(function () {
  var seen = null;
  function check() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build;
      var banner = document.getElementById("preview-failed");
      if (s.failed && !banner) {
        banner = document.createElement("div");
        banner.id = "preview-failed";
        banner.setAttribute("role", "alert");
        banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:9999;" +
          "padding:.5em 1em;background:#b00020;color:#fff;font:14px sans-serif";
        document.body.appendChild(banner);
      }
      if (banner) {
        banner.textContent = s.failed ? "Preview build: a problem (see the terminal): " + s.failed : "";
        banner.hidden = !s.failed;
      }
    }).catch(function () {}).finally(function () { setTimeout(check, 250); });
  }
  check();
})();
</script>""" % STATUS_PATH.encode()


def work_folder(book: Book) -> Path:
    return book.build_dir / "work-preview"


# --- the builder process -------------------------------------------------------------------------


class Problems(io.TextIOBase):
    """Sphinx's warning stream: each problem printed as it comes, paths relative to the book."""

    def __init__(self, root: Path):
        self.root = root
        self.found: list[str] = []

    def write(self, text: str) -> int:
        for line in ANSI.sub("", text).splitlines():
            if line.strip():
                self.found.append(line.replace(f"{self.root}/", ""))
                print("  " + self.found[-1], flush=True)
        return len(text)


class Status(io.TextIOBase):
    """Sphinx's status stream: only the notebooks myst-nb executes (its log record's location)."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, text: str) -> int:
        for line in ANSI.sub("", text).splitlines():
            if "Executing notebook" in line:
                print("  executing " + line.split(":")[0].replace(f"{self.root}/", ""), flush=True)
        return len(text)


def builder(root: Path, builds) -> None:
    """Build whenever asked on the pipe `builds`, with one Sphinx application kept in memory;
    answer each build with {"ok": bool, "problems": [...]}. Stops when the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it closes the pipe
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    book = Book(root)
    work = work_folder(book)
    config, _ = get_final_config(
        user_yaml=book.config_file, cli_config=cli_config(book.toc_file, strict=False), sourcedir=book.root
    )
    problems = Problems(book.root)
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_docutils(None))
        stack.enter_context(docutils_namespace())
        app = Sphinx(
            srcdir=book.root,
            confdir=None,
            outdir=output_folder(work, "html"),
            doctreedir=doctrees(work),
            buildername="html",
            confoverrides=config,
            status=Status(book.root),
            warning=problems,
            freshenv=False,
            warningiserror=False,
            keep_going=True,
        )
        while True:
            problems.found = []
            try:
                app.build(False, [])
                ok = app.statuscode == 0
            except Exception as error:  # a broken page must not end the preview
                problems.write(f"{type(error).__name__}: {error}")
                ok = False
            builds.send({"ok": ok, "problems": problems.found})
            try:
                builds.recv()
            except EOFError:
                return


class Builder:
    """The builder process, restarted when code or data change."""

    def __init__(self, book: Book, state: State):
        self.book = book
        self.state = state
        self.process = None
        self.pipe = None

    def start(self) -> None:
        self.stop()
        # spawn: a fresh interpreter imports the package as it is on disk now
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=builder, args=(self.book.root, theirs), daemon=True)
        self.process.start()
        theirs.close()
        self.wait()

    def rebuild(self) -> None:
        if self.process is None or not self.process.is_alive():
            self.start()
            return
        self.pipe.send("build")
        self.wait()

    def wait(self) -> None:
        started = time.monotonic()
        try:
            outcome = self.pipe.recv()
        except EOFError:
            outcome = {"ok": False, "problems": ["the builder stopped (see above)"]}
        problems = outcome["problems"]
        summary = f"{len(problems)} problem(s)" if outcome["ok"] else f"failed, {len(problems)} problem(s)"
        self.state.failed = "" if outcome["ok"] and not problems else (problems or [summary])[0]
        self.state.build += 1
        print(
            f"preview: build {self.state.build} in {time.monotonic() - started:.1f} s: {summary}", flush=True
        )

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.pipe.close()
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()


# --- the server and the watcher ------------------------------------------------------------------


class State:
    def __init__(self):
        self.build = 0
        self.failed = ""


class PreviewHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self):
        if self.path.startswith(STATUS_PATH):
            status = {"build": self.state.build, "failed": self.state.failed}
            self.send(json.dumps(status).encode(), "application/json")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self.send(
                path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1),
                "text/html; charset=utf-8",
            )
            return
        super().do_GET()

    def send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # the terminal is for build problems only
        pass


def preview(book: Book, port: int = 8000) -> int:
    from watchfiles import watch

    # `kill` as Ctrl-C: stop the builder process and the server on the way out
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("==> preview: first build (not strict; notebooks from the execution cache)", flush=True)
    state = State()
    books = Builder(book, state)
    books.start()
    site = output_folder(work_folder(book), "html")
    handler = functools.partial(PreviewHandler, directory=str(site), state=state)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"preview: serving http://127.0.0.1:{port} ; watching {' '.join(f'{name}/' for name in WATCHED)} "
        "(Ctrl-C to stop)",
        flush=True,
    )
    prose = book.chapters_dir  # saves there only change pages' text: the running builder re-reads them
    try:
        for changes in watch(
            *(book.root / name for name in WATCHED),
            debounce=300,
            step=20,
            watch_filter=lambda change, path: path.endswith((".md", ".csv", ".json", ".py", ".yml")),
        ):
            changed = sorted({Path(path) for _, path in changes})
            print(
                "preview: saved " + ", ".join(p.relative_to(book.root).as_posix() for p in changed),
                flush=True,
            )
            if all(prose in path.parents for path in changed):
                books.rebuild()
            else:
                books.start()
    except KeyboardInterrupt:
        pass
    finally:
        books.stop()
        server.shutdown()
    return 0
