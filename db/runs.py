"""Reading runs back: the recent runs with their counts and failures (``claimtrail runs``).

A run's ``counts`` is JSON. An ingest run has ``new``/``unchanged``/``failed``; a run over
configured sources (:mod:`claimtrail.flows.run`) also has ``updated``, ``sources`` (the
same counts per source name, with its ``kind`` and an ``error`` when the source itself
could not be read) and ``failures`` (``uri``, ``source``, ``error`` of each failed item).
For runs without a ``failures`` list, the failed documents the run recorded are read from
the documents table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claimtrail.db.models import DocumentRow, RunRow
from claimtrail.db.store import _database_errors
from sqlalchemy import Engine, select


@dataclass(frozen=True, slots=True)
class Failure:
    uri: str
    error: str | None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any]
    notes: str | None
    status: str  # running | finished | interrupted
    failures: list[Failure] = field(default_factory=list)

    def count(self, key: str) -> int:
        value = self.counts.get(key, 0)
        return value if isinstance(value, int) else 0


@_database_errors
def recent_runs(engine: Engine, limit: int = 10) -> list[RunRecord]:
    """The ``limit`` most recent runs, newest first, each with its failures."""
    with engine.connect() as conn:
        runs = conn.execute(select(RunRow.__table__).order_by(RunRow.id.desc()).limit(limit)).all()
        records = []
        for run in runs:
            counts = dict(run.counts or {})
            if isinstance(counts.get("failures"), list):
                failures = [Failure(f.get("uri", ""), f.get("error"), f.get("source")) for f in counts["failures"]]
            else:
                rows = conn.execute(
                    select(DocumentRow.uri, DocumentRow.error)
                    .where(DocumentRow.run_id == run.id, DocumentRow.status == "failed")
                    .order_by(DocumentRow.id)
                ).all()
                failures = [Failure(uri, error) for uri, error in rows]
            records.append(RunRecord(run.id, run.kind, run.started_at, run.finished_at, counts, run.notes, run.status,
                                     failures))
    return records
