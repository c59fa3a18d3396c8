"""The public SQL views, exactly as CONTRACT.md lists them (names, order, types).

One portable SQL text serves SQLite and PostgreSQL, so the two backends cannot drift apart.
The views are the stable surface; the tables under them are free to change, and a change of
this SQL is picked up on the next :func:`claimtrail.db.open_database` (see ``VIEWS_VERSION``).
"""

from __future__ import annotations

import hashlib

VIEWS: dict[str, str] = {
    "v_documents": """
        SELECT d.id AS doc_id, d.uri AS doc_uri, d.source_url, d.title, d.published,
               d.authors, d.media_type, d.sha256, d.status, d.error, d.text
        FROM documents d
    """,
    "v_mentions": """
        SELECT m.id AS mention_id, m.doc_id, d.uri AS doc_uri, m.kind, m.text,
               m.start_char, m.end_char, m.norm, m.page
        FROM mentions m JOIN documents d ON d.id = m.doc_id
    """,
    "v_claims": """
        SELECT c.id AS claim_id, c.doc_id, d.uri AS doc_uri, d.source_url, c.actor, c.action,
               c.value, c.unit, c.qualifier, c.country, c.date_start, c.date_end, c.quote,
               c.start_char, c.end_char, c.page, c.modality
        FROM claims c JOIN documents d ON d.id = c.doc_id
    """,
    # Beyond the contract: every address a content was found at, and revisions.
    "v_locations": """
        SELECT l.doc_id, l.uri, l.source_url, l.first_seen, l.last_seen
        FROM locations l
    """,
    "v_versions": """
        SELECT v.doc_id, d.uri AS doc_uri, v.previous_id AS previous_doc_id, p.uri AS previous_doc_uri,
               v.similarity
        FROM document_versions v JOIN documents d ON d.id = v.doc_id JOIN documents p ON p.id = v.previous_id
    """,
}

# Stored in the database next to the views; a different value means they must be recreated.
VIEWS_VERSION = hashlib.sha256(repr(sorted(VIEWS.items())).encode()).hexdigest()[:16]


def drop_statements() -> list[str]:
    return [f"DROP VIEW IF EXISTS {name}" for name in VIEWS]


def create_statements() -> list[str]:
    return [f"CREATE VIEW {name} AS {sql.strip()}" for name, sql in VIEWS.items()]
