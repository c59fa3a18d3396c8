"""Each source kind lists the right addresses; feeds and sitemaps are fetched conditionally."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from claimtrail.db import open_database
from claimtrail.schema import ConversionError
from http_fixture import SAMPLES, Site, atom, rss, site_fixture, urlset  # noqa: F401 - the fixture
from sqlalchemy import Engine

from claimtrail.config import FeedSource, FolderSource, SitemapSource, UrlsSource
from claimtrail.fetch import Fetcher, FetchError, FetchSettings
from claimtrail.sources import Item, SourceContext, discover, registered_kinds

FAST = FetchSettings(connect_timeout=2, read_timeout=0.5, retries=0, delay=0.0, per_host=4)


@pytest.fixture
def context(tmp_path: Path) -> Iterator[SourceContext]:
    engine: Engine = open_database(f"sqlite:///{tmp_path / 's.db'}")
    with Fetcher(FAST) as fetcher:
        yield SourceContext(fetcher, engine)
    engine.dispose()


def test_every_kind_is_registered() -> None:
    assert registered_kinds() == ["feed", "folder", "sitemap", "urls"]


def test_urls_are_listed_once_in_order(context: SourceContext) -> None:
    source = UrlsSource("briefs", ("https://example.org/b.pdf", "https://example.org/a.html", "https://example.org/b.pdf"))

    assert discover(source, context) == [Item("https://example.org/b.pdf"), Item("https://example.org/a.html")]


def test_a_folder_lists_its_supported_files(tmp_path: Path, context: SourceContext) -> None:
    folder = tmp_path / "drive"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "brief.html").write_text("<p>x</p>")
    (folder / "notes.txt").write_text("x")
    (folder / "image.png").write_bytes(b"\x89PNG")
    (folder / ".hidden.txt").write_text("x")

    items = discover(FolderSource("drive", folder), context)

    assert items == [Item(str(folder / "notes.txt"), is_file=True), Item(str(folder / "sub" / "brief.html"), is_file=True)]


def test_rss_and_atom_entries_become_items(site: Site, context: SourceContext) -> None:
    site.add("/origlink.rss", rss(site, ["/relative.html"]).replace(
        "<guid>item-0</guid>",
        '<guid>item-0</guid><feedburner:origLink xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
        "https://example.org/canonical.html</feedburner:origLink>"), content_type="application/rss+xml")

    assert discover(FeedSource("rss", site.url("/feed.rss")), context) == [
        Item(site.url("/old/plots-europe")), Item(site.url("/private/report.html")), Item("file://etc/passwd"),
    ]
    assert discover(FeedSource("atom", site.url("/atom.xml")), context) == [
        Item(site.url("/flaky.html")), Item(site.url("/slow.html")),  # relative links resolved
    ]
    assert discover(FeedSource("fb", site.url("/origlink.rss")), context) == [
        Item(site.url("/relative.html"), source_url="https://example.org/canonical.html"),
    ]


def test_an_unchanged_feed_costs_a_304_and_keeps_its_entries(site: Site, context: SourceContext) -> None:
    source = FeedSource("atom", site.url("/atom.xml"))
    first = discover(source, context)
    second = discover(source, context)

    assert second == first
    assert [(h.status, h.conditional) for h in site.hits("/atom.xml")] == [(200, False), (304, True)]

    site.add("/atom.xml", atom(["/new.html"]), content_type="application/atom+xml")
    assert discover(source, context) == [Item(site.url("/new.html"))]


def test_a_sitemap_index_is_followed_and_matched(site: Site, context: SourceContext) -> None:
    items = discover(SitemapSource("archive", site.url("/sitemap.xml"), match="/briefs/"), context)

    assert items == [
        Item(site.url("/briefs/finance.txt")),
        Item(site.url("/sitemaps/gone.xml"), error="sitemap could not be read: HTTP 404 Not Found"),
    ]
    everything = discover(SitemapSource("all", site.url("/sitemaps/briefs.xml.gz")), context)
    assert everything == [Item(site.url("/briefs/finance.txt")), Item(site.url("/tags/iskp.html"))]


def test_sitemap_forms_and_loops(site: Site, context: SourceContext) -> None:
    site.add("/plain.txt", f"{site.url('/a.html')}\n\n{site.url('/b.html')}\nnot a url\n", content_type="text/plain")
    site.add("/loop.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          f"<sitemap><loc>{site.url('/loop.xml')}</loc></sitemap>"
                          f"<sitemap><loc>{site.url('/pages.xml')}</loc></sitemap></sitemapindex>")
    site.add("/pages.xml", urlset(site, ["/c.html"]).replace("<urlset", "<!-- generated --><urlset"))
    site.add("/bomb.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>')
    site.add("/feed-instead.xml", rss(site, ["/x.html"]))

    assert discover(SitemapSource("plain", site.url("/plain.txt")), context) == [
        Item(site.url("/a.html")), Item(site.url("/b.html"))]
    assert discover(SitemapSource("loop", site.url("/loop.xml")), context) == [Item(site.url("/c.html"))]
    assert discover(SitemapSource("bomb", site.url("/bomb.xml")), context) == []  # no entity, no file read
    with pytest.raises(ConversionError, match=r"not a sitemap \(its root element is <rss>\)"):
        discover(SitemapSource("feed", site.url("/feed-instead.xml")), context)
    site.add("/broken.xml.gz", gzip.compress(b"<urlset>")[:-4], content_type="application/gzip")
    with pytest.raises(ConversionError, match="not a readable gzipped sitemap"):
        discover(SitemapSource("broken", site.url("/broken.xml.gz")), context)


def test_a_listing_that_cannot_be_fetched_raises(site: Site, context: SourceContext) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        discover(FeedSource("gone", site.url("/nope.rss")), context)
    with pytest.raises(ConversionError, match="not an RSS or Atom feed"):
        discover(FeedSource("pdf", site.url("/reports/central-asia.pdf")), context)
    assert (SAMPLES / "central-asia-recruitment.pdf").exists()
