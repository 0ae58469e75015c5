"""The built site served as a static host serves it, and what a page moves over the network.

Shared by tests/test_browser.py and the benchmark (benchmarks/throttled_pages.py, lighthouse.py).
Text files go out gzip-compressed and every file with a ten-minute cache lifetime, as GitHub Pages
serves a site.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import socketserver
import threading
from dataclasses import dataclass
from pathlib import Path

COMPRESSED_TYPES = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map")
CACHE_LIFETIME = "max-age=600"
# a chart has drawn when its SVG holds at least one mark group with shapes in it
DRAWN_MARKS = """'svg g[class*="mark-"] path, svg g[class*="mark-"] line'"""
CHARTS_DRAWN = f"""() => Array.from(document.querySelectorAll('.startup-chart'))
  .every(c => c.querySelector({DRAWN_MARKS}))"""
# every chart either drawn or marked by startup-charts.js as one it could not draw (its text says why)
CHARTS_SETTLED = f"""() => Array.from(document.querySelectorAll('.startup-chart'))
  .every(c => c.classList.contains('startup-chart-failed') || c.querySelector({DRAWN_MARKS}))"""


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    gzip_text = True
    _compressed: dict[Path, bytes] = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", CACHE_LIFETIME)
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (
            not self.gzip_text
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or path.suffix not in COMPRESSED_TYPES
            or not path.is_file()
        ):
            return super().send_head()
        body = self._compressed.get(path)
        if body is None:
            body = self._compressed[path] = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _BytesFile(body)


class _BytesFile:
    def __init__(self, body: bytes):
        self.body = body

    def read(self, *_):
        body, self.body = self.body, b""
        return body

    def close(self):
        pass


class _ThreadedServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


@contextlib.contextmanager
def serve_site(site: Path, gzip: bool = True):
    """Yield the base URL of `site` served on a free local port."""
    handler_class = type("Handler", (StaticHostHandler,), {"gzip_text": gzip, "_compressed": {}})
    handler = functools.partial(handler_class, directory=str(site))
    with _ThreadedServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


@dataclass
class Moved:
    bytes: int = 0
    requests: int = 0


@contextlib.contextmanager
def transferred_bytes_of(session):
    """Bytes and requests the page moves over the network (a CDP session with Network enabled);
    files served from the browser's cache move nothing."""
    moved = Moved()

    def finished(event):
        moved.bytes += int(event.get("encodedDataLength", 0))

    def received(event):
        if not event["response"].get("fromDiskCache") and not event["response"].get("fromPrefetchCache"):
            moved.requests += 1

    session.on("Network.loadingFinished", finished)
    session.on("Network.responseReceived", received)
    try:
        yield moved
    finally:
        session.remove_listener("Network.loadingFinished", finished)
        session.remove_listener("Network.responseReceived", received)
