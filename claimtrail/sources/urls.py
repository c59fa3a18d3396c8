"""``kind = "urls"``: page or PDF addresses, listed in the configuration."""

from __future__ import annotations

from claimtrail.config import UrlsSource
from claimtrail.sources import Item, SourceContext, source_kind


@source_kind("urls")
def discover_urls(source: UrlsSource, context: SourceContext) -> list[Item]:
    return [Item(url) for url in dict.fromkeys(source.urls)]
