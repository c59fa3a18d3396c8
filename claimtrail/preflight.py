"""What an ingest has to do, found before anything expensive starts.

Starting the ingest flow costs seconds: Prefect's temporary server and an extraction worker
loading the spaCy model. Hashing a file and asking the database which contents it already
holds cost milliseconds. So ``claimtrail ingest`` and ``watch`` first hash every file
(:func:`plan`): what is already stored is "unchanged" without any flow, and when nothing
else is left no flow starts at all (:func:`record_run`). The run is recorded all the same,
with its counts, so ``runs`` and ``v_runs`` stay a true log of what was checked.

This module imports neither Prefect nor spaCy: that is its point.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from sqlalchemy import Engine

from claimtrail import db
from claimtrail.files import local_path, unreadable_reason
from claimtrail.schema.outcomes import IngestSummary, Outcome


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
