"""``kind = "sitemap"``: the page addresses of a sitemap, following sitemap indexes.

Reads the XML sitemap protocol (``<urlset>`` of ``<url><loc>``, ``<sitemapindex>`` of
``<sitemap><loc>``, in any namespace), gzipped sitemaps, and plain-text sitemaps (one
URL a line). Indexes are followed recursively (at most ``MAX_DEPTH`` levels, each
sitemap once); ``match`` (a regular expression, ``re.search``) keeps only the page
addresses it finds. XML is parsed without DTDs, entities or network access.

A sitemap listed by an index that cannot be read is an item with an error (recorded as a
failed document); the other sitemaps still count. The top-level sitemap failing fails the
source.
"""

from __future__ import annotations

import gzip
import io
import re
from urllib.parse import urljoin

from lxml import etree

from claimtrail.config import SitemapSource
from claimtrail.fetch import FetchResult
from claimtrail.schema.records import ConversionError
from claimtrail.sources import Item, SourceContext, source_kind

MAX_DEPTH = 4  # an index of indexes of ... sitemaps
MAX_UNZIPPED = 64 * 1024 * 1024  # the protocol's limit is 50 MB uncompressed


def _unzip(content: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(content)) as f:
        data = f.read(MAX_UNZIPPED + 1)
    if len(data) > MAX_UNZIPPED:
        raise ConversionError(f"sitemap larger than {MAX_UNZIPPED} bytes uncompressed")
    return data


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_sitemap(result: FetchResult) -> dict[str, list[str]]:
    """``{"pages": [...], "sitemaps": [...]}``: absolute addresses, in order, without repeats."""
    content = result.content
    if content[:2] == b"\x1f\x8b":
        try:
            content = _unzip(content)
        except (OSError, EOFError) as exc:
            raise ConversionError(f"not a readable gzipped sitemap ({exc})") from None
    body = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    pages: list[str] = []
    sitemaps: list[str] = []
    if re.match(rb"<(!doctype\s+html|html)\b", body[:200].lower()):
        raise ConversionError("not a sitemap (an HTML page)")
    if body.startswith(b"<"):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
        try:
            root = etree.fromstring(body, parser=parser)
        except etree.XMLSyntaxError as exc:
            raise ConversionError(f"not a sitemap (XML error: {exc})") from None
        kind = _local(root.tag)
        if kind not in ("urlset", "sitemapindex"):
            raise ConversionError(f"not a sitemap (its root element is <{kind}>)")
        target = pages if kind == "urlset" else sitemaps
        for entry in root:
            if _local(entry.tag) not in ("url", "sitemap"):
                continue
            loc = next((c for c in entry if _local(c.tag) == "loc"), None)
            if loc is not None and (loc.text or "").strip():
                target.append(urljoin(result.final_url, loc.text.strip()))
    else:
        text = body.decode("utf-8", errors="replace")
        pages = [line.strip() for line in text.splitlines() if re.match(r"https?://\S+$", line.strip())]
        if not pages:
            raise ConversionError("not a sitemap (neither XML nor a list of URLs)")
    return {"pages": list(dict.fromkeys(pages)), "sitemaps": list(dict.fromkeys(sitemaps))}


@source_kind("sitemap")
def discover_sitemap(source: SitemapSource, context: SourceContext) -> list[Item]:
    pattern = re.compile(source.match) if source.match else None
    items: dict[str, Item] = {}
    visited = {source.url}

    def visit(url: str, depth: int) -> None:
        listing = context.listing(url, parse_sitemap)
        for page in listing["pages"]:
            if pattern is None or pattern.search(page):
                items.setdefault(page, Item(page))
        for child in listing["sitemaps"]:
            if child in visited:
                continue
            visited.add(child)
            if depth >= MAX_DEPTH:
                items.setdefault(child, Item(child, error=f"sitemap not read: indexes nested deeper than {MAX_DEPTH}"))
                continue
            try:
                visit(child, depth + 1)
            except ConversionError as exc:  # FetchError too
                items.setdefault(child, Item(child, error=f"sitemap could not be read: {exc}"))

    visit(source.url, 1)
    return list(items.values())
