"""Sources: what each configured ``[[source]]`` kind lists for a run to fetch.

A source kind is one module with one function ``(source config, SourceContext) ->
list[Item]`` registered with ``@source_kind("feed")``; the imports at the bottom load
them, so a new kind is one new module plus one import line (and its keys in
:mod:`claimtrail.config`).

Listings that come over the web (feeds, sitemaps) are fetched with the same
:class:`~claimtrail.fetch.Fetcher` as documents, conditionally: what a listing gave is
kept with its ETag / Last-Modified (``db/fetchstate.py``), and a ``304`` answer reuses it.
An item may carry an ``error`` instead (a part of a listing that could not be read):
the run records it as a failed document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine

from claimtrail.config import Source
from claimtrail.db.fetchstate import (
    FetchState,
    forget_failure,
    get_fetch_state,
    save_fetch_state,
)
from claimtrail.fetch import Fetcher, FetchError, FetchResult

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to fetch (or, with ``is_file``, to read from disk)."""

    uri: str  # the address as listed (absolute), or a file's absolute path
    source_url: str | None = None  # a canonical address the listing gave (a feed's origLink)
    is_file: bool = False
    error: str | None = None  # set when the listing already knows this item failed


@dataclass(slots=True)
class SourceContext:
    """What discovery may use: the run's fetcher and database."""

    fetcher: Fetcher
    engine: Engine

    def listing(self, url: str, parse: Callable[[FetchResult], T]) -> T:
        """``parse`` of the listing at ``url``, or what it gave last time when unchanged (304).

        ``parse`` must return JSON-serialisable data; it is stored for the next run.
        Raises :class:`FetchError` (or ``parse``'s ConversionError) when the listing cannot be read.
        """
        state = get_fetch_state(self.engine, url)
        known = state if state is not None and state.items is not None else None
        result = self.fetcher.fetch(url, etag=known.etag if known else None,
                                    last_modified=known.last_modified if known else None)
        if result.not_modified:
            if known is None:
                raise FetchError("answered 304 Not Modified to an unconditional request")
            return known.items
        items = parse(result)
        save_fetch_state(self.engine, FetchState(
            url, result.etag, result.last_modified, hashlib.sha256(result.content).hexdigest(),
            result.final_url, items,
        ))
        forget_failure(self.engine, url)  # it failed in an earlier run; it reads now
        return items


Discoverer = Callable[[Any, SourceContext], list[Item]]
_KINDS: dict[str, Discoverer] = {}


def source_kind(kind: str) -> Callable[[Discoverer], Discoverer]:
    """Register the decorated function as the discoverer of sources of ``kind``."""

    def register(func: Discoverer) -> Discoverer:
        _KINDS[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_KINDS)


def discover(source: Source, context: SourceContext) -> list[Item]:
    """The items ``source`` lists now; raises when the source itself cannot be read."""
    return _KINDS[source.kind](source, context)


def source_address(source: Source) -> str:
    """Where a source lives: its URL, its folder, or (``urls``) its name."""
    if hasattr(source, "url"):
        return source.url
    if hasattr(source, "path"):
        return str(source.path)
    return source.name


# The kinds register themselves on import; keep these lines at the bottom.
from claimtrail.sources import feed, folder, sitemap, urls  # noqa: E402,F401
