"""The watched folder: every batch of complete files the watcher hands over is one run of
the ingest flow (run kind ``watch``), in this process, so the spaCy model loaded for the
first batch serves all the next ones. A batch whose contents are all stored already
(a restart over a full folder, a file copied twice) is recorded without a flow
(:mod:`claimtrail.preflight`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from claimtrail import db, preflight
from claimtrail.files import discover_files
from claimtrail.flows.ingest import MAX_BYTES, Outcome, ingest
from claimtrail.watch import Watcher, WatchOptions


def watch_folder(folder: str | Path, db_url: str, stop: threading.Event, options: WatchOptions | None = None,
                 on_document: Callable[[Outcome], None] | None = None,
                 before_flow: Callable[[], object] = lambda: None) -> None:
    """Ingest the documents in ``folder`` and every one that arrives, until ``stop`` is set.

    A failed document stays where it is, recorded with its error (``v_documents``); the
    watcher goes on. Nothing in the folder is moved or deleted. ``before_flow`` is called
    before each flow run (e.g. to wait for a Prefect session starting in the background);
    if it fails, watching stops with its error.
    """
    engine = db.open_database(db_url)
    broken: list[BaseException] = []

    def ingest_batch(paths: list[str]) -> None:
        plan = preflight.plan(engine, discover_files(paths), MAX_BYTES)
        if plan.todo:
            try:
                before_flow()
            except Exception as exc:
                broken.append(exc)
                stop.set()
                raise
            ingest(paths, db_url, on_document=on_document, kind="watch", plan=plan)
            return
        for outcome in preflight.record_run(engine, plan, "watch").outcomes:
            if on_document is not None:
                on_document(outcome)

    try:
        Watcher(folder, ingest_batch, options).run(stop)
    finally:
        engine.dispose()
    if broken:
        raise broken[0]
