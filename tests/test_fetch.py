"""The fetcher against a real server on 127.0.0.1: limits, politeness, retries, robots.txt."""

from __future__ import annotations

import threading

import pytest
from http_fixture import SAMPLES, Site, site_fixture  # noqa: F401 - the fixture

from claimtrail.fetch import Fetcher, FetchError, FetchSettings

FAST = FetchSettings(connect_timeout=2, read_timeout=0.5, total_timeout=10, retries=2, backoff=0.05, delay=0.0,
                     per_host=4)


def fetcher(**changes: object) -> Fetcher:
    from dataclasses import replace

    return Fetcher(replace(FAST, **changes))


def test_a_page_its_redirect_and_the_final_address(site: Site) -> None:
    with fetcher() as f:
        result = f.fetch(site.url("/old/plots-europe"))

    assert result.status == 200 and result.url == site.url("/old/plots-europe")
    assert result.final_url == site.url("/briefs/plots-europe.html")
    assert result.content == (SAMPLES / "iskp-plots-europe.html").read_bytes()
    assert result.media_type == "text/html" and result.etag and result.last_modified
    assert [h.path for h in site.hits()] == ["/robots.txt", "/old/plots-europe", "/briefs/plots-europe.html"]
    assert site.hits()[0].user_agent.startswith("claimtrail/0.1.0 (+")


def test_conditional_requests_cost_a_304_and_no_body(site: Site) -> None:
    with fetcher() as f:
        page = f.fetch(site.url("/reports/central-asia.pdf"))
        by_etag = f.fetch(site.url("/reports/central-asia.pdf"), etag=page.etag)
        text = f.fetch(site.url("/briefs/finance.txt"))  # Last-Modified only
        by_date = f.fetch(site.url("/briefs/finance.txt"), last_modified=text.last_modified)
        stale = f.fetch(site.url("/reports/central-asia.pdf"), etag='"something-else"')

    assert text.etag is None and text.last_modified
    assert (by_etag.status, by_etag.not_modified, by_etag.content) == (304, True, b"")
    assert (by_date.status, by_date.not_modified) == (304, True)
    assert stale.status == 200 and stale.content == page.content
    assert [h.conditional for h in site.hits("/reports/central-asia.pdf")] == [False, True, True]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "/relative/path"])
def test_only_http_and_https_are_fetched(site: Site, url: str) -> None:
    with fetcher() as f, pytest.raises(FetchError, match=r"^refused: "):
        f.fetch(url)

    assert site.hits() == []


def test_a_redirect_to_another_scheme_is_refused(site: Site) -> None:
    site.add("/to-file", status=302, location="file:///etc/passwd")

    with fetcher() as f, pytest.raises(FetchError, match="refused: file: addresses are not fetched"):
        f.fetch(site.url("/to-file"))


def test_redirects_are_followed_up_to_a_limit(site: Site) -> None:
    site.add("/loop", status=302, location="/loop")
    for i in range(3):
        site.add(f"/hop{i}", status=307, location=f"/hop{i + 1}")
    site.add("/hop3", "<p>here</p>")

    with fetcher(max_redirects=3) as f:
        assert f.fetch(site.url("/hop0")).final_url == site.url("/hop3")
        with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
            f.fetch(site.url("/loop"))
    assert len(site.hits("/loop")) == 4


def test_a_response_over_the_size_cap_is_dropped(site: Site) -> None:
    pdf = (SAMPLES / "central-asia-recruitment.pdf").read_bytes()
    site.add("/chunked.pdf", pdf, content_type="application/pdf", chunked=True)

    with fetcher(max_bytes=4000) as f:
        with pytest.raises(FetchError, match=rf"too large: {len(pdf)} bytes \(limit 4000\)"):
            f.fetch(site.url("/reports/central-asia.pdf"))  # Content-Length says so
        with pytest.raises(FetchError, match=r"too large: more than 4000 bytes"):
            f.fetch(site.url("/chunked.pdf"))  # no Content-Length: streamed, then stopped
    with fetcher() as f:
        assert f.fetch(site.url("/chunked.pdf")).content == pdf


