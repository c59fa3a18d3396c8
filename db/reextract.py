"""Re-extraction from stored text: which documents were extracted by another pipeline
version, their converted form as it was stored, and swapping in a new extraction.

The swap is one transaction (delete the document's mentions and claims, insert the new
ones, record the version), so a reader sees the old extraction or the new one, never a
mix or a gap: SQLite readers (WAL) and PostgreSQL readers see the last committed state.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, or_, select, update

from claimtrail.db.engine import write_transaction
from claimtrail.db.models import BlockRow, ClaimRow, DocumentRow, LinkRow, MentionRow
from claimtrail.db.store import _database_errors, check_spans, insert_extraction
from claimtrail.schema import Block, ConvertedDocument, Extraction, Link


@_database_errors
def outdated(engine: Engine, version: str, everything: bool = False) -> list[tuple[int, str]]:
    """The ok documents (id, uri) extracted by a pipeline version other than ``version``
    (all with ``everything``), oldest first."""
    query = select(DocumentRow.id, DocumentRow.uri).where(DocumentRow.status == "ok").order_by(DocumentRow.id)
    if not everything:
        query = query.where(or_(DocumentRow.pipeline_version.is_(None), DocumentRow.pipeline_version != version))
    with engine.connect() as conn:
        return [(doc_id, uri) for doc_id, uri in conn.execute(query)]


@_database_errors
def load_converted(engine: Engine, doc_id: int) -> ConvertedDocument:
    """The document as its converter left it: text, blocks, links and metadata."""
    with engine.connect() as conn:
        doc = conn.execute(select(DocumentRow).where(DocumentRow.id == doc_id)).one()
        blocks = conn.execute(select(BlockRow.kind, BlockRow.start_char, BlockRow.end_char, BlockRow.page)
                              .where(BlockRow.doc_id == doc_id).order_by(BlockRow.start_char, BlockRow.id)).all()
        links = conn.execute(select(LinkRow.url, LinkRow.start_char, LinkRow.end_char)
                             .where(LinkRow.doc_id == doc_id).order_by(LinkRow.id)).all()
    return ConvertedDocument(
        text=doc.text, media_type=doc.media_type or "text/plain",
        blocks=[Block(*b) for b in blocks], links=[Link(*link) for link in links],
        title=doc.title, published=doc.published,
        authors=doc.authors.split("; ") if doc.authors else [], source_url=doc.source_url,
    )


@_database_errors
def replace_extraction(engine: Engine, doc_id: int, converted: ConvertedDocument, extraction: Extraction) -> None:
    """Swap the document's mentions and claims for ``extraction``, atomically."""
    check_spans(converted, extraction)
    with write_transaction(engine) as conn:
        conn.execute(delete(MentionRow).where(MentionRow.doc_id == doc_id))
        conn.execute(delete(ClaimRow).where(ClaimRow.doc_id == doc_id))
        insert_extraction(conn, doc_id, extraction)
        conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id)
                     .values(pipeline_version=extraction.pipeline_version or None))
