"""Nothing new costs nothing: before an ingest starts Prefect or loads spaCy, it hashes the
files and asks the database which contents it already holds (``claimtrail.preflight``).
The run is recorded all the same, with honest counts."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from claimtrail.db.fetchstate import FetchState, save_fetch_state
from claimtrail.db.models import LocationRow
from claimtrail.db.runs import recent_runs
from claimtrail.extractors.convert import convert
from claimtrail.schema import Extraction, RawDocument
from http_fixture import Site, site_fixture  # noqa: F401 - the fixture
from sqlalchemy import select

from claimtrail import db, preflight
from claimtrail.config import Config, UrlsSource
from claimtrail.fetch import Fetcher, FetchSettings
from claimtrail.runoptions import RunOptions

pytestmark = pytest.mark.flows  # these tests ingest through the flow

BRIEF = "The ministry reported 12 arrests in Kenya in March 2024.\n"


def stored(url: str, path: Path) -> None:
    """``path`` in the database as a stored document (converted, nothing extracted: no spaCy needed)."""
    raw = RawDocument(uri=str(path), content=path.read_bytes())
    db.store_document(db.open_database(url), raw, convert(raw), Extraction())


def test_the_plan_leaves_only_new_changed_and_unreadable_files_to_the_flow(tmp_path: Path, db_url: str) -> None:
    kept, copy, fresh, gone = (tmp_path / name for name in ("kept.txt", "copy.txt", "fresh.txt", "gone.txt"))
    kept.write_text(BRIEF)
    stored(db_url, kept)
    copy.write_text(BRIEF)  # the same bytes at another place: unchanged content
    fresh.write_text(BRIEF.replace("12", "13"))
    gone.symlink_to(tmp_path / "nowhere.txt")

    plan = preflight.plan(db.open_database(db_url), [str(p) for p in (kept, copy, fresh, gone)], max_bytes=10**6)

    assert sorted(plan.todo) == sorted([str(fresh), str(gone)])
    assert sorted(uri for uri, _ in plan.unchanged) == sorted([str(kept), str(copy)])


def test_a_run_with_nothing_to_do_is_recorded_with_its_counts_and_places(tmp_path: Path, db_url: str) -> None:
    kept, copy = tmp_path / "kept.txt", tmp_path / "copy.txt"
    kept.write_text(BRIEF)
    copy.write_text(BRIEF)
    stored(db_url, kept)
    engine = db.open_database(db_url)

    summary = preflight.record_run(engine, preflight.plan(engine, [str(kept), str(copy)], 10**6), "watch")

    run = recent_runs(engine, 1)[0]
    assert (run.id, run.kind, run.status) == (summary.run_id, "watch", "finished")
    assert {s: run.count(s) for s in ("new", "unchanged", "failed")} == {"new": 0, "unchanged": 2, "failed": 0}
    with engine.connect() as conn:
        places = conn.scalars(select(LocationRow.uri)).all()
    assert sorted(places) == sorted([str(copy), str(kept)])


def test_ingest_of_a_stored_document_neither_imports_spacy_nor_starts_prefect(tmp_path: Path, db_url: str) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF)
    stored(db_url, brief)
    # The real command in a process of its own, reporting afterwards what it imported.
    script = (
        "import sys\n"
        "from claimtrail.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('IMPORTED', sorted(m for m in ('spacy', 'prefect') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, "ingest", str(brief), "--db", db_url],
                          capture_output=True, text=True, timeout=120, check=True)

    assert "IMPORTED []" in done.stdout, done.stdout + done.stderr
    run = recent_runs(db.open_database(db_url), 1)[0]
    assert run.kind == "ingest" and run.status == "finished"
    assert run.counts == {"new": 0, "unchanged": 1, "failed": 0}


def fetched_and_stored(url: str, fetcher: Fetcher, address: str) -> None:
    """``address`` as a run leaves it: its content stored, its validators remembered."""
    result = fetcher.fetch(address)
    raw = RawDocument(uri=address, content=result.content, media_type_hint=result.media_type)
    db.store_document(db.open_database(url), raw, convert(raw), Extraction())
    save_fetch_state(db.open_database(url), FetchState(address, result.etag, result.last_modified,
                                                      hashlib.sha256(result.content).hexdigest(), result.final_url))


def test_a_run_is_skipped_only_when_every_page_answers_not_modified(site: Site, db_url: str) -> None:
    pages = (site.url("/briefs/finance.txt"), site.url("/reports/central-asia.pdf"))
    config = Config(database=db_url, sources=(UrlsSource("briefs", pages),))
    options = RunOptions(FetchSettings(delay=0.0, retries=0))
    engine = db.open_database(db_url)
    with Fetcher(options.fetch) as fetcher:
        fetched_and_stored(db_url, fetcher, pages[0])
        assert preflight.unchanged_sources(engine, config, options) is None  # the PDF is new
        fetched_and_stored(db_url, fetcher, pages[1])
    mark = site.mark()

    sources = preflight.unchanged_sources(engine, config, options)

    assert sources is not None and [(s.name, s.count("unchanged")) for s in sources] == [("briefs", 2)]
    assert {hit.status for hit in site.hits(since=mark) if hit.path != "/robots.txt"} == {304}
    summary = preflight.record_unchanged_run(engine, sources, "run", config)
    run = recent_runs(engine, 1)[0]
    assert run.id == summary.run_id and run.counts["unchanged"] == 2 and run.counts["new"] == 0
