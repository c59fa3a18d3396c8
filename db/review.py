"""Reading one document, or one period's documents, back for people to review
(``claimtrail show`` and ``claimtrail report``): rows as plain dicts, no rendering here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import Engine, func, select

from claimtrail.db.errors import DatabaseError
from claimtrail.db.models import BlockRow, ClaimRow, DocumentRow, LocationRow, MentionRow
from claimtrail.db.store import _database_errors

_DOCUMENT = (DocumentRow.id.label("doc_id"), DocumentRow.uri.label("doc_uri"), DocumentRow.source_url,
             DocumentRow.title, DocumentRow.published, DocumentRow.authors, DocumentRow.media_type,
             DocumentRow.status, DocumentRow.error, DocumentRow.pipeline_version, DocumentRow.created_at,
             DocumentRow.run_id)
_CLAIM = (ClaimRow.id.label("claim_id"), ClaimRow.doc_id, ClaimRow.actor, ClaimRow.action, ClaimRow.value,
          ClaimRow.unit, ClaimRow.qualifier, ClaimRow.country, ClaimRow.date_start, ClaimRow.date_end,
          ClaimRow.quote, ClaimRow.start_char, ClaimRow.end_char, ClaimRow.page, ClaimRow.modality)


@dataclass(frozen=True)
class DocumentReview:
    """A document with everything its review page shows."""

    document: dict[str, Any]  # the columns of _DOCUMENT
    text: str
    mentions: list[dict[str, Any]]  # mention_id, kind, text, start_char, end_char, norm, page
    claims: list[dict[str, Any]]  # the columns of _CLAIM, plus the document's doc_uri, source_url, media_type
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (page, first offset), for PDFs


@_database_errors
def find_document(engine: Engine, ref: str) -> int:
    """The id of the document ``ref`` names: its id, its address (any address it was found
    at, or its canonical URL), or a file name that only one document's address ends with."""
    with engine.connect() as conn:
        if ref.isdigit() and conn.scalar(select(DocumentRow.id).where(DocumentRow.id == int(ref))) is not None:
            return int(ref)
        exact = conn.scalar(select(DocumentRow.id).where((DocumentRow.uri == ref) | (DocumentRow.source_url == ref)))
        if exact is None:
            exact = conn.scalar(select(LocationRow.doc_id).where(LocationRow.uri == ref))
        if exact is not None:
            return exact
        name = PurePosixPath(ref.replace("\\", "/")).name
        rows = conn.execute(select(DocumentRow.id, DocumentRow.uri)
                            .where(DocumentRow.uri.endswith(name, autoescape=True))).all() if name else []
    matches = [(doc_id, uri) for doc_id, uri in rows if PurePosixPath(uri.replace("\\", "/")).name == name]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise DatabaseError(f"no document has the id, address or file name {ref!r}")
    raise DatabaseError(f"{len(matches)} documents are named {name!r}: give the id or the whole address "
                        f"({', '.join(f'{i}: {u}' for i, u in matches[:5])})")


@_database_errors
def document_review(engine: Engine, doc_id: int) -> DocumentReview:
    """The document ``doc_id`` with its mentions and claims in text order, and where each page starts."""
    with engine.connect() as conn:
        document = conn.execute(select(*_DOCUMENT, DocumentRow.text).where(DocumentRow.id == doc_id)).mappings().one()
        mentions = conn.execute(
            select(MentionRow.id.label("mention_id"), MentionRow.kind, MentionRow.text, MentionRow.start_char,
                   MentionRow.end_char, MentionRow.norm, MentionRow.page)
            .where(MentionRow.doc_id == doc_id).order_by(MentionRow.start_char, MentionRow.id)).mappings().all()
        claims = conn.execute(select(*_CLAIM).where(ClaimRow.doc_id == doc_id)
                              .order_by(ClaimRow.start_char, ClaimRow.id)).mappings().all()
        pages = conn.execute(select(BlockRow.page, func.min(BlockRow.start_char)).where(
            BlockRow.doc_id == doc_id, BlockRow.page.is_not(None)).group_by(BlockRow.page).order_by(BlockRow.page)).all()
    info = {k: v for k, v in document.items() if k != "text"}
    shared = {k: info[k] for k in ("doc_uri", "source_url", "media_type")}
    return DocumentReview(info, document["text"] or "", [dict(m) for m in mentions],
                          [{**dict(c), **shared} for c in claims], [(page, start) for page, start in pages])


@dataclass(frozen=True)
class PeriodReview:
    """What was stored in a period: its documents (newest last), their claims, and its failures."""

    documents: list[dict[str, Any]]
    claims: list[dict[str, Any]]  # with their document's doc_uri and title
    failures: list[dict[str, Any]]  # doc_uri, error, created_at


@_database_errors
def period_review(engine: Engine, since: datetime | None = None, run_id: int | None = None) -> PeriodReview:
    """Documents stored (or failures recorded) at or after ``since``, or by run ``run_id`` and later ones."""
    where = DocumentRow.run_id >= run_id if run_id is not None else DocumentRow.created_at >= since
    with engine.connect() as conn:
        documents = conn.execute(select(*_DOCUMENT).where(where).order_by(DocumentRow.created_at, DocumentRow.id)
                                 ).mappings().all()
        claims = conn.execute(select(*_CLAIM, DocumentRow.uri.label("doc_uri"), DocumentRow.title)
                              .join(DocumentRow, DocumentRow.id == ClaimRow.doc_id).where(where)
                              .order_by(ClaimRow.doc_id, ClaimRow.start_char)).mappings().all()
    stored = [dict(d) for d in documents if d["status"] == "ok"]
    failed = [{"doc_uri": d["doc_uri"], "error": d["error"], "created_at": d["created_at"]}
              for d in documents if d["status"] != "ok"]
    return PeriodReview(stored, [dict(c) for c in claims], failed)
