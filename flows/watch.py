"""The watched folder: every batch of complete files the watcher hands over is one run of
the ingest flow (run kind ``watch``), in this process, so the spaCy model loaded for the
first batch serves all the next ones."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from claimtrail.flows.ingest import Outcome, ingest
from claimtrail.watch import Watcher, WatchOptions


def watch_folder(folder: str | Path, db_url: str, stop: threading.Event, options: WatchOptions | None = None,
                 on_document: Callable[[Outcome], None] | None = None) -> None:
    """Ingest the documents in ``folder`` and every one that arrives, until ``stop`` is set.

    A failed document stays where it is, recorded with its error (``v_documents``); the
    watcher goes on. Nothing in the folder is moved or deleted.
    """

    def ingest_batch(paths: list[str]) -> None:
        ingest(paths, db_url, on_document=on_document, kind="watch")

    Watcher(folder, ingest_batch, options).run(stop)
