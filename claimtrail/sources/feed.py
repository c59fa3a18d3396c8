"""``kind = "feed"``: every entry of an RSS or Atom feed (feedparser).

Each entry's link (relative links resolved against the feed's address) is an item; a
FeedBurner ``origLink`` is kept as the item's canonical address. Links of any scheme are
listed as they are: the fetcher refuses what is not http(s), and the run records that.
"""

from __future__ import annotations

import feedparser

from claimtrail.config import FeedSource
from claimtrail.fetch import FetchResult
from claimtrail.schema.records import ConversionError
from claimtrail.sources import Item, SourceContext, source_kind


def parse_feed(result: FetchResult) -> list[list[str | None]]:
    """``[[link, canonical or None], ...]`` of a fetched feed, in feed order, without repeats."""
    headers = {"content-location": result.final_url}
    if result.content_type:
        headers["content-type"] = result.content_type
    parsed = feedparser.parse(result.content, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise ConversionError(f"not an RSS or Atom feed{f' ({reason})' if reason else ''}")
    found: dict[str, str | None] = {}
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            link = next((k.get("href", "").strip() for k in entry.get("links", []) if k.get("href")), "")
        if link and link not in found:
            found[link] = (entry.get("feedburner_origlink") or "").strip() or None
    return [[link, canonical] for link, canonical in found.items()]


@source_kind("feed")
def discover_feed(source: FeedSource, context: SourceContext) -> list[Item]:
    return [Item(link, canonical) for link, canonical in context.listing(source.url, parse_feed)]
