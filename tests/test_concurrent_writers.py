"""Two `claimtrail ingest` processes on one database at once, both backends: the schema is
created once, every content is stored once, nothing is corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from processes import claimtrail_process
from sqlalchemy import text
from stored import store_files

from claimtrail.db import open_database

pytestmark = pytest.mark.flows  # the ingest processes run on the session's Prefect server

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_two_ingest_processes_at_once_store_each_document_once(tmp_path: Path, db_url: str) -> None:
    # Both get the samples (the same bytes arriving twice at once) plus a brief of their own.
    folders = []
    for name in ("alpha", "beta"):
        folder = tmp_path / name
        shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("*.py"))
        (folder / f"{name}.txt").write_text(f"In 2024, {len(name)} plots by ISKP were disrupted in France ({name}).\n")
        folders.append(folder)

    processes = [claimtrail_process("ingest", str(folder), "--db", db_url) for folder in folders]
    outputs = [p.communicate(timeout=300)[0] for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    concurrent = contents(db_url)
    sequential_url = f"sqlite:///{tmp_path / 'sequential.db'}"
    store_files(folders, sequential_url)  # the same documents, one after the other
    samples = len([p for p in folders[0].rglob("*") if p.is_file()]) - 1

    assert len(concurrent) == samples + 2  # the shared samples once each, plus alpha.txt and beta.txt
    assert concurrent == contents(sequential_url)  # same documents, mentions and claims


def contents(url: str) -> dict[str, tuple[str, int, int]]:
    """Per stored content (sha256): its status and how many mentions and claims it has;
    on SQLite also checks the file and its search index are intact."""
    engine = open_database(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "select d.sha256, d.status, "
            "(select count(*) from v_mentions m where m.doc_id = d.doc_id), "
            "(select count(*) from v_claims c where c.doc_id = d.doc_id) from v_documents d")).all()
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("pragma integrity_check")).scalar() == "ok"
            conn.execute(text("insert into blocks_fts(blocks_fts) values ('integrity-check')"))  # raises if not
    engine.dispose()
    assert len({sha for sha, *_ in rows}) == len(rows)
    return {sha: (status, mentions, claims) for sha, status, mentions, claims in rows}
