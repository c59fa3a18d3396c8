"""What happened to each document of an ingest: records shared by the flows, the pre-flight
(:mod:`claimtrail.preflight`, which must not import Prefect) and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Outcome:
    uri: str
    status: str  # new | unchanged | failed (the run flow adds updated)
    error: str | None = None


@dataclass(slots=True)
class IngestSummary:
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("new", "unchanged", "failed")}
