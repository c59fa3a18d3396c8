"""The ingest flow: discover -> read -> convert -> extract -> store, one Prefect task per stage.

This module only orchestrates. Converters and extractors are plain functions from
``claimtrail.extractors``; storage is ``claimtrail.db``. A document that fails at any
stage is recorded with its error and the run goes on: one bad PDF never costs the
others, and nothing already stored is touched.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from itertools import chain

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine

from claimtrail import db
from claimtrail.extractors.guard import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_TIMEOUT,
    convert_guarded,
    extract_guarded,
)
from claimtrail.extractors.similarity import similarity
from claimtrail.files import discover_files, local_path, unreadable_reason
from claimtrail.preflight import Plan, record_unchanged
from claimtrail.sidecar import sidecar_metadata
from claimtrail.schema import ConversionError, ConvertedDocument, Extraction, RawDocument
from claimtrail.schema.outcomes import IngestSummary, Outcome

MAX_BYTES = DEFAULT_MAX_BYTES
REVISION_SIMILARITY = 0.5  # shingle Jaccard; a report with a paragraph in ten rewritten is about 0.8


@task(name="discover", cache_policy=NO_CACHE)
def discover(paths: list[str]) -> list[str]:
    return discover_files(paths)


@task(name="read", cache_policy=NO_CACHE)
def read(uri: str, max_bytes: int = MAX_BYTES) -> RawDocument:
    path = local_path(uri)
    reason = unreadable_reason(path)
    if reason is not None:
        raise ConversionError(reason)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise ConversionError(f"file too large: {size} bytes (limit {max_bytes})")
            return RawDocument(uri=uri, content=f.read(), metadata=sidecar_metadata(path) or None)
    except OSError as exc:
        raise ConversionError(f"cannot be read: {exc.strerror or exc}") from None


@task(name="convert", cache_policy=NO_CACHE)
def convert_document(raw: RawDocument, timeout: float = DEFAULT_TIMEOUT,
                     max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> ConvertedDocument:
    return convert_guarded(raw, timeout=timeout, max_memory_mb=max_memory_mb)


@task(name="extract", cache_policy=NO_CACHE)
def extract_document(converted: ConvertedDocument,
                     max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> Extraction:
    return extract_guarded(converted, max_memory_mb=max_memory_mb)


@task(name="store", cache_policy=NO_CACHE)
def store(engine: Engine, raw: RawDocument, converted: ConvertedDocument, extraction: Extraction, run_id: int) -> str:
    """Store the document; a new one that is a revision of an earlier one is linked to it."""
    result = db.store_document(engine, raw, converted, extraction, run_id)
    if result.status == "new":
        scored = [(similarity(converted.text, text), previous)
                  for previous, text in db.revision_candidates(engine, result.doc_id)]
        best = max(scored, default=None)
        if best is not None and best[0] >= REVISION_SIMILARITY:
            db.link_version(engine, result.doc_id, best[1], best[0])
    return result.status


def failure_message(exc: BaseException) -> str:
    """One line a user understands; our own errors already are, others get their class."""
    if isinstance(exc, ConversionError):
        return str(exc)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:500] if first else type(exc).__name__


def ingest_one(uri: str, engine: Engine, run_id: int, timeout: float = DEFAULT_TIMEOUT,
               max_bytes: int = MAX_BYTES, max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> Outcome:
    """The per-document pipeline; its failure is recorded against the document, never raised."""
    raw = RawDocument(uri=uri, content=b"")
    try:
        raw = read(uri, max_bytes)
        if db.seen_again(engine, hashlib.sha256(raw.content).hexdigest(), uri):
            return Outcome(uri, "unchanged")
        converted = convert_document(raw, timeout, max_memory_mb)
        extraction = extract_document(converted, max_memory_mb)
        return Outcome(uri, store(engine, raw, converted, extraction, run_id))
    except db.DatabaseError:
        raise  # the database itself is broken: that is the run's failure, not the document's
    except Exception as exc:  # noqa: BLE001 - any document error is recorded, the run goes on
        message = failure_message(exc)
        result = db.record_failure(engine, raw, message, run_id)
        return Outcome(uri, "failed" if result.status == "failed" else result.status, message)


@flow(name="claimtrail-ingest", validate_parameters=False, log_prints=False)
def ingest(paths: list[str], db_url: str, on_document: Callable[[Outcome], None] | None = None,
           timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES,
           max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, kind: str = "ingest",
           plan: Plan | None = None) -> IngestSummary:
    """Ingest files and folders once; returns what happened to each document.

    Each document's conversion runs in a worker process (``extractors/guard.py``) and is
    stopped after ``timeout`` seconds or ``max_memory_mb`` MB; its extraction runs in
    another, under the guard's extraction limits and the same memory limit; files above
    ``max_bytes`` are not read. Each of these fails that document only. ``kind`` labels the run record
    (``ingest``, or ``watch`` for a watcher's batch). A ``plan`` (:func:`claimtrail.preflight.plan`
    of the same paths) says which documents are already stored: only the others go through
    the pipeline.
    """
    engine = db.open_database(db_url)
    try:
        run_id = db.start_run(engine, kind)
        summary = IngestSummary(run_id)
        with db.interrupted_unless_finished(engine, run_id, summary.counts):
            known = record_unchanged(engine, plan) if plan is not None else []
            todo = discover(paths) if plan is None else plan.todo
            for outcome in chain(known, (ingest_one(uri, engine, run_id, timeout, max_bytes, max_memory_mb)
                                         for uri in todo)):
                summary.outcomes.append(outcome)
                if on_document is not None:
                    on_document(outcome)
        db.finish_run(engine, run_id, summary.counts())
    finally:
        engine.dispose()
    return summary
