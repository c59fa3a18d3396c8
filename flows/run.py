"""The run flow: one pass over every configured source (what the nightly job does).

``claimtrail-run`` discovers each source's items (``discover-source``, one task per
source), then maps the per-document pipeline (``document``: fetch -> convert -> extract
-> store, reusing the stage tasks of :mod:`claimtrail.flows.ingest`) over all of them,
with at most ``RunOptions.concurrency`` documents in flight (the flow's thread pool) and
the fetcher's per-host limits. A document's failure is recorded against it (a failed row
in ``documents``) and never fails the run; a source that cannot be read at all is a
failed row under its own address. Only a broken database fails the run.

An unchanged page costs one conditional request: its ETag / Last-Modified are kept in
``fetch_state`` once it is stored, and a ``304`` answer means no download and no
processing. A page whose address gives new content is ``updated``; content already
stored (from anywhere) is ``unchanged``.

The run record (``runs``) gets started/finished times and its counts, per source too
(see :mod:`claimtrail.db.runs`), and the same summary is published as a Prefect markdown
artifact (key ``claimtrail-run``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from claimtrail.db.fetchstate import FetchState, get_fetch_state, save_fetch_state
from claimtrail.flows.ingest import (
    Outcome,
    convert_document,
    extract_document,
    failure_message,
    ingest_one,
    store,
)
from claimtrail.schema import RawDocument
from claimtrail.schema.outcomes import RunSummary, SourceSummary
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy import Engine

from claimtrail import db
from claimtrail.config import Config, Source, load_config
from claimtrail.runoptions import DEFAULT_CONCURRENCY, RunOptions
from claimtrail.files import local_path
from claimtrail.report import Since, write_report
from claimtrail.fetch import Fetcher, FetchError, FetchResult
from claimtrail.sources import Item, SourceContext, discover, source_address

ARTIFACT_KEY = "claimtrail-run"
# Extraction is CPU-bound and each extraction worker holds a model (~400 MB): one at a time
# per core, whatever the number of documents in flight.
_EXTRACT_SLOTS = threading.BoundedSemaphore(max(1, min(2, os.cpu_count() or 1)))


@dataclass(slots=True)
class _Context:
    engine: Engine
    fetcher: Fetcher
    run_id: int
    options: RunOptions


# --------------------------------------------------------------------------- tasks


@task(name="discover-source", cache_policy=NO_CACHE)
def discover_source(source: Source, ctx: _Context) -> tuple[list[Item], str | None]:
    """The source's items; when the source cannot be read: one failed item under its address."""
    try:
        return discover(source, SourceContext(ctx.fetcher, ctx.engine)), None
    except db.DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - a source that cannot be read fails that source only
        message = f"{source.kind} could not be read: {failure_message(exc)}"
        return [Item(source_address(source), error=message)], message


@task(name="fetch", cache_policy=NO_CACHE)
def fetch(fetcher: Fetcher, url: str, state: FetchState | None) -> FetchResult:
    return fetcher.fetch(url, etag=state.etag if state else None,
                         last_modified=state.last_modified if state else None)


@task(name="document", cache_policy=NO_CACHE)
def process_item(item: Item, ctx: _Context) -> Outcome:
    """The per-document pipeline; its failure is recorded against the document, never raised
    (except the database's own: that is the run's failure)."""
    if item.error:
        db.record_failure(ctx.engine, RawDocument(uri=item.uri, content=b"", source_url=item.source_url),
                          item.error, ctx.run_id)
        return Outcome(item.uri, "failed", item.error)
    if item.is_file:
        return _process_file(item, ctx)
    return _process_url(item, ctx)


def _process_url(item: Item, ctx: _Context) -> Outcome:
    engine = ctx.engine
    raw = RawDocument(uri=item.uri, content=b"", source_url=item.source_url)
    try:
        state = get_fetch_state(engine, item.uri)
        # Validators are sent only while what they describe is stored: otherwise fetch it all.
        validators = state if state and state.sha256 and db.is_stored(engine, state.sha256) else None
        result = fetch(ctx.fetcher, item.uri, validators)
        if result.not_modified:
            if validators is None:
                raise FetchError("answered 304 Not Modified to an unconditional request")
            return Outcome(item.uri, "unchanged")
        raw = RawDocument(uri=item.uri, content=result.content, source_url=item.source_url or result.final_url,
                          media_type_hint=result.media_type)
        sha = hashlib.sha256(raw.content).hexdigest()
        if db.seen_again(engine, sha, item.uri, raw.source_url):
            status = "unchanged"
        else:
            converted = convert_document(raw, ctx.options.timeout, ctx.options.max_memory_mb)
            with _EXTRACT_SLOTS:
                extraction = extract_document(converted, ctx.options.max_memory_mb)
            status = store(engine, raw, converted, extraction, ctx.run_id)
            if status == "new" and state is not None and state.sha256 not in (None, sha):
                status = "updated"
        save_fetch_state(engine, FetchState(item.uri, result.etag, result.last_modified, sha, result.final_url))
        return Outcome(item.uri, status)
    except db.DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - any document error is recorded, the run goes on
        message = failure_message(exc)
        stored = db.record_failure(engine, raw, message, ctx.run_id)
        return Outcome(item.uri, "failed" if stored.status == "failed" else stored.status, message)


