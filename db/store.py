"""Writing documents, failures and runs.

A document is identified by the sha256 of its raw bytes: the same bytes arriving again,
from the same or another place, are "unchanged" and write nothing. Each document is one
transaction, so a crash or a concurrent writer never leaves half a document behind, and a
failed document is a row too (status 'failed'), so users can see what did not make it.
A ``source_url`` is stored only when it is an http(s) address (:func:`web_address`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, ParamSpec, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from claimtrail.db.engine import driver_message, write_transaction
from claimtrail.db.errors import DatabaseError
from claimtrail.db.models import (
    Base,
    BlockRow,
    ClaimRow,
    DocumentRow,
    LinkRow,
    LocationRow,
    MentionRow,
    RunRow,
    VersionRow,
)
from claimtrail.schema.records import ConvertedDocument, Extraction, RawDocument

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What happened to one document: stored ("new"), already there, or recorded as failed."""

    doc_id: int
    status: Literal["new", "unchanged", "failed"]


def web_address(url: str | None) -> str | None:
    """``url`` when it is an http(s) address with a host, else None: a page's canonical link
    or a feed's link may be ``javascript:``, ``file:`` or ``data:``, which no reader should
    be handed as where a fact came from."""
    try:
        parts = urlsplit(url.strip()) if url else None
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return url.strip() if parts and parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _database_errors(func: Callable[P, T]) -> Callable[P, T]:
    """Report database trouble as :class:`DatabaseError`, so callers catch one class for it.

    Problems with a document itself (offsets that do not match its text, a value the
    database cannot hold) are ValueError: they fail that document, not the whole run.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            raise ValueError(f"the database refused this document: {driver_message(exc)}") from exc
        except DBAPIError as exc:
            raise DatabaseError(f"database error: {driver_message(exc)}") from exc

    return wrapper


@_database_errors
def store_document(
    engine: Engine,
    raw: RawDocument,
    converted: ConvertedDocument,
    extraction: Extraction,
    run_id: int | None = None,
) -> StoreResult:
    """Store a converted document with its blocks, links, mentions and claims, all or nothing.

    Bytes already stored as an ok document are "unchanged". A failed row for the same bytes
    is replaced in place (same doc_id): it was a retry that now works. Failed rows without
    bytes (a fetch error) for the same URI are removed, for the same reason.
    """
    check_spans(converted, extraction)
    sha = hashlib.sha256(raw.content).hexdigest()
    values = {
        "uri": raw.uri,
        "source_url": web_address(converted.source_url) or web_address(raw.source_url),
        "title": converted.title,
        "published": converted.published,
        "authors": "; ".join(converted.authors) or None,
        "media_type": converted.media_type,
        "sha256": sha,
        "status": "ok",
        "error": None,
        "text": converted.text,
        "pipeline_version": extraction.pipeline_version or None,
        "run_id": run_id,
        "created_at": datetime.now(UTC),
    }

    def attempt() -> StoreResult:
        with write_transaction(engine) as conn:
            found = _find(conn, sha, raw.uri)
            if found is not None and found.status == "ok":
                _see_location(conn, found.id, raw.uri, values["source_url"])
                return StoreResult(found.id, "unchanged")
            if found is None:
                doc_id = conn.execute(insert(DocumentRow).values(values)).inserted_primary_key[0]
            elif _replace_failed(conn, found.id, values):
                doc_id = found.id
            else:  # a concurrent writer replaced the failed row first
                return StoreResult(found.id, "unchanged")
            conn.execute(
                delete(DocumentRow).where(
                    DocumentRow.uri == raw.uri,
                    DocumentRow.sha256.is_(None),
                    DocumentRow.status == "failed",
                )
            )
            _insert_children(conn, doc_id, converted, extraction)
            _see_location(conn, doc_id, raw.uri, values["source_url"])
            return StoreResult(doc_id, "new")

    return _retry_on_conflict(attempt)


@_database_errors
def record_failure(
    engine: Engine, raw: RawDocument, error: str, run_id: int | None = None
) -> StoreResult:
    """Record that ``raw`` could not be processed, unless its bytes are already stored ok.

    Repeated failures of the same bytes (or, without bytes, of the same URI) update one row
    with the latest error instead of piling up. An ok document is never overwritten: then
    the result is "unchanged".
    """
    sha = hashlib.sha256(raw.content).hexdigest() if raw.content else None
    values = {
        "uri": raw.uri,
        "source_url": web_address(raw.source_url),
        "media_type": raw.media_type_hint,
        "sha256": sha,
        "status": "failed",
        "error": error,
        "text": "",
        "run_id": run_id,
    }

    def attempt() -> StoreResult:
        with write_transaction(engine) as conn:
            found = _find(conn, sha, raw.uri)
            if found is None:
                doc_id = conn.execute(insert(DocumentRow).values(values)).inserted_primary_key[0]
                return StoreResult(doc_id, "failed")
            if found.status == "ok" or not _replace_failed(conn, found.id, values):
                return StoreResult(found.id, "unchanged")
            return StoreResult(found.id, "failed")

    return _retry_on_conflict(attempt)


@_database_errors
def start_run(engine: Engine, kind: str) -> int:
    """Open a run (an ingest pass) and return its id for the documents it stores.

    Runs that a process on this machine left running and that process is gone (killed by
    SIGKILL, a power cut) are marked ``interrupted`` first, so none stays "running" for
    ever. Runs of other machines are left alone: their processes cannot be seen from here.
    """
    host = socket.gethostname()
    with write_transaction(engine) as conn:
        unfinished = conn.execute(
            select(RunRow.id, RunRow.pid).where(RunRow.status == "running", RunRow.host == host)
        ).all()
        dead = [run_id for run_id, pid in unfinished if pid is None or not _alive(pid)]
        if dead:
            conn.execute(update(RunRow).where(RunRow.id.in_(dead), RunRow.status == "running")
                         .values(status="interrupted", finished_at=datetime.now(UTC)))
        return conn.execute(insert(RunRow).values(kind=kind, status="running", host=host, pid=os.getpid())
                            ).inserted_primary_key[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@_database_errors
def finish_run(
    engine: Engine, run_id: int, counts: dict[str, int], notes: str | None = None,
    status: Literal["finished", "interrupted"] = "finished",
) -> None:
    """Close a run with its counts (e.g. new/unchanged/failed), optional notes and status."""
    with write_transaction(engine) as conn:
        done = conn.execute(
            update(RunRow)
            .where(RunRow.id == run_id)
            .values(finished_at=datetime.now(UTC), counts=dict(counts), notes=notes, status=status)
        )
        if done.rowcount != 1:
            raise DatabaseError(f"no run with id {run_id}")


@contextmanager
def interrupted_unless_finished(engine: Engine, run_id: int, counts: Callable[[], dict[str, Any]]) -> Iterator[None]:
    """Around a run's work: if it ends by an exception (Ctrl-C, SIGTERM, a broken
    database), the run is closed as ``interrupted`` with ``counts()`` so far, and the
    exception goes on. The normal end calls :func:`finish_run` itself."""
    try:
        yield
    except BaseException:
        try:
            finish_run(engine, run_id, counts(), status="interrupted")
        except DatabaseError:
            pass  # the database is what broke: the next start marks the run instead
        raise


def _retry_on_conflict(attempt: Callable[[], StoreResult]) -> StoreResult:
    """Run ``attempt`` again if a concurrent writer inserted the same sha256 first.

    Between our lookup and our insert another process may commit the same bytes; the
    unique index turns that into an IntegrityError, and the second attempt then finds the
    row and answers like any later arrival would. A second conflict is a real error.
    """
    try:
        return attempt()
    except IntegrityError:
        return attempt()


def _find(conn: Connection, sha: str | None, uri: str) -> Row[Any] | None:
    """The row holding these bytes; for a failure without bytes, the byte-less row of the URI."""
    query = select(DocumentRow.id, DocumentRow.status)
    if sha is not None:
        query = query.where(DocumentRow.sha256 == sha)
    else:
        query = query.where(DocumentRow.sha256.is_(None), DocumentRow.uri == uri).limit(1)
    return conn.execute(query).first()


def _replace_failed(conn: Connection, doc_id: int, values: dict[str, Any]) -> bool:
    """Overwrite a failed row; False when it is no longer failed (another writer won)."""
    result = conn.execute(
        update(DocumentRow)
        .where(DocumentRow.id == doc_id, DocumentRow.status == "failed")
        .values(values)
    )
    return result.rowcount == 1


def _insert_children(
    conn: Connection, doc_id: int, converted: ConvertedDocument, extraction: Extraction
) -> None:
    text = converted.text
    # A block keeps its own text: full-text search indexes it (see claimtrail.db.search).
    _insert_rows(conn, doc_id, BlockRow,
                 [_values(BlockRow, b, text=text[b.start_char:b.end_char]) for b in converted.blocks])
    _insert_rows(conn, doc_id, LinkRow, [_values(LinkRow, link) for link in converted.links])
    insert_extraction(conn, doc_id, extraction)


def insert_extraction(conn: Connection, doc_id: int, extraction: Extraction) -> None:
    """A document's mentions and claims (within the caller's transaction)."""
    _insert_rows(conn, doc_id, MentionRow, [_values(MentionRow, m) for m in extraction.mentions])
    _insert_rows(conn, doc_id, ClaimRow, [_values(ClaimRow, c) for c in extraction.claims])


def _insert_rows(conn: Connection, doc_id: int, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(model), [{"doc_id": doc_id} | row for row in rows])


def _values(model: type[Base], record: object, **given: Any) -> dict[str, Any]:
    """The row of ``model`` for ``record``: its attributes named like the columns, or ``given``."""
    columns = [c.name for c in model.__table__.columns if c.name not in ("id", "doc_id")]
    return {c: given[c] if c in given else getattr(record, c) for c in columns}


def check_spans(converted: ConvertedDocument, extraction: Extraction) -> None:
    """Refuse a document whose offsets break the contract the views promise users.

    ``substr(text, start_char + 1, end_char - start_char)`` must give back a mention's text
    and a claim's quote; blocks and links must lie inside the text. NUL characters are
    refused because PostgreSQL cannot store them in text.
    """
    text = converted.text
    if "\x00" in text:
        raise ValueError("document text contains NUL characters, which PostgreSQL cannot store")
    spans: list[tuple[str, int, int, str | None]] = [
        (f"{b.kind} block", b.start_char, b.end_char, None) for b in converted.blocks
    ]
    spans += [(f"link {k.url!r}", k.start_char, k.end_char, None) for k in converted.links]
    spans += [(f"{m.kind} mention", m.start_char, m.end_char, m.text) for m in extraction.mentions]
    spans += [("claim quote", c.start_char, c.end_char, c.quote) for c in extraction.claims]
    for what, start, end, expected in spans:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"{what} [{start}:{end}] lies outside the text (length {len(text)})")
        if expected is not None and text[start:end] != expected:
            raise ValueError(f"{what} {expected!r} is not text[{start}:{end}] {text[start:end]!r}")


@_database_errors
def stored_hashes(engine: Engine, hashes: set[str]) -> set[str]:
    """Which of these sha256 digests are stored as ok documents."""
    with engine.connect() as conn:
        return set(_ok_ids(conn, hashes))


@_database_errors
def seen_again_many(engine: Engine, found: list[tuple[str, str]]) -> None:
    """Record each (uri, sha256) of stored content as one more place it was seen at, in one
    transaction: what :func:`seen_again` does for one document, for a whole unchanged folder."""

    def attempt() -> None:
        with write_transaction(engine) as conn:
            ids = _ok_ids(conn, {sha for _, sha in found})
            for uri, sha in found:
                if sha in ids:
                    _see_location(conn, ids[sha], uri, None)

    try:
        attempt()
    except IntegrityError:  # a concurrent writer recorded one of these locations first
        attempt()


@_database_errors
def seen_again(engine: Engine, sha256: str, uri: str, source_url: str | None = None) -> bool:
    """True when these bytes are already stored as an ok document (nothing to redo); then
    ``uri`` is recorded as one more place they were found at (or seen at again)."""

    def attempt() -> StoreResult | None:
        with write_transaction(engine) as conn:
            found = conn.execute(
                select(DocumentRow.id).where(DocumentRow.sha256 == sha256, DocumentRow.status == "ok")
            ).first()
            if found is None:
                return None
            _see_location(conn, found.id, uri, web_address(source_url))
            return StoreResult(found.id, "unchanged")

    try:
        return attempt() is not None
    except IntegrityError:  # a concurrent writer recorded the same location first
        return attempt() is not None


def _ok_ids(conn: Connection, hashes: set[str], chunk: int = 500) -> dict[str, int]:
    """sha256 -> id of the ok documents among ``hashes`` (a query per ``chunk``: SQLite caps
    the parameters of one statement)."""
    ordered = sorted(hashes)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), chunk):
        found.update(conn.execute(select(DocumentRow.sha256, DocumentRow.id).where(
            DocumentRow.sha256.in_(ordered[start:start + chunk]), DocumentRow.status == "ok")).all())
    return found


def _see_location(conn: Connection, doc_id: int, uri: str, source_url: str | None) -> None:
    now = datetime.now(UTC)
    seen = conn.execute(
        update(LocationRow).where(LocationRow.doc_id == doc_id, LocationRow.uri == uri)
        .values(last_seen=now, source_url=func.coalesce(source_url, LocationRow.source_url))
    )
    if seen.rowcount == 0:
        conn.execute(insert(LocationRow).values(doc_id=doc_id, uri=uri, source_url=source_url,
                                                first_seen=now, last_seen=now))


@_database_errors
def revision_candidates(engine: Engine, doc_id: int) -> list[tuple[int, str]]:
    """Earlier ok documents that may be revisions of ``doc_id``: found at one of its
    addresses, or published under its title. (id, text) pairs, newest first."""
    with engine.connect() as conn:
        doc = conn.execute(select(DocumentRow.title, DocumentRow.source_url).where(DocumentRow.id == doc_id)).one()
        addresses = select(LocationRow.uri).where(LocationRow.doc_id == doc_id)
        same_place = select(LocationRow.doc_id).where(LocationRow.uri.in_(addresses))
        related = DocumentRow.id.in_(same_place)
        if doc.source_url:
            related = related | (DocumentRow.source_url == doc.source_url)
        if doc.title:
            related = related | (DocumentRow.title == doc.title)
        rows = conn.execute(
            select(DocumentRow.id, DocumentRow.text)
            .where(DocumentRow.id < doc_id, DocumentRow.status == "ok", related)
            .order_by(DocumentRow.id.desc()).limit(20)
        ).all()
    return [(row.id, row.text) for row in rows]


@_database_errors
def link_version(engine: Engine, doc_id: int, previous_id: int, similarity: float) -> None:
    """Record ``doc_id`` as a revision of ``previous_id``."""
    with write_transaction(engine) as conn:
        exists = conn.execute(select(VersionRow.doc_id).where(
            VersionRow.doc_id == doc_id, VersionRow.previous_id == previous_id)).first()
        if exists is None:
            conn.execute(insert(VersionRow).values(doc_id=doc_id, previous_id=previous_id, similarity=similarity))


def is_stored(engine: Engine, sha256: str) -> bool:
    """True when these bytes are already stored as an ok document: nothing to redo."""
    with engine.connect() as conn:
        found = conn.execute(
            select(DocumentRow.id).where(DocumentRow.sha256 == sha256, DocumentRow.status == "ok")
        ).first()
    return found is not None
