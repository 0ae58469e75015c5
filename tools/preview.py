"""`make preview`: serve the book, rebuild on every save, reload the browser.

    python tools/preview.py [--port 8000]

Serves `_build/preview` on http://127.0.0.1:PORT. A save under chapters/, notebooks/, data/ or
src/ (watched with watchfiles) runs the fast, non-strict preview build (`build_book.py preview`),
which prints the problems with their file and line; each page of the site carries a small script
(served from here, no third party) that asks `/__preview__` for the build number and reloads the
page when it changes, with a red banner while the last build failed. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchfiles import watch

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "preview"
WATCHED = [ROOT / name for name in ("chapters", "notebooks", "data", "src")]
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
        banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:9999;padding:.5em 1em;background:#b00020;color:#fff;font:14px sans-serif";
        document.body.appendChild(banner);
      }
      if (banner) { banner.textContent = s.failed ? "Preview build failed (see the terminal): " + s.failed : ""; banner.hidden = !s.failed; }
    }).catch(function () {}).finally(function () { setTimeout(check, 300); });
  }
  check();
})();
</script>""" % STATUS_PATH.encode()


class State:
    build = 0
    failed = ""


class PreviewHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith(STATUS_PATH):
            body = json.dumps({"build": State.build, "failed": State.failed}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format, *args):  # the terminal is for build problems only
        pass


def build() -> None:
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "preview"], cwd=ROOT,
                            capture_output=True, text=True)
    print(result.stdout + result.stderr, end="", flush=True)
    State.failed = "" if result.returncode == 0 else next(
        (line.strip() for line in result.stderr.splitlines() if line.strip()), "see the terminal")
    State.build += 1
    print(f"preview: build {State.build} {'FAILED' if State.failed else 'ready'} "
          f"in {time.monotonic() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args().port
    build()
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(PreviewHandler, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"preview: serving http://127.0.0.1:{port} ; watching chapters/ notebooks/ data/ src/ (Ctrl-C to stop)",
          flush=True)
    try:
        for changes in watch(*WATCHED, debounce=400, step=30,
                             watch_filter=lambda change, path: not path.endswith((".pyc", "~", ".swp"))):
            names = sorted({Path(path).relative_to(ROOT).as_posix() for _, path in changes})
            print(f"preview: changed {', '.join(names)}", flush=True)
            build()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