def _process_file(item: Item, ctx: _Context) -> Outcome:
    """A local file: the ingest command's own pipeline, plus "updated" for a changed file."""
    with _EXTRACT_SLOTS:  # ingest_one extracts inside
        outcome = ingest_one(item.uri, ctx.engine, ctx.run_id, timeout=ctx.options.timeout,
                             max_bytes=ctx.options.max_file_bytes, max_memory_mb=ctx.options.max_memory_mb)
    if outcome.status not in ("new", "unchanged"):
        return outcome
    state = get_fetch_state(ctx.engine, item.uri)
    if outcome.status == "unchanged" and state is not None:
        return outcome
    try:
        with open(local_path(item.uri), "rb") as f:
            sha = hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return outcome  # gone since: nothing to remember
    if outcome.status == "new" and state is not None and state.sha256 not in (None, sha):
        outcome = Outcome(item.uri, "updated")
    save_fetch_state(ctx.engine, FetchState(item.uri, sha256=sha))
    return outcome


# --------------------------------------------------------------------------- the flow


def run(config: Config | str | None = None, db_url: str | None = None, options: RunOptions | None = None,
        kind: str = "run", on_document: Callable[[Outcome], None] | None = None) -> RunSummary:
    """One pass over every source of ``config`` (a :class:`Config`, or a configuration file
    to load: a path, else the usual lookup); ``db_url`` overrides its database. Runs the
    ``claimtrail-run`` flow with ``options.concurrency`` documents in flight."""
    options = options or RunOptions()
    flow_ = run_flow
    if options.concurrency != DEFAULT_CONCURRENCY:
        flow_ = run_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=max(1, options.concurrency)))
    return flow_(config, db_url, options, kind, on_document)


def write_run_report(engine: Engine, summary: RunSummary, folder: Path) -> None:
    """The run's report into ``folder`` (``[report] folder``); a folder that cannot be
    written is logged, and the run keeps its result."""
    path = folder / f"report-{summary.started_at:%Y-%m-%d}-run-{summary.run_id}.html"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_report(engine, Since(run_id=summary.run_id), path)
    except OSError as exc:
        get_run_logger().warning("could not write the run's report %s: %s", path, exc)


@flow(name="claimtrail-run", validate_parameters=False, log_prints=False,
      task_runner=ThreadPoolTaskRunner(max_workers=DEFAULT_CONCURRENCY))
def run_flow(config: Config | str | None = None, db_url: str | None = None, options: RunOptions | None = None,
             kind: str = "run", on_document: Callable[[Outcome], None] | None = None) -> RunSummary:
    """The flow behind :func:`run` (a deployment's entry point: its parameters may be just
    a configuration file's path)."""
    from prefect.runtime import flow_run

    if not isinstance(config, Config):
        config = load_config(config, db=db_url)
    options = options or RunOptions()
    engine = db.open_database(db_url or config.database)
    try:
        summary = RunSummary(db.start_run(engine, kind), datetime.now(UTC),
                             [SourceSummary(s.name, s.kind) for s in config.sources],
                             flow_run_id=str(flow_run.id) if flow_run.id else None)
        with db.interrupted_unless_finished(engine, summary.run_id, summary.record), Fetcher(options.fetch) as fetcher:
            ctx = _Context(engine, fetcher, summary.run_id, options)
            # Each source's items start as soon as that source is read, so a slow source
            # holds only itself. Each address once, for the first source read that lists it.
            jobs: dict[str, SourceSummary] = {}
            discovered = list(discover_source.map(list(config.sources), unmapped(ctx))) if config.sources else []
            source_of = {future.task_run_id: s for future, s in zip(discovered, summary.sources)}
            mapped: list = []
            item_of: dict[str, str] = {}  # task run id -> address
            for future in as_completed(discovered):
                source_summary = source_of[future.task_run_id]
                found, source_summary.error = future.result()
                items: list[Item] = []
                for item in found:
                    if item.uri not in jobs:
                        jobs[item.uri] = source_summary
                        items.append(item)
                for item_future, item in zip(process_item.map(items, unmapped(ctx)) if items else [], items):
                    mapped.append(item_future)
                    item_of[item_future.task_run_id] = item.uri
            for future in as_completed(mapped):
                outcome = future.result()
                jobs[item_of[future.task_run_id]].outcomes.append(outcome)
                if on_document is not None:
                    on_document(outcome)
        summary.finished_at = datetime.now(UTC)
        db.finish_run(engine, summary.run_id, summary.record(), notes=config.notes)
        if config.report is not None:
            write_run_report(engine, summary, config.report)
    finally:
        engine.dispose()
    create_markdown_artifact(summary.markdown(), key=ARTIFACT_KEY,
                             description=f"claimtrail run {summary.run_id}: new, updated, unchanged and failed documents")
    return summary
