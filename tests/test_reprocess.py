"""Re-extraction without re-fetching: outdated documents get a new extraction from their
stored text, swapped in atomically; current ones are left alone. Both backends."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.extractors.pipeline import pipeline_version
from claimtrail.flows.ingest import ingest
from claimtrail.flows.reprocess import reprocess

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def scalar(url: str, sql: str, **params: object) -> object:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def test_an_outdated_document_is_extracted_again_and_readers_never_see_it_half_done(db_url: str) -> None:
    ingest([str(SAMPLES)], db_url)
    doc = scalar(db_url, "select doc_id from v_documents where doc_uri like '%iskp-plots-europe.html'")
    complete = scalar(db_url, "select count(*) from v_claims where doc_id = :d", d=doc)
    others = scalar(db_url, "select count(*) || ':' || max(claim_id) from v_claims where doc_id <> :d", d=doc)
    engine = create_engine(db_url)
    with engine.begin() as conn:  # as an older pipeline left it: another version, fewer claims
        conn.execute(text("update documents set pipeline_version = '0.0.1+old' where id = :d"), {"d": doc})
        conn.execute(text("delete from claims where doc_id = :d and id % 2 = 0"), {"d": doc})
    old = scalar(db_url, "select count(*) from v_claims where doc_id = :d", d=doc)
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        with engine.connect() as conn:
            while not done.is_set():
                seen.add(conn.execute(text("select count(*) from v_claims where doc_id = :d"), {"d": doc}).scalar())
                conn.commit()  # a fresh snapshot each time

    reader = threading.Thread(target=read)
    reader.start()
    try:
        summary = reprocess(db_url)
    finally:
        done.set()
        reader.join()
    engine.dispose()

    assert old < complete
    assert [(Path(o.uri).name, o.status) for o in summary.outcomes] == [("iskp-plots-europe.html", "reprocessed")]
    assert scalar(db_url, "select count(*) from v_claims where doc_id = :d", d=doc) == complete
    assert scalar(db_url, "select pipeline_version from documents where id = :d", d=doc) == pipeline_version()
    assert seen <= {old, complete}  # never a document with no claims, or some of each
    assert scalar(db_url, "select count(*) || ':' || max(claim_id) from v_claims where doc_id <> :d", d=doc) == others


def test_reprocess_all_gives_the_same_extraction_again(db_url: str) -> None:
    ingest([str(SAMPLES)], db_url)
    before = scalar(db_url, "select count(*) from v_mentions"), scalar(db_url, "select count(*) from v_claims")
    documents = scalar(db_url, "select count(*) from v_documents where status = 'ok'")

    nothing = CliRunner().invoke(app, ["reprocess", "--db", db_url])
    everything = CliRunner().invoke(app, ["reprocess", "--all", "--db", db_url])

    assert nothing.exit_code == 0 and "0 documents extracted again" in nothing.output
    assert everything.exit_code == 0 and f"{documents} documents extracted again" in everything.output
    after = scalar(db_url, "select count(*) from v_mentions"), scalar(db_url, "select count(*) from v_claims")
    assert after == before
    assert scalar(db_url, "select kind from runs order by id desc limit 1") == "reprocess"
