"""The options of one run (``claimtrail run``, or ``claimtrail ingest`` given addresses):
politeness and limits of fetching, documents in flight, and one document's conversion
limits. Apart from :mod:`claimtrail.config` so that reading a configuration never imports
the HTTP client."""

from __future__ import annotations

from dataclasses import dataclass, field

from claimtrail.extractors.guard import DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT
from claimtrail.fetch import FetchSettings


DEFAULT_CONCURRENCY = 4  # documents in flight in a run


@dataclass(frozen=True, slots=True)
class RunOptions:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    concurrency: int = DEFAULT_CONCURRENCY  # documents in flight
    timeout: float = DEFAULT_TIMEOUT  # one document's conversion, seconds
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB  # one document's conversion
    max_file_bytes: int = DEFAULT_MAX_BYTES  # local files above this are not read
