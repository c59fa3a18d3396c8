"""Limits that a hostile or unlucky input cannot stretch: a web server that trickles its
answer byte by byte, and a page whose extraction would run for minutes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from claimtrail.db import query_readonly
from claimtrail.flows.run import RunOptions, run
from http_fixture import SHORT_BRIEF, Site, site_fixture  # noqa: F401 - the fixture

from claimtrail.config import Config, UrlsSource
from claimtrail.extractors.convert import convert
from claimtrail.extractors.guard import extract_guarded, prestart
from claimtrail.fetch import FetchError, Fetcher, FetchSettings
from claimtrail.schema import ExtractionError, RawDocument


@pytest.fixture
def trickle() -> Iterator[str]:
    """A server on 127.0.0.1 that sends its status line and headers one byte a second,
    for ever: each byte comes well within any read timeout."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 10_000:
                if stop.wait(1.0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/slow-headers.html"
    stop.set()
    server.close()


def test_a_server_trickling_its_headers_cannot_extend_the_deadline(trickle: str) -> None:
    settings = FetchSettings(read_timeout=5, total_timeout=2, retries=0, delay=0, respect_robots=False)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="took more than 2 s"):
        fetcher.fetch(trickle)
    assert time.monotonic() - started < 4


def test_retries_stop_when_the_address_has_used_its_time(trickle: str) -> None:
    settings = FetchSettings(read_timeout=5, total_timeout=1.5, max_fetch_time=4, retries=10, backoff=0.1,
                             delay=0, respect_robots=False)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="attempts"):
        fetcher.fetch(trickle)
    assert time.monotonic() - started < 6  # not 11 attempts of 1.5 s


@pytest.mark.flows
def test_one_stuck_source_does_not_hold_the_run(site: Site, trickle: str, tmp_path: Path) -> None:
    site.add("/good.html", SHORT_BRIEF)
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    options = RunOptions(FetchSettings(read_timeout=5, total_timeout=3, max_fetch_time=3, retries=1, delay=0,
                                       respect_robots=False), concurrency=2)
    config = Config(database=url, sources=(UrlsSource("stuck", (trickle,)),
                                           UrlsSource("good", (site.url("/good.html"),))))
    prestart("extract")  # the model load is not what is measured
    started = time.monotonic()
    summary = run(config, options=options)
    assert time.monotonic() - started < 30
    assert [o.status for s in summary.sources for o in s.outcomes] == ["failed", "new"]
    assert query_readonly(url, "select count(*) from v_documents where status = 'ok'")[1] == [(1,)]


def huge_page() -> RawDocument:
    """A 5 MB page of dates, places and numbers: a table dump, not a brief."""
    row = "<tr><td>12 March 2021</td><td>Iraq</td><td>41 attacks</td><td>Syria</td><td>7 raids</td></tr>"
    body = row * (5_000_000 // len(row))
    return RawDocument(uri="dump.html", content=f"<html><body><table>{body}</table></body></html>".encode())


def test_a_huge_page_fails_by_the_extraction_limits_in_seconds() -> None:
    converted = convert(huge_page())
    assert len(converted.text) > 1_000_000
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="extraction stopped: more than 2000 mentions"):
        extract_guarded(converted, max_mentions=2000)
    with pytest.raises(ExtractionError, match="extraction timed out after 3 s"):
        extract_guarded(converted, timeout=3, max_mentions=None)
    assert time.monotonic() - started < 60  # the model load included; minutes without the limits
