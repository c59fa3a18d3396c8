"""Per-address fetch state: the validators for conditional requests, and what was stored.

An unchanged page must cost one ``304 Not Modified`` and no processing, so after a page is
stored its ``ETag`` and ``Last-Modified`` are kept here with the sha256 of its bytes, and
sent back (``If-None-Match`` / ``If-Modified-Since``) on the next run. A feed or sitemap
keeps the addresses it listed, since a 304 answer carries none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claimtrail.db.engine import write_transaction
from claimtrail.db.models import DocumentRow, FetchStateRow
from claimtrail.db.store import _database_errors
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError


@dataclass(frozen=True, slots=True)
class FetchState:
    uri: str
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    final_url: str | None = None
    items: Any = None
    fetched_at: datetime | None = None


@_database_errors
def get_fetch_state(engine: Engine, uri: str) -> FetchState | None:
    """The state the last successful fetch of ``uri`` saved, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(FetchStateRow.__table__).where(FetchStateRow.uri == uri)).first()
    if row is None:
        return None
    return FetchState(**{c: row._mapping[c] for c in FetchState.__slots__})


@_database_errors
def save_fetch_state(engine: Engine, state: FetchState) -> None:
    """Insert or replace the state of ``state.uri`` (fetched_at: now)."""
    values = {c: getattr(state, c) for c in FetchState.__slots__ if c != "uri"}
    values["fetched_at"] = datetime.now(UTC)

    def attempt() -> None:
        with write_transaction(engine) as conn:
            done = conn.execute(update(FetchStateRow).where(FetchStateRow.uri == state.uri).values(values))
            if done.rowcount == 0:
                conn.execute(insert(FetchStateRow).values(uri=state.uri, **values))

    try:
        attempt()
    except IntegrityError:  # a concurrent writer inserted the same address first
        attempt()


@_database_errors
def forget_failure(engine: Engine, uri: str) -> int:
    """Remove the byte-less failure rows of ``uri`` (a feed that could not be read before and
    now can); returns how many went."""
    with write_transaction(engine) as conn:
        done = conn.execute(
            delete(DocumentRow).where(
                DocumentRow.uri == uri, DocumentRow.sha256.is_(None), DocumentRow.status == "failed"
            )
        )
    return done.rowcount
