"""Claims with their provenance, one flat record each, for the exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, text

from claimtrail.db.store import _database_errors

COLUMNS = ("claim_id", "doc_id", "doc_uri", "source_url", "title", "published", "media_type", "actor", "action",
           "value", "unit", "qualifier", "country", "date_start", "date_end", "modality", "quote", "start_char",
           "end_char", "page")

_QUERY = (
    "SELECT c.claim_id, c.doc_id, c.doc_uri, c.source_url, d.title, d.published, d.media_type, c.actor, "
    "c.action, c.value, c.unit, c.qualifier, c.country, c.date_start, c.date_end, c.modality, c.quote, "
    "c.start_char, c.end_char, c.page "
    "FROM v_claims c JOIN v_documents d ON d.doc_id = c.doc_id ORDER BY c.doc_id, c.start_char, c.claim_id"
)


@_database_errors
def claims_with_provenance(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every claim with its document's address, title, date and type, in document order."""
    with engine.connect() as conn:
        for row in conn.execute(text(_QUERY)).yield_per(1000):
            yield dict(zip(COLUMNS, row))
