"""Tables behind the public views.

The tables are internal and may change; users and the acceptance checks read the views in
:mod:`claimtrail.db.views`. Every column that the views expose as text is ``Text`` (never
``VARCHAR(n)`` or ``DATE``), so the view column types are the same on SQLite and PostgreSQL.
Children of a document cascade on delete, so removing a document never leaves orphans.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    """Key/value facts about the schema itself (e.g. which view definitions are installed)."""

    __tablename__ = "claimtrail_meta"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RunRow(Base):
    """One ingest pass; documents point to the run that stored them."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    # running | finished | interrupted (stopped by a signal, or its process found dead later)
    status: Mapped[str] = mapped_column(Text, default="running", server_default="finished")
    host: Mapped[str | None] = mapped_column(Text)  # where the process that runs it lives,
    pid: Mapped[int | None] = mapped_column(Integer)  # so a later run can tell it died


def _doc_fk() -> Mapped[int]:
    return mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), index=True, nullable=False
    )


class DocumentRow(Base):
    """One row per distinct raw content (sha256), whether it converted or failed."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uri: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text, index=True)  # YYYY-MM-DD
    authors: Mapped[str | None] = mapped_column(Text)  # "; "-joined
    media_type: Mapped[str | None] = mapped_column(Text)
    # NULL only for failures that never got any bytes (e.g. a fetch error); NULLs never collide.
    sha256: Mapped[str | None] = mapped_column(Text, unique=True)
    status: Mapped[str] = mapped_column(Text, index=True)  # 'ok' | 'failed'
    error: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    pipeline_version: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class LocationRow(Base):
    """An address a stored content was found at (a file path or a URL): the same bytes
    dropped under two names or served from two URLs are one document with two locations."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("doc_id", "uri", name="uq_locations_doc_uri"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = _doc_fk()
    uri: Mapped[str] = mapped_column(Text, index=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class VersionRow(Base):
    """A document that is a revision of an earlier one: near-identical text found at the
    same address or under the same title."""

    __tablename__ = "document_versions"

    doc_id: Mapped[int] = mapped_column(Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    previous_id: Mapped[int] = mapped_column(Integer, ForeignKey("documents.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    similarity: Mapped[float] = mapped_column(Double)


class BlockRow(Base):
    """A passage of a document (paragraph, heading, list item, table row...) and its place."""

    __tablename__ = "blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = _doc_fk()
    kind: Mapped[str] = mapped_column(Text, index=True)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    # The passage itself, for full-text search (SQLite FTS5 table ``blocks_fts``,
    # PostgreSQL index ``ix_blocks_search``; both made by migration 0003).
    text: Mapped[str | None] = mapped_column(Text)


class LinkRow(Base):
    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = _doc_fk()
    url: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)


class MentionRow(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = _doc_fk()
    kind: Mapped[str] = mapped_column(Text, index=True)
    text: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    norm: Mapped[str | None] = mapped_column(Text, index=True)
    page: Mapped[int | None] = mapped_column(Integer)


class ClaimRow(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = _doc_fk()
    actor: Mapped[str | None] = mapped_column(Text, index=True)
    action: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(Text)
    qualifier: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text, index=True)
    date_start: Mapped[str | None] = mapped_column(Text, index=True)
    date_end: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    modality: Mapped[str | None] = mapped_column(Text)


class FetchStateRow(Base):
    """What the last fetch of one address left behind, for conditional requests next time.

    ``uri`` is the address as a source lists it (or a local file's path). ``sha256`` is the
    content last stored from it ("updated" means it changed); ``items`` holds what a feed
    or sitemap listed, reused when it answers 304 Not Modified.
    """

    __tablename__ = "fetch_state"

    uri: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    items: Mapped[Any | None] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
