"""A real web site on 127.0.0.1 for the fetching tests: briefs, a PDF, feeds, sitemaps.

:class:`Site` is an ``http.server`` in a thread on an ephemeral port. Every request is
logged (path, status, whether it was conditional, user agent, time), so a test can prove
what was downloaded. Routes are plain data: static content (with ETag and/or
Last-Modified, answering ``304`` to a matching conditional request), redirects, status
codes, a route that fails N times before it works, and one that stalls.

``policy_site`` lays out the standard site the run tests use; ``site`` is its fixture.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED = ROOT.parent / "shared" / "seeds" / "iskp-goes-global.txt"

SHORT_BRIEF = b"""<!doctype html>
<html lang="en"><head><title>Raids in Iraq</title></head>
<body><article><h1>Raids in Iraq</h1>
<p>In 2021, Iraqi security forces conducted 24 counterterrorism raids against Islamic State cells in
Anbar province, according to the interior ministry, which said that the raids led to the arrest of
dozens of suspects and the seizure of weapons caches across the western desert.</p>
</article></body></html>
"""


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: bool = True
    last_modified: bool = True
    location: str | None = None  # a redirect's target
    fail_first: int = 0  # answer 500 to this many requests first
    stall: float = 0.0  # seconds to wait before answering
    chunked: bool = False  # no Content-Length: the body is sent in chunks
    headers: dict[str, str] | None = None
    modified: float = 1_700_000_000.0  # Last-Modified, epoch seconds


@dataclass(frozen=True)
class Hit:
    path: str
    status: int  # 0: stalled (no answer before the client gave up)
    conditional: bool
    user_agent: str
    at: float


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is no error here
            super().handle_error(request, client_address)


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        self._served: dict[str, int] = {}
        self.stopping = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                site._handle(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **route: object) -> Route:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **route)  # type: ignore[arg-type]
        return self.routes[path]

    def hits(self, path: str | None = None, since: int = 0) -> list[Hit]:
        with self._lock:
            return [h for h in self.log[since:] if path is None or h.path == path]

    def mark(self) -> int:
        with self._lock:
            return len(self.log)

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # -------------------------------------------------------------- serving

    def _record(self, request: BaseHTTPRequestHandler, status: int) -> None:
        conditional = bool(request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"))
        with self._lock:
            self.log.append(Hit(request.path, status, conditional, request.headers.get("User-Agent", ""), time.monotonic()))

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(request.path)
        with self._lock:
            served = self._served.get(request.path, 0)
            self._served[request.path] = served + 1
        if route is None:
            return self._send(request, 404, b"not found", "text/plain")
        if route.stall:
            self._record(request, 0)
            self.stopping.wait(route.stall)
            self._send(request, 200, route.body, route.content_type, record=False)
            return None
        if served < route.fail_first:
            return self._send(request, 500, b"try again", "text/plain")
        if route.location:
            return self._send(request, route.status, b"", "text/plain", {"Location": self.url(route.location)
                                                                        if route.location.startswith("/") else route.location})
        if route.status != 200:
            return self._send(request, route.status, route.body, route.content_type)
        headers = dict(route.headers or {})
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        if route.etag:
            headers["ETag"] = etag
        if route.last_modified:
            headers["Last-Modified"] = formatdate(route.modified, usegmt=True)
        if self._not_modified(request, route, etag):
            return self._send(request, 304, b"", None, headers)
        return self._send(request, 200, route.body, route.content_type, headers, chunked=route.chunked)

    @staticmethod
    def _not_modified(request: BaseHTTPRequestHandler, route: Route, etag: str) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            return route.etag and etag in [t.strip() for t in if_none_match.split(",")]
        since = request.headers.get("If-Modified-Since")
        if since and route.last_modified:
            try:
                return parsedate_to_datetime(since).timestamp() >= int(route.modified)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str | None,
              headers: dict[str, str] | None = None, *, chunked: bool = False, record: bool = True) -> None:
        if record:
            self._record(request, status)
        try:
            request.send_response(status)
            if content_type:
                request.send_header("Content-Type", content_type)
            for key, value in (headers or {}).items():
                request.send_header(key, value)
            if chunked:
                request.send_header("Transfer-Encoding", "chunked")
                request.end_headers()
                for i in range(0, len(body), 1024):
                    piece = body[i : i + 1024]
                    request.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                request.wfile.write(b"0\r\n\r\n")
            else:
                request.send_header("Content-Length", str(0 if status == 304 else len(body)))
                request.end_headers()
                if status != 304:
                    request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a stalled answer)


def rss(site: Site, links: list[str]) -> str:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link><guid>item-{i}</guid></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Briefs</title>'
            f"<link>{site.base}/</link><description>Policy briefs</description>{items}</channel></rss>")


def atom(links: list[str]) -> str:
    entries = "".join(f'<entry><title>Entry {i}</title><id>urn:entry:{i}</id><updated>2024-05-01T00:00:00Z</updated>'
                      f'<link rel="alternate" href="{link}"/></entry>' for i, link in enumerate(links))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Reports</title><id>urn:reports</id><updated>2024-05-01T00:00:00Z</updated>{entries}</feed>")


def urlset(site: Site, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def sitemap_index(site: Site, paths: list[str]) -> str:
    maps = "".join(f"<sitemap><loc>{site.url(p)}</loc></sitemap>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>')


def policy_site(site: Site) -> Site:
    """The standard site (see tests/test_run.py for what each source finds there)."""
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain", etag=False,
             last_modified=False)
    site.add("/briefs/plots-europe.html", (SAMPLES / "iskp-plots-europe.html").read_bytes())
    site.add("/old/plots-europe", status=301, location="/briefs/plots-europe.html")
    site.add("/reports/central-asia.pdf", (SAMPLES / "central-asia-recruitment.pdf").read_bytes(),
             content_type="application/pdf")
    site.add("/briefs/finance.txt", (SAMPLES / "iskp-finance-networks.txt").read_bytes(),
             content_type="text/plain; charset=utf-8", etag=False)  # Last-Modified only
    site.add("/flaky.html", SHORT_BRIEF, fail_first=1)
    site.add("/slow.html", SHORT_BRIEF.replace(b"24", b"25"), stall=3.0)
    site.add("/always-500.html", b"broken", status=500, content_type="text/plain")
    site.add("/private/report.html", SHORT_BRIEF.replace(b"24", b"26"))
    site.add("/tags/iskp.html", SHORT_BRIEF.replace(b"24", b"27"))
    site.add("/feed.rss", rss(site, [site.url("/old/plots-europe"), site.url("/private/report.html"),
                                     "file:///etc/passwd"]), content_type="application/rss+xml")
    site.add("/atom.xml", atom(["flaky.html", "/slow.html"]), content_type="application/atom+xml")
    site.add("/sitemap.xml", sitemap_index(site, ["/sitemaps/briefs.xml.gz", "/sitemaps/gone.xml"]),
             content_type="application/xml")
    site.add("/sitemaps/briefs.xml.gz", gzip.compress(urlset(site, ["/briefs/finance.txt", "/tags/iskp.html"]).encode(),
                                                      mtime=0), content_type="application/gzip")
    return site


@pytest.fixture(name="site")
def site_fixture() -> Iterator[Site]:
    """The standard site, running; each test gets its own (fresh request log and counters)."""
    running = policy_site(Site()).start()
    try:
        yield running
    finally:
        running.stop()
