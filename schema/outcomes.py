"""What happened to each document of an ingest or a run: records shared by the flows, the
pre-flight (:mod:`claimtrail.preflight`, which must not import Prefect) and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


STATUSES = ("new", "updated", "unchanged", "failed")  # of a run's documents
MAX_RECORDED_FAILURES = 200  # in the run record; every failure is in documents anyway


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


@dataclass(slots=True)
class SourceSummary:
    name: str
    kind: str
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None  # the source itself could not be read

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def counts(self) -> dict[str, object]:
        counts: dict[str, object] = {"kind": self.kind, **{s: self.count(s) for s in STATUSES}}
        if self.error:
            counts["error"] = self.error
        return counts


@dataclass(slots=True)
class RunSummary:
    run_id: int
    started_at: datetime
    sources: list[SourceSummary] = field(default_factory=list)
    finished_at: datetime | None = None
    flow_run_id: str | None = None

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for s in self.sources for o in s.outcomes]

    def count(self, status: str) -> int:
        return sum(s.count(status) for s in self.sources)

    def failures(self) -> list[tuple[str, Outcome]]:
        return [(s.name, o) for s in self.sources for o in s.outcomes if o.status == "failed"]

    def record(self) -> dict[str, object]:
        """The run record's counts (JSON), as :mod:`claimtrail.db.runs` describes them."""
        return {
            **{s: self.count(s) for s in STATUSES},
            "sources": {s.name: s.counts() for s in self.sources},
            "failures": [{"source": name, "uri": o.uri, "error": o.error}
                         for name, o in self.failures()[:MAX_RECORDED_FAILURES]],
        }

    def markdown(self) -> str:
        def cell(value: object) -> str:
            return str(value).replace("|", "\\|").replace("\n", " ")

        finished = self.finished_at or datetime.now(UTC)
        lines = [
            f"# claimtrail run {self.run_id}",
            "",
            f"Started {self.started_at:%Y-%m-%d %H:%M:%S} UTC, took {(finished - self.started_at).total_seconds():.1f} s: "
            f"{len(self.outcomes)} documents, " + ", ".join(f"{self.count(s)} {s}" for s in STATUSES) + ".",
            "",
            "| source | kind | " + " | ".join(STATUSES) + " |",
            "| --- | --- | " + " | ".join("---:" for _ in STATUSES) + " |",
        ]
        for s in self.sources:
            lines.append(f"| {cell(s.name)} | {s.kind} | " + " | ".join(str(s.count(x)) for x in STATUSES) + " |")
        lines.append("| **all** | | " + " | ".join(f"**{self.count(x)}**" for x in STATUSES) + " |")
        failures = self.failures()
        if failures:
            lines += ["", "## Failures", ""]
            lines += [f"- {cell(name)}: `{cell(o.uri)}`: {cell(o.error)}" for name, o in failures]
        return "\n".join(lines) + "\n"
