"""Fetching web pages and PDFs politely, with limits, over http and https only.

:class:`Fetcher` wraps one ``httpx.Client`` (thread-safe; the run flow shares it between
its workers) and does, for every address:

- **only http and https**: any other scheme (``file:``, ``ftp:``, ``javascript:``...) is
  refused with a :class:`FetchError`, before any I/O, at every redirect hop too;
- **robots.txt**: read once per host and run (:class:`RobotsCache`, ``urllib.robotparser``,
  RFC 9309: a 4xx robots.txt allows everything, one that cannot be read because of a
  server or network error disallows everything); its ``Crawl-delay`` is honoured up to
  ``max_crawl_delay``;
- **politeness**: at most ``per_host`` requests in flight per host, and request starts to
  one host spaced ``delay`` seconds apart, except conditional requests answered ``304``
  (:class:`HostGate`);
- **limits**: connect and read timeouts, a wall-clock deadline per request (connect,
  headers and body: a server trickling bytes cannot extend it, see
  :mod:`claimtrail.deadline`) and per address (every attempt and redirect), at most
  ``max_redirects`` redirects (followed here, hop by hop, so each hop is checked), and a
  size cap (``Content-Length`` checked first, then the body is streamed and dropped as
  soon as it passes the cap, after decompression);
- **retries**: timeouts, connection errors and 5xx answers are retried ``retries`` times
  with exponential backoff (``Retry-After`` honoured up to ``max_backoff``) while the
  address's time allows; 4xx never;
- **conditional requests**: given the ``ETag`` / ``Last-Modified`` of the last fetch, an
  unchanged page answers ``304`` and comes back as a result with ``not_modified`` set.

The bytes are kept as they came, with the ``Content-Type`` header only as a hint: the
converters sniff the type from the bytes. ``FetchResult.final_url`` is the address after
redirects.
"""

from __future__ import annotations

import os
import random
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from claimtrail import __version__
from claimtrail.deadline import deadline, transport as deadline_transport
from claimtrail.schema.records import ConversionError

USER_AGENT_ENV = "CLAIMTRAIL_USER_AGENT"
ROBOTS_AGENT = "claimtrail"  # the product token robots.txt rules are matched against
_REDIRECTS = {301, 302, 303, 307, 308}
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"


def default_user_agent() -> str:
    """``$CLAIMTRAIL_USER_AGENT`` (e.g. to add a contact address), else claimtrail's own."""
    return os.environ.get(USER_AGENT_ENV) or (
        f"claimtrail/{__version__} (+claimtrail; fetches public policy reports for research)"
    )


@dataclass(frozen=True, slots=True)
class FetchSettings:
    connect_timeout: float = 10.0  # seconds to connect
    read_timeout: float = 30.0  # seconds without a byte from the server
    total_timeout: float = 120.0  # seconds for one request: connect, headers and body, however they trickle
    max_fetch_time: float = 300.0  # seconds for one address: all attempts, backoff and redirects
    max_redirects: int = 5
    max_bytes: int = 50 * 1024 * 1024  # after decompression
    retries: int = 2  # extra attempts after a timeout, connection error or 5xx
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_backoff: float = 30.0
    per_host: int = 2  # requests in flight to one host
    delay: float = 1.0  # seconds between request starts to one host
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay is honoured up to this
    respect_robots: bool = True
    robots_max_bytes: int = 512 * 1024
    user_agent: str = field(default_factory=default_user_agent)


class FetchError(ConversionError):
    """An address that could not be fetched; the message is shown to users as is."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int  # 2xx, or 304 for a conditional request whose page has not changed
    content: bytes = b""
    content_type: str | None = None  # the header, a hint only
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str | None:
        value = (self.content_type or "").split(";")[0].strip().lower()
        return value or None


def check_scheme(url: str) -> None:
    """Refuse anything but an absolute http(s) URL, with a message that says why."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        what = f"{scheme}: addresses are not fetched" if scheme else "not an absolute address"
        raise FetchError(f"refused: {what} (only http and https)")
    if not parts.hostname:
        raise FetchError("refused: the address has no host")


def origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = "" if parts.port in (None, default) else f":{parts.port}"
    return f"{parts.scheme.lower()}://{host}{port}"


@dataclass(slots=True)
class Visit:
    """One request through a :class:`HostGate`; ``light`` once it proves cheap for the server."""

    light: bool = False


class HostGate:
    """At most ``per_host`` requests in flight to one host, starts spaced ``delay`` apart.

    A conditional request (one that sends validators) is expected to be light: a ``304 Not
    Modified`` is no work for the server, so it neither waits for nor adds a delay, and
    only the in-flight bound holds; should it come back with a body after all, the delay is charged after
    it. A nightly pass over unchanged pages thus costs round trips, not ``delay`` seconds
    a page.
    """

    def __init__(self, per_host: int) -> None:
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, delay: float, conditional: bool = False) -> Iterator[Visit]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        semaphore.acquire()
        visit = Visit()
        try:
            with self._lock:
                now = time.monotonic()
                start = now if conditional else max(now, self._next_start.get(host, 0.0))
                if not conditional:
                    self._next_start[host] = start + delay
            if start > now:
                time.sleep(start - now)
            yield visit
        finally:
            if conditional and not visit.light:
                with self._lock:
                    self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + delay)
            semaphore.release()


