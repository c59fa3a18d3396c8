"""`claimtrail run` end to end: every source kind against a real web site on 127.0.0.1,
real Prefect flow runs, both databases.

What the standard site (tests/http_fixture.py) gives each source of ``config_for``:

| source | lists | outcome |
| --- | --- | --- |
| crs-feed (RSS) | /old/plots-europe (301 -> the HTML brief) | new |
| | /private/report.html | failed: robots.txt disallows /private/ |
| | file:///etc/passwd | failed: refused, not http(s) |
| atom-feed (Atom) | flaky.html (relative; 500 once, then 200) | new, on retry |
| | /slow.html (stalls past the read timeout) | failed: timed out |
| briefs (urls) | /reports/central-asia.pdf | new |
| | /missing.html (404), /always-500.html | failed (404 not retried; 500 after the retries) |
| archive (sitemap index, match "/briefs/") | /briefs/finance.txt (gzipped child sitemap) | new |
| | /tags/iskp.html | not listed: does not match |
| | /sitemaps/gone.xml (404 child sitemap) | failed |
| shared-drive (folder) | the seed brief | new |
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from claimtrail.db import open_database, query_readonly
from claimtrail.db.runs import recent_runs
from claimtrail.flows.run import ARTIFACT_KEY, RunOptions, run
from http_fixture import SEED, Site, site_fixture  # noqa: F401 - the fixture

from claimtrail.config import (
    Config,
    FeedSource,
    FolderSource,
    SitemapSource,
    UrlsSource,
)
from claimtrail.fetch import FetchSettings

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

FAST = RunOptions(FetchSettings(connect_timeout=2, read_timeout=0.5, total_timeout=10, retries=1, backoff=0.05,
                                delay=0.0, per_host=4), concurrency=3)
PLOTS_CANONICAL = "https://example.org/analysis/iskp-european-plots-networks-arrests-gaps"


def rows(url: str, sql: str) -> list[dict]:
    columns, result = query_readonly(url, sql)
    return [dict(zip(columns, row)) for row in result]


def config_for(site: Site, folder: Path, db_url: str) -> Config:
    return Config(database=db_url, sources=(
        FeedSource("crs-feed", site.url("/feed.rss")),
        FeedSource("atom-feed", site.url("/atom.xml")),
        UrlsSource("briefs", (site.url("/reports/central-asia.pdf"), site.url("/missing.html"),
                              site.url("/always-500.html"))),
        SitemapSource("archive", site.url("/sitemap.xml"), match="/briefs/"),
        FolderSource("shared-drive", folder),
    ))


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    folder = tmp_path / "drive"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


def per_source(db_url: str, run_id: int) -> dict:
    [record] = [r for r in recent_runs(open_database(db_url), limit=50) if r.id == run_id]
    return {name: {k: v for k, v in counts.items() if k in ("new", "updated", "unchanged", "failed")}
            for name, counts in record.counts["sources"].items()}


def test_a_run_over_every_kind_of_source(site: Site, drive: Path, db_url: str) -> None:
    config = config_for(site, drive, db_url)

    started = time.monotonic()
    first = run(config, options=FAST)
    first_took = time.monotonic() - started

    assert per_source(db_url, first.run_id) == {
        "crs-feed": {"new": 1, "updated": 0, "unchanged": 0, "failed": 2},
        "atom-feed": {"new": 1, "updated": 0, "unchanged": 0, "failed": 1},
        "briefs": {"new": 1, "updated": 0, "unchanged": 0, "failed": 2},
        "archive": {"new": 1, "updated": 0, "unchanged": 0, "failed": 1},
        "shared-drive": {"new": 1, "updated": 0, "unchanged": 0, "failed": 0},
    }
    docs = {d["doc_uri"]: d for d in rows(db_url, "select doc_uri, source_url, media_type, status, error from v_documents")}
    ok = {uri for uri, d in docs.items() if d["status"] == "ok"}
    assert ok == {site.url("/old/plots-europe"), site.url("/flaky.html"), site.url("/reports/central-asia.pdf"),
                  site.url("/briefs/finance.txt"), str(drive / SEED.name)}
    # source_url: the page's canonical link, else the address after redirects; files have none.
    assert docs[site.url("/old/plots-europe")]["source_url"] == PLOTS_CANONICAL
    assert docs[site.url("/reports/central-asia.pdf")]["source_url"] == site.url("/reports/central-asia.pdf")
    assert docs[site.url("/reports/central-asia.pdf")]["media_type"] == "application/pdf"
    assert docs[site.url("/flaky.html")]["source_url"] == site.url("/flaky.html")
    assert docs[str(drive / SEED.name)]["source_url"] is None
    errors = {uri: d["error"] for uri, d in docs.items() if d["status"] == "failed"}
    assert errors == {
        site.url("/private/report.html"): "not fetched: disallowed by robots.txt",
        "file://etc/passwd": "refused: file: addresses are not fetched (only http and https)",
        site.url("/slow.html"): "timed out: the server sent nothing for 0.5 s (2 attempts)",
        site.url("/missing.html"): "HTTP 404 Not Found",
        site.url("/always-500.html"): "HTTP 500 Internal Server Error (2 attempts)",
        site.url("/sitemaps/gone.xml"): "sitemap could not be read: HTTP 404 Not Found",
    }
    # What the server saw: robots.txt obeyed, 404 not retried, 500 retried, flaky retried.
    assert site.hits("/private/report.html") == [] and site.hits("/tags/iskp.html") == []
    assert [h.status for h in site.hits("/missing.html")] == [404]
    assert [h.status for h in site.hits("/always-500.html")] == [500, 500]
    assert [h.status for h in site.hits("/flaky.html")] == [500, 200]
    assert len(site.hits("/robots.txt")) == 1
    assert all(h.user_agent.startswith("claimtrail/0.1.0 ") for h in site.hits())
    claims = rows(db_url, "select doc_uri, source_url from v_claims where doc_uri like 'http%'")
    assert {c["doc_uri"] for c in claims} >= {site.url("/old/plots-europe"), site.url("/reports/central-asia.pdf")}

    # The run record and the Prefect artifact carry the same summary.
    [record] = recent_runs(open_database(db_url), limit=1)
    assert record.id == first.run_id and record.kind == "run" and record.finished_at is not None
    assert (record.count("new"), record.count("failed")) == (5, 6)
    assert {f.uri for f in record.failures} == set(errors)
    artifact = read_artifact(first.flow_run_id)
    assert "| crs-feed | feed | 1 | 0 | 0 | 2 |" in artifact
    assert "| **all** | | **5** | **0** | **0** | **6** |" in artifact
    assert "/always-500.html`: HTTP 500 Internal Server Error (2 attempts)" in artifact

    # Second run: nothing downloaded again but robots.txt; nothing changes.
    before = rows(db_url, "select doc_id, doc_uri, sha256, status, error, text from v_documents order by doc_id")
    mentions = rows(db_url, "select count(*) as n from v_mentions")
    mark = site.mark()
    started = time.monotonic()
    second = run(config, options=FAST)
    second_took = time.monotonic() - started

    downloads = [h for h in site.hits(since=mark) if h.status == 200 and h.path != "/robots.txt"]
    assert downloads == []
    assert {h.path for h in site.hits(since=mark) if h.status == 304} == {
        "/feed.rss", "/atom.xml", "/sitemap.xml", "/sitemaps/briefs.xml.gz", "/briefs/plots-europe.html",
        "/flaky.html", "/reports/central-asia.pdf", "/briefs/finance.txt"}
    assert (second.count("new"), second.count("updated"), second.count("unchanged"), second.count("failed")) == (0, 0, 5, 6)
    assert rows(db_url, "select doc_id, doc_uri, sha256, status, error, text from v_documents order by doc_id") == before
    assert rows(db_url, "select count(*) as n from v_mentions") == mentions
    print(f"first run {first_took:.1f} s, second run {second_took:.1f} s")

    # A page or a file that changes is read in full and counted as updated.
    site.add("/briefs/finance.txt", site.routes["/briefs/finance.txt"].body + b"\n\nIn 2024, 7 more arrests followed in Turkey.\n",
             content_type="text/plain; charset=utf-8", etag=False, modified=1_800_000_000.0)
    with (drive / SEED.name).open("a", encoding="utf-8") as f:
        f.write("\nIn 2024, 3 more plots were disrupted in Germany.\n")
    third = run(config, options=FAST)
    assert per_source(db_url, third.run_id)["archive"] == {"new": 0, "updated": 1, "unchanged": 0, "failed": 1}
    assert per_source(db_url, third.run_id)["shared-drive"] == {"new": 0, "updated": 1, "unchanged": 0, "failed": 0}
    assert third.count("unchanged") == 3


def read_artifact(flow_run_id: str | None) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterId,
    )

    assert flow_run_id
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
        )
    assert len(artifacts) == 1 and artifacts[0].type == "markdown"
    return str(artifacts[0].data)


def test_a_source_that_cannot_be_read_fails_alone(site: Site, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    site.add("/not-a-feed.xml", "<html><body><p>Moved.</p></body></html>")
    config = Config(database=db_url, sources=(
        FeedSource("gone", site.url("/no-such-feed.xml")),
        FeedSource("html", site.url("/not-a-feed.xml")),
        SitemapSource("loop", site.url("/old/plots-europe")),  # an HTML page, not a sitemap
        FolderSource("missing", tmp_path / "nowhere"),
        UrlsSource("page", (site.url("/briefs/finance.txt"),)),
    ))

    summary = run(config, options=FAST)

    sources = {s.name: s for s in summary.sources}
    assert sources["gone"].error == "feed could not be read: HTTP 404 Not Found"
    assert sources["html"].error.startswith("feed could not be read: not an RSS or Atom feed")
    assert sources["loop"].error == "sitemap could not be read: not a sitemap (an HTML page)"
    assert [o.error for o in sources["missing"].outcomes] == ["not found"]
    assert [o.status for o in sources["page"].outcomes] == ["new"]
    failed = {d["doc_uri"]: d["error"] for d in rows(db_url, "select doc_uri, error from v_documents where status = 'failed'")}
    assert failed[site.url("/no-such-feed.xml")] == "feed could not be read: HTTP 404 Not Found"

    # Once the feed exists, its failure row goes and its entries are fetched.
    site.add("/no-such-feed.xml", site.routes["/feed.rss"].body, content_type="application/rss+xml")
    again = run(config, options=FAST)
    assert {s.name: s.error for s in again.sources}["gone"] is None
    failed = {d["doc_uri"] for d in rows(db_url, "select doc_uri from v_documents where status = 'failed'")}
    assert site.url("/no-such-feed.xml") not in failed


def test_a_run_without_sources_is_an_empty_run(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'e.db'}"
    summary = run(Config(database=db_url), options=FAST)
    [record] = recent_runs(open_database(db_url))
    assert summary.outcomes == [] and record.counts["new"] == 0 and record.finished_at is not None
