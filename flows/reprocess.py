"""The reprocess flow: extraction again, on stored text, for documents extracted by an
older pipeline version (claimtrail, rule code, rule files and model: see `pipeline_version`). Nothing is
fetched or converted again. A document whose new extraction fails keeps its old one and
is counted as failed; the run goes on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine

from claimtrail import db
from claimtrail.db.reextract import load_converted, outdated, replace_extraction
from claimtrail.extractors.pipeline import pipeline_version
from claimtrail.flows.ingest import Outcome, extract_document, failure_message


@dataclass(slots=True)
class ReprocessSummary:
    run_id: int
    version: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def counts(self) -> dict[str, object]:
        return {s: self.count(s) for s in ("reprocessed", "failed")} | {
            "failures": [{"uri": o.uri, "error": o.error} for o in self.outcomes if o.status == "failed"]}


@task(name="replace", cache_policy=NO_CACHE)
def replace(engine: Engine, doc_id: int) -> None:
    converted = load_converted(engine, doc_id)
    replace_extraction(engine, doc_id, converted, extract_document(converted))


@flow(name="claimtrail-reprocess", validate_parameters=False, log_prints=False)
def reprocess(db_url: str, everything: bool = False,
              on_document: Callable[[Outcome], None] | None = None) -> ReprocessSummary:
    """Re-extract every outdated document (every document with ``everything``)."""
    engine = db.open_database(db_url)
    try:
        summary = ReprocessSummary(db.start_run(engine, "reprocess"), pipeline_version())
        with db.interrupted_unless_finished(engine, summary.run_id, summary.counts):
            for doc_id, uri in outdated(engine, summary.version, everything):
                try:
                    replace(engine, doc_id)
                    outcome = Outcome(uri, "reprocessed")
                except db.DatabaseError:
                    raise
                except Exception as exc:  # noqa: BLE001 - this document keeps its old extraction
                    outcome = Outcome(uri, "failed", failure_message(exc))
                summary.outcomes.append(outcome)
                if on_document is not None:
                    on_document(outcome)
        db.finish_run(engine, summary.run_id, summary.counts())
    finally:
        engine.dispose()
    return summary