class RobotsCache:
    """Each host's robots.txt, fetched once (per Fetcher, i.e. per run) and kept."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, tuple[urllib.robotparser.RobotFileParser, str | None]] = {}

    def _get(self, url: str) -> tuple[urllib.robotparser.RobotFileParser, str | None]:
        host = origin(url)
        with self._lock:
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        with host_lock:
            if host not in self._rules:
                self._rules[host] = self._load(host)
            return self._rules[host]

    def _load(self, host: str) -> tuple[urllib.robotparser.RobotFileParser, str | None]:
        """The parsed rules, and why everything is disallowed when robots.txt was unreadable."""
        parser = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
        try:
            result = self._fetcher._get(f"{host}/robots.txt", {}, self._fetcher.settings.robots_max_bytes,
                                        robots=False)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True  # RFC 9309: robots.txt "unavailable" -> no rules
                return parser, None
            parser.disallow_all = True  # RFC 9309: "unreachable" -> complete disallow
            return parser, f"robots.txt could not be read ({exc})"
        text = result.content.decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return parser, None

    def check(self, url: str) -> None:
        """Raise :class:`FetchError` when robots.txt disallows ``url``."""
        parser, reason = self._get(url)
        if not parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(f"not fetched: {reason}" if reason else "not fetched: disallowed by robots.txt")

    def crawl_delay(self, url: str) -> float | None:
        parser, _ = self._get(url)
        value = parser.crawl_delay(ROBOTS_AGENT)
        return float(value) if value is not None else None


class Fetcher:
    """Polite, bounded HTTP GETs; use as a context manager (it holds a connection pool)."""

    def __init__(self, settings: FetchSettings | None = None, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = s = settings or FetchSettings()
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
        self._client = httpx.Client(
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout,
                                  pool=s.total_timeout),
            follow_redirects=False,
            headers={"User-Agent": s.user_agent, "Accept": _ACCEPT},
            limits=limits,
            transport=transport or deadline_transport(limits),
        )
        self.gate = HostGate(s.per_host)
        self.robots = RobotsCache(self)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url``; with ``etag``/``last_modified`` a conditional request (304 -> ``not_modified``).

        Raises :class:`FetchError` for refused addresses, robots.txt, HTTP errors (after
        the retries), timeouts, too many redirects and responses over the size cap.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, self.settings.max_bytes, robots=self.settings.respect_robots)

    # ------------------------------------------------------------------ internals

    def _get(self, url: str, headers: dict[str, str], max_bytes: int, *, robots: bool) -> FetchResult:
        give_up = time.monotonic() + self.settings.max_fetch_time
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            check_scheme(current)
            delay = self.settings.delay
            if robots:
                self.robots.check(current)
                crawl_delay = self.robots.crawl_delay(current)
                if crawl_delay:
                    delay = max(delay, min(crawl_delay, self.settings.max_crawl_delay))
            answer = self._with_retries(current, headers, max_bytes, delay, give_up)
            if isinstance(answer, FetchResult):
                return FetchResult(url, answer.final_url, answer.status, answer.content, answer.content_type,
                                   answer.etag, answer.last_modified)
            current = urljoin(current, answer)
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    def _with_retries(self, url: str, headers: dict[str, str], max_bytes: int, delay: float,
                      give_up: float) -> FetchResult | str:
        """One hop, retried while it fails in a retryable way and ``give_up`` (monotonic) is ahead."""
        s = self.settings
        for attempt in range(s.retries + 1):
            try:
                return self._attempt(url, headers, max_bytes, delay, give_up)
            except FetchError as exc:
                wait = min(s.backoff * 2**attempt, s.max_backoff)
                if exc.retry_after is not None:
                    wait = max(wait, min(exc.retry_after, s.max_backoff))
                wait *= random.uniform(1.0, 1.25)  # jitter: retries of many workers spread out
                out_of_time = time.monotonic() + wait >= give_up
                if not exc.retryable or attempt == s.retries or out_of_time:
                    if attempt:
                        raise FetchError(f"{exc} ({attempt + 1} attempts)", status=exc.status) from None
                    raise
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _attempt(self, url: str, headers: dict[str, str], max_bytes: int, delay: float,
                 give_up: float) -> FetchResult | str:
        """One request: a result, a redirect target (str), or a FetchError."""
        s = self.settings
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        with self.gate.slot(origin(url), delay, conditional) as visit:
            allowed = max(0.001, min(s.total_timeout, give_up - time.monotonic()))
            try:
                with deadline(allowed) as end, self._client.stream("GET", url, headers=headers) as response:
                    code = response.status_code
                    if code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"HTTP {code} redirect without a Location header", status=code)
                        return location
                    if code >= 400:
                        raise FetchError(f"HTTP {code} {response.reason_phrase}".strip(), status=code,
                                         retryable=code >= 500, retry_after=_retry_after(response))
                    if code != 304 and not 200 <= code < 300:
                        raise FetchError(f"unexpected HTTP {code} {response.reason_phrase}".strip(), status=code)
                    visit.light = code == 304
                    content = b"" if code == 304 else _read_capped(response, max_bytes)
                    return FetchResult(url, str(response.url), code, content, response.headers.get("content-type"),
                                       response.headers.get("etag"), response.headers.get("last-modified"))
            except httpx.TimeoutException as exc:
                if time.monotonic() >= end:
                    raise FetchError(f"timed out: the request took more than {round(allowed, 1):g} s",
                                     retryable=True) from None
                raise FetchError(f"timed out: {_timeout_kind(exc, s)}", retryable=True) from None
            except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
                raise FetchError(f"connection failed: {exc or type(exc).__name__}", retryable=True) from None
            except (httpx.DecodingError, httpx.InvalidURL, httpx.UnsupportedProtocol,
                    httpx.LocalProtocolError) as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from None


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {int(declared)} bytes (limit {max_bytes})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large: more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _timeout_kind(exc: httpx.TimeoutException, s: FetchSettings) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {s.connect_timeout:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the server sent nothing for {s.read_timeout:g} s"
    if isinstance(exc, httpx.WriteTimeout):
        return f"the server took nothing for {s.read_timeout:g} s"
    return type(exc).__name__
