"""Duplicates and revisions: the same bytes under two names or from two URLs are one
document with several locations; a report revised in place is linked to its earlier
version. Both backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from http_fixture import SAMPLES, Site, site_fixture  # noqa: F401 - the fixture
from sqlalchemy import create_engine, text

from claimtrail.config import Config, UrlsSource
from claimtrail.extractors.similarity import similarity
from claimtrail.fetch import FetchSettings
from claimtrail.flows.ingest import ingest
from claimtrail.flows.run import RunOptions, run

BRIEF = SAMPLES / "iskp-finance-networks.txt"


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return found


@pytest.mark.flows
def test_the_same_file_under_two_names_is_one_document_with_two_locations(tmp_path: Path, db_url: str) -> None:
    shutil.copy(BRIEF, tmp_path / "finance.txt")
    shutil.copy(BRIEF, tmp_path / "finance (1).txt")

    summary = ingest([str(tmp_path)], db_url)

    assert sorted(o.status for o in summary.outcomes) == ["new", "unchanged"]
    assert rows(db_url, "select count(*) from v_documents") == [(1,)]
    assert sorted(uri for (uri,) in rows(db_url, "select uri from v_locations")) == [
        str(tmp_path / "finance (1).txt"), str(tmp_path / "finance.txt")]


@pytest.mark.flows
def test_the_same_page_at_two_addresses_is_one_document(site: Site, db_url: str) -> None:
    site.add("/mirror/finance.txt", site.routes["/briefs/finance.txt"].body, content_type="text/plain")
    urls = (site.url("/briefs/finance.txt"), site.url("/mirror/finance.txt"))
    options = RunOptions(FetchSettings(delay=0.0, retries=0))

    summary = run(Config(database=db_url, sources=(UrlsSource("both", urls),)), options=options)

    assert sorted(o.status for o in summary.outcomes) == ["new", "unchanged"]
    assert rows(db_url, "select count(*) from v_documents") == [(1,)]
    assert sorted(uri for (uri,) in rows(db_url, "select uri from v_locations")) == sorted(urls)


@pytest.mark.flows
def test_a_report_revised_in_place_is_linked_to_its_earlier_version(tmp_path: Path, db_url: str) -> None:
    report = tmp_path / "report.txt"
    original = BRIEF.read_text(encoding="utf-8")
    paragraphs = original.split("\n\n")
    middle = len(paragraphs) // 2
    revised = "\n\n".join(paragraphs[:middle] + ["Updated: in 2025, 9 more facilitators were arrested in Turkey."]
                          + paragraphs[middle + 1:])
    report.write_text(original, encoding="utf-8")
    ingest([str(report)], db_url)
    report.write_text(revised, encoding="utf-8")
    shutil.copy(SAMPLES / "iskp-plots-europe.html", tmp_path / "other.html")

    ingest([str(tmp_path)], db_url)

    linked = rows(db_url, "select doc_id, previous_doc_id, similarity from v_versions")
    texts = dict(rows(db_url, "select doc_id, text from v_documents"))
    uris = dict(rows(db_url, "select doc_id, doc_uri from v_documents"))
    assert [(Path(uris[a]).name, Path(uris[b]).name) for a, b, _ in linked] == [("report.txt", "report.txt")]
    new_id, old_id, score = linked[0]
    assert new_id > old_id and "9 more facilitators" in texts[new_id] and "9 more facilitators" not in texts[old_id]
    assert score == similarity(texts[new_id], texts[old_id]) > 0.8
    assert rows(db_url, "select count(*) from v_documents") == [(3,)]  # both versions are kept, and other.html


def test_similarity() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    assert similarity(text, text) == 1.0
    assert similarity(text, text.replace("word100", "changed")) > 0.9
    assert similarity(text, " ".join(f"other{i}" for i in range(200))) == 0.0
    assert similarity("", text) == 0.0
