"""Documents stored as the ingest flow stores them, by plain function calls in this process.

For tests of what reads the database (search, export, sql): they need stored documents,
not a flow run, so they neither start Prefect's test server nor wait for worker
processes. What ingest itself does (runs, failures, limits, revisions) is tested with the
flow (tests/test_ingest.py and others marked ``flows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from claimtrail import db
from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract
from claimtrail.files import discover_files, local_path
from claimtrail.schema import RawDocument
from claimtrail.sidecar import sidecar_metadata


def store_files(paths: Iterable[str | Path], url: str) -> None:
    """Convert, extract and store the documents in ``paths`` (files and folders) as one
    finished ingest run; every one must convert."""
    engine = db.open_database(url)
    try:
        run_id = db.start_run(engine, "ingest")
        counts = {"new": 0, "unchanged": 0, "failed": 0}
        for uri in discover_files(str(p) for p in paths):
            path = local_path(uri)
            raw = RawDocument(uri=uri, content=Path(path).read_bytes(), metadata=sidecar_metadata(path) or None)
            converted = convert(raw)
            counts[db.store_document(engine, raw, converted, extract(converted), run_id).status] += 1
        db.finish_run(engine, run_id, counts)
    finally:
        engine.dispose()
