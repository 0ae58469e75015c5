"""`make preview`: serve the book, rebuild on every save, reload the browser.

    python tools/preview.py [--port 8000]

Serves the preview site on http://127.0.0.1:PORT and watches chapters/, notebooks/, data/ and
src/ (watchfiles). The builds are fast and not strict, and print their problems with file and
line: a builder process keeps one Sphinx application in memory, so a save of a chapter page
re-reads only that page (and its chapter's changes page) without starting jupyter-book again; a
save under notebooks/, data/ or src/ starts a fresh builder, which re-executes what changed (the
package and the execution cache's key are read when a builder starts). Each served page carries a
small script (served from here, nothing from a third party) that polls `/__preview__` and reloads
the page after each build, with a red banner naming the first problem while the last build has
one. Ctrl-C stops it.

The preview has its own work folder (`_build/work-preview`): it never touches `_build/html`, and
its non-strict runs never hide a warning from a strict `make html`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from startup_capitalism.paths import ROOT

WORK = ROOT / "_build" / "work-preview" / "_build"
SITE = WORK / "html"
WATCHED = [ROOT / name for name in ("chapters", "notebooks", "data", "src")]
# saves there only change pages' text: the running builder re-reads them
PROSE = ROOT / "chapters"
STATUS_PATH = "/__preview__"
DONE = "preview-build-done"
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
# what a person must read: located warnings and errors, a failing cell's exception
PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL|SEVERE):|^\w*(Error|Exception): ")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- the builder process -------------------------------------------------------------------------


class Problems(io.TextIOBase):
    """Sphinx's warning stream: each problem printed once, paths relative to the book."""

    def __init__(self):
        self.count = 0

    def write(self, text: str) -> int:
        for line in ANSI.sub("", text).splitlines():
            if line.strip():
                self.count += 1
                print("  " + line.replace(f"{ROOT}/", ""), flush=True)
        return len(text)


class Status(io.TextIOBase):
    """Sphinx's status stream: only the notebooks it executes."""

    def write(self, text: str) -> int:
        for line in ANSI.sub("", text).splitlines():
            if "Executing notebook" in line:
                print("  executing " + line.split(":")[0].replace(f"{ROOT}/", ""), flush=True)
        return len(text)


def builder() -> None:
    """Build whenever a line arrives on stdin, with one Sphinx application kept in memory."""
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"external_toc_path": "_toc.yml", "latex_individualpages": False},
        sourcedir=ROOT,
        use_external_toc=True,
    )
    problems = Problems()
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_docutils(None))
        stack.enter_context(docutils_namespace())
        app = Sphinx(
            srcdir=ROOT,
            confdir=None,
            outdir=SITE,
            doctreedir=WORK / ".doctrees",
            buildername="html",
            confoverrides=config,
            status=Status(),
            warning=problems,
            freshenv=False,
            warningiserror=False,
            keep_going=True,
        )
        while True:
            problems.count = 0
            try:
                app.build(False, [])
                outcome = "ok" if app.statuscode == 0 else "failed"
            except Exception as error:  # a broken page must not end the preview
                print(f"  {type(error).__name__}: {error}", flush=True)
                outcome = "failed"
            print(f"{DONE} {outcome} {problems.count}", flush=True)
            if not sys.stdin.readline():
                return


# --- the server and the watcher ------------------------------------------------------------------


class State:
    build = 0
    failed = ""


class PreviewHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith(STATUS_PATH):
            self.send(json.dumps({"build": State.build, "failed": State.failed}).encode(), "application/json")
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


class Builder:
    """The builder process, restarted when code or data change."""

    def __init__(self):
        self.process = None

    def start(self) -> None:
        self.stop()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--builder"],
            cwd=ROOT,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.wait()

    def rebuild(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()
            return
        self.process.stdin.write("build\n")
        self.process.stdin.flush()
        self.wait()

    def wait(self) -> None:
        started = time.monotonic()
        first_problem, summary = "", "the builder stopped (see above)"
        for line in self.process.stdout:
            if line.startswith(DONE):
                _, outcome, count = line.split()
                summary = f"{count} problem(s)" if outcome == "ok" else f"failed, {count} problem(s)"
                break
            print(line, end="", flush=True)
            if not first_problem and PROBLEM.search(line):
                first_problem = line.strip()
        ok = summary == "0 problem(s)"
        State.failed = "" if ok else first_problem or summary
        State.build += 1
        print(f"preview: build {State.build} in {time.monotonic() - started:.1f} s: {summary}", flush=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--builder", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.builder:
        builder()
        return
    from watchfiles import watch

    # `kill` as Ctrl-C: stop the builder process and the server on the way out
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("==> preview: first build (not strict; notebooks from the execution cache)", flush=True)
    books = Builder()
    books.start()
    server = ThreadingHTTPServer(
        ("127.0.0.1", arguments.port), functools.partial(PreviewHandler, directory=str(SITE))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"preview: serving http://127.0.0.1:{arguments.port} ; watching chapters/ notebooks/ data/ src/ "
        "(Ctrl-C to stop)",
        flush=True,
    )
    try:
        for changes in watch(
            *WATCHED,
            debounce=300,
            step=20,
            watch_filter=lambda change, path: path.endswith((".md", ".csv", ".json", ".py", ".yml")),
        ):
            changed = sorted({Path(path) for _, path in changes})
            print("preview: saved " + ", ".join(p.relative_to(ROOT).as_posix() for p in changed), flush=True)
            if all(PROSE in path.parents for path in changed):
                books.rebuild()
            else:
                books.start()
    except KeyboardInterrupt:
        pass
    finally:
        books.stop()
        server.shutdown()


if __name__ == "__main__":
    main()
