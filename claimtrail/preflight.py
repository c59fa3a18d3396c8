"""What an ingest has to do, found before anything expensive starts.

Starting a flow costs seconds: Prefect's temporary server and an extraction worker loading
the spaCy model. Hashing a file and asking the database which contents it already holds
cost milliseconds. So ``claimtrail ingest`` and ``watch`` first hash every file
(:func:`plan`): what is already stored is "unchanged" without any flow, and when nothing
else is left no flow starts at all (:func:`record_run`). ``claimtrail run`` does the same
per source (:func:`unchanged_sources`): listings and pages are asked for with their stored
ETag / Last-Modified, and only when every answer is 304 (and every file is stored) is the
flow skipped; the first item that needs work stops the check and the flow does the run.
Either way the run is recorded, with its counts, so ``runs`` stays a true log of what
was checked.

This module imports neither Prefect nor spaCy: that is its point.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from claimtrail import db
from claimtrail.db.fetchstate import get_fetch_state
from claimtrail.files import local_path, unreadable_reason
from claimtrail.schema.outcomes import IngestSummary, Outcome, RunSummary, SourceSummary

if TYPE_CHECKING:  # the HTTP client and the sources are imported by the run check alone
    from claimtrail.config import Config
    from claimtrail.fetch import Fetcher
    from claimtrail.runoptions import RunOptions
    from claimtrail.sources import Item


@dataclass(frozen=True, slots=True)
class Plan:
    """The documents of an ingest, split before the flow starts."""

    todo: list[str] = field(default_factory=list)  # new or changed bytes, earlier failures, unreadable files
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (uri, sha256) already stored ok


def plan(engine: Engine, uris: list[str], max_bytes: int) -> Plan:
    """Hash each file and look its content up, in one query per few hundred files.

    A file that cannot be hashed here (gone, unreadable, over ``max_bytes``) is left to the
    flow, which records why it failed exactly as it always does.
    """
    hashed: dict[str, str] = {}
    todo: list[str] = []
    for uri in uris:
        sha = _sha256(local_path(uri), max_bytes)
        if sha is None:
            todo.append(uri)
        else:
            hashed[uri] = sha
    stored = db.stored_hashes(engine, set(hashed.values()))
    todo += [uri for uri, sha in hashed.items() if sha not in stored]
    return Plan(sorted(todo), [(uri, sha) for uri, sha in hashed.items() if sha in stored])


def record_unchanged(engine: Engine, plan: Plan) -> list[Outcome]:
    """Note where the unchanged documents were seen again; their outcomes, in order."""
    db.seen_again_many(engine, plan.unchanged)
    return [Outcome(uri, "unchanged") for uri, _ in plan.unchanged]


def record_run(engine: Engine, plan: Plan, kind: str) -> IngestSummary:
    """The whole run when ``plan`` has nothing to do: opened, its documents seen again, closed."""
    summary = IngestSummary(db.start_run(engine, kind))
    with db.interrupted_unless_finished(engine, summary.run_id, summary.counts):
        summary.outcomes += record_unchanged(engine, plan)
    db.finish_run(engine, summary.run_id, summary.counts())
    return summary


def unchanged_sources(engine: Engine, config: Config, options: RunOptions) -> list[SourceSummary] | None:
    """Each source with every item "unchanged" when nothing of ``config`` needs the run flow;
    None as soon as something does (a new or changed page or file, a source or item that
    failed). Items are checked ``options.concurrency`` at a time, with the run's politeness."""
    from claimtrail.fetch import Fetcher
    from claimtrail.sources import SourceContext, discover

    summaries = [SourceSummary(s.name, s.kind) for s in config.sources]
    seen: set[str] = set()
    files: list[tuple[str, str]] = []
    with Fetcher(options.fetch) as fetcher, ThreadPoolExecutor(max(1, options.concurrency)) as pool:
        for source, summary in zip(config.sources, summaries):
            try:
                items = [i for i in discover(source, SourceContext(fetcher, engine)) if i.uri not in seen]
            except Exception:  # noqa: BLE001 - a source that cannot be read is the flow's to record
                return None
            seen.update(i.uri for i in items)
            checks = [pool.submit(_unchanged, engine, fetcher, options, item) for item in items]
            for check in checks:
                found = check.result()
                if found is None:
                    pool.shutdown(cancel_futures=True)
                    return None
                if found is not True:
                    files.append(found)
            summary.outcomes += [Outcome(i.uri, "unchanged") for i in items]
    db.seen_again_many(engine, files)
    return summaries


def record_unchanged_run(engine: Engine, sources: list[SourceSummary], kind: str, config: Config) -> RunSummary:
    """The run record of a run of ``config`` that :func:`unchanged_sources` found nothing to do for."""
    summary = RunSummary(db.start_run(engine, kind), datetime.now(UTC), sources)
    summary.finished_at = datetime.now(UTC)
    db.finish_run(engine, summary.run_id, summary.record(), notes=config.notes)
    return summary


def _unchanged(engine: Engine, fetcher: Fetcher, options: RunOptions, item: Item) -> tuple[str, str] | bool | None:
    """(uri, sha256) of an unchanged file, True for a page that answered 304, None otherwise.

    A file counts only once the run flow has remembered it (its fetch state), as a page
    does only while the content its validators describe is stored.
    """
    try:
        if item.error:
            return None
        state = get_fetch_state(engine, item.uri)
        if item.is_file:
            sha = _sha256(local_path(item.uri), options.max_file_bytes)
            return (item.uri, sha) if state is not None and sha and db.stored_hashes(engine, {sha}) else None
        if state is None or not state.sha256 or not db.is_stored(engine, state.sha256):
            return None
        return True if fetcher.fetch(item.uri, etag=state.etag, last_modified=state.last_modified).not_modified \
            else None
    except Exception:  # noqa: BLE001 - whatever went wrong, the flow meets it again and records it
        return None


def _sha256(path: str, max_bytes: int) -> str | None:
    if unreadable_reason(path) is not None:  # a FIFO, a folder, a broken link: never opened here
        return None
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > max_bytes:
                return None
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
