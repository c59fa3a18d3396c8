"""Ingesting documents end to end: real files, a real Prefect flow, real databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimtrail.db import query_readonly
from claimtrail.flows.ingest import ingest

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
SEED = SHARED / "seeds" / "iskp-goes-global.txt"


def rows(url: str, sql: str) -> list[dict]:
    columns, result = query_readonly(url, sql)
    return [dict(zip(columns, row)) for row in result]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The samples and the seed, next to a broken PDF, an empty file and mislabelled junk."""
    folder = tmp_path / "inbox"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("*.py", "pdf-src"))
    shutil.copy(SEED, folder / SEED.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.pdf").write_bytes(bytes(range(256)) * 8)
    (folder / "truncated.pdf").write_bytes((SAMPLES / "central-asia-recruitment.pdf").read_bytes()[:600])
    return folder


def test_every_document_ends_ok_or_failed_with_a_reason(corpus: Path, db_url: str) -> None:
    summary = ingest([str(corpus)], db_url)

    docs = {Path(d["doc_uri"]).name: d for d in rows(db_url, "select doc_uri, status, error, media_type from v_documents")}
    assert {name for name, d in docs.items() if d["status"] == "ok"} == {
        "central-asia-recruitment.pdf", "iskp-finance-networks.txt", "iskp-plots-europe.html", "iskp-goes-global.txt",
        "coalition-strikes-release.md", "encyclopedia-attack-article.html", "quarterly-bulletin.pdf",
    }
    assert docs["empty.txt"]["error"] == "empty file"
    assert "binary" in docs["junk.pdf"]["error"]
    assert docs["truncated.pdf"]["status"] == "failed" and docs["truncated.pdf"]["error"]
    assert docs["central-asia-recruitment.pdf"]["media_type"] == "application/pdf"
    assert summary.count("new") == 7 and summary.count("failed") == 3


def test_every_offset_points_at_its_text(corpus: Path, db_url: str) -> None:
    ingest([str(corpus)], db_url)

    texts = {r["doc_id"]: r["text"] for r in rows(db_url, "select doc_id, text from v_documents where status = 'ok'")}
    mentions = rows(db_url, "select doc_id, text, start_char, end_char, kind, page from v_mentions")
    claims = rows(db_url, "select doc_id, quote, start_char, end_char from v_claims")
    assert len(mentions) > 300 and len(claims) > 40
    for m in mentions:
        assert texts[m["doc_id"]][m["start_char"] : m["end_char"]] == m["text"]
    for c in claims:
        assert texts[c["doc_id"]][c["start_char"] : c["end_char"]] == c["quote"]
    # The database agrees, in characters, not bytes (the seed has curly quotes before its counts).
    mismatched = rows(db_url, """
        select count(*) as n from v_mentions m join v_documents d on d.doc_id = m.doc_id
        where substr(d.text, m.start_char + 1, m.end_char - m.start_char) <> m.text""")
    assert mismatched == [{"n": 0}]


def test_pdf_mentions_know_their_page(corpus: Path, db_url: str) -> None:
    ingest([str(corpus / "central-asia-recruitment.pdf")], db_url)

    pages = {r["page"] for r in rows(db_url, "select page from v_mentions")}
    assert None not in pages and len(pages) >= 3
    assert {r["page"] for r in rows(db_url, "select page from v_claims")} - {None}
    # A bulleted list in a PDF gives one claim per item, each with the item's country.
    by_country = rows(db_url, "select value, unit, country, quote from v_claims where unit = 'arrests' and country = 'RUS'")
    assert by_country == [{"value": 64.0, "unit": "arrests", "country": "RUS", "quote": "Russia: 64 arrests"}]


def test_ingesting_the_same_bytes_again_changes_nothing(corpus: Path, db_url: str) -> None:
    ingest([str(corpus)], db_url)
    count = "select (select count(*) from v_documents) as d, (select count(*) from v_mentions) as m, (select count(*) from v_claims) as c"
    before = rows(db_url, count)

    again = ingest([str(corpus)], db_url)

    assert rows(db_url, count) == before
    assert again.count("new") == 0 and again.count("unchanged") == 7  # the six samples and the seed


def test_a_failure_keeps_what_is_stored(corpus: Path, db_url: str) -> None:
    ingest([str(SEED)], db_url)
    stored = rows(db_url, "select count(*) as n from v_claims")

    ingest([str(corpus / "junk.pdf"), str(corpus / "empty.txt")], db_url)

    assert rows(db_url, "select count(*) as n from v_claims") == stored
    assert rows(db_url, "select count(*) as n from v_documents where status = 'failed'") == [{"n": 2}]
