"""The only code that talks SQL: open a database, store documents, read them back.

SQLite and PostgreSQL are served by the same code; the public surface for users is the
views in :mod:`claimtrail.db.views`, described in CONTRACT.md.
"""

from claimtrail.db.engine import open_database, upgrade_database
from claimtrail.db.errors import DatabaseError, ReadOnlyError, SchemaError
from claimtrail.db.query import QueryResult, query_readonly, read_only_engine, run_query, summary
from claimtrail.db.store import (
    StoreResult,
    finish_run,
    interrupted_unless_finished,
    is_stored,
    link_version,
    record_failure,
    revision_candidates,
    seen_again,
    seen_again_many,
    start_run,
    store_document,
    stored_hashes,
)

__all__ = [
    "DatabaseError",
    "ReadOnlyError",
    "SchemaError",
    "StoreResult",
    "finish_run",
    "interrupted_unless_finished",
    "is_stored",
    "link_version",
    "QueryResult",
    "open_database",
    "query_readonly",
    "read_only_engine",
    "record_failure",
    "revision_candidates",
    "run_query",
    "seen_again",
    "seen_again_many",
    "start_run",
    "store_document",
    "stored_hashes",
    "summary",
    "upgrade_database",
]