def test_4xx_is_not_retried_5xx_and_timeouts_are(site: Site) -> None:
    site.add("/gone", b"gone", status=410, content_type="text/plain")
    site.add("/flaky-twice", "<p>ok</p>", fail_first=2)

    with fetcher(retries=2) as f:
        with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$"):
            f.fetch(site.url("/missing.html"))
        with pytest.raises(FetchError, match=r"^HTTP 410 Gone$"):
            f.fetch(site.url("/gone"))
        with pytest.raises(FetchError, match=r"^HTTP 500 Internal Server Error \(3 attempts\)$"):
            f.fetch(site.url("/always-500.html"))
        assert f.fetch(site.url("/flaky-twice")).status == 200
        with pytest.raises(FetchError, match=r"^timed out: the server sent nothing for 0.5 s \(3 attempts\)$"):
            f.fetch(site.url("/slow.html"))

    assert [h.status for h in site.hits("/missing.html")] == [404]
    assert [h.status for h in site.hits("/gone")] == [410]
    assert [h.status for h in site.hits("/always-500.html")] == [500, 500, 500]
    assert [h.status for h in site.hits("/flaky-twice")] == [500, 500, 200]
    assert len(site.hits("/slow.html")) == 3


def test_robots_txt_is_read_once_and_obeyed(site: Site) -> None:
    with fetcher() as f:
        for _ in range(2):
            with pytest.raises(FetchError, match="disallowed by robots.txt"):
                f.fetch(site.url("/private/report.html"))
        f.fetch(site.url("/briefs/finance.txt"))

    assert site.hits("/private/report.html") == []
    assert len(site.hits("/robots.txt")) == 1


def test_robots_txt_missing_allows_and_unreadable_forbids(site: Site) -> None:
    del site.routes["/robots.txt"]
    with fetcher() as f:
        assert f.fetch(site.url("/private/report.html")).status == 200  # 404 robots.txt: no rules

    site.add("/robots.txt", b"down", status=503, content_type="text/plain")
    with fetcher(retries=0) as f, pytest.raises(FetchError, match=r"robots.txt could not be read \(HTTP 503"):
        f.fetch(site.url("/briefs/finance.txt"))


def test_requests_to_one_host_are_spaced_and_bounded(site: Site) -> None:
    paths = ["/briefs/finance.txt", "/reports/central-asia.pdf", "/briefs/plots-europe.html", "/flaky.html"]
    site.routes["/flaky.html"].fail_first = 0
    with fetcher(delay=0.25, per_host=1) as f:
        threads = [threading.Thread(target=f.fetch, args=(site.url(p),)) for p in paths]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    starts = sorted(h.at for h in site.hits() if h.path != "/robots.txt")
    assert len(starts) == 4
    assert all(b - a >= 0.24 for a, b in zip(starts, starts[1:]))


def test_robots_crawl_delay_is_honoured(site: Site) -> None:
    site.add("/robots.txt", "User-agent: claimtrail\nCrawl-delay: 1\nDisallow: /private/\n",
             content_type="text/plain", etag=False, last_modified=False)
    with fetcher() as f:
        f.fetch(site.url("/briefs/finance.txt"))
        f.fetch(site.url("/reports/central-asia.pdf"))

    first, second = (h.at for h in site.hits() if h.path != "/robots.txt")
    assert second - first >= 0.99


def test_unchanged_pages_answered_304_are_not_spaced(site: Site) -> None:
    # A 304 costs the server nothing to speak of: conditional requests take no delay, so a nightly
    # pass over unchanged pages is not `delay` seconds a page.
    paths = ["/briefs/finance.txt", "/reports/central-asia.pdf", "/briefs/plots-europe.html"]
    with fetcher(delay=1.0, per_host=1) as f:
        first = [f.fetch(site.url(p)) for p in paths]
        mark = site.mark()
        again = [f.fetch(r.url, etag=r.etag, last_modified=r.last_modified) for r in first]

    assert [r.status for r in again] == [304, 304, 304]
    downloads = sorted(h.at for h in site.hits() if h.path != "/robots.txt")[:3]
    assert all(b - a >= 0.99 for a, b in zip(downloads, downloads[1:]))  # full downloads stay spaced
    revalidations = [h.at for h in site.hits(since=mark)]
    assert revalidations[-1] - revalidations[0] < 0.5  # three 304s, no delay between them
