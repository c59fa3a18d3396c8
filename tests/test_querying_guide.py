"""The README's querying guide: every SQL block in it runs, on both databases, on the samples.

The samples folder (plus one empty file, so that the failed-documents query has an answer)
is ingested once per backend; each query of the guide is then a test of its own, named
after the sentence that introduces it, run through ``query_readonly`` exactly as
``claimtrail sql`` runs it. Every query must answer with at least one row, and some have
checks of their own (``CHECKS``), keyed by the same name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claimtrail.db import query_readonly
from claimtrail.flows.ingest import ingest
from claimtrail.guide import guide_queries

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ISKP = "Islamic State Khorasan Province"

Rows = list[dict[str, object]]


QUERIES = {query.name: query.sql for query in guide_queries()}


def test_the_guide_has_enough_queries() -> None:
    assert len(QUERIES) >= 8, f"the querying guide has only {len(QUERIES)} sql blocks"


@pytest.fixture(scope="module")
def guide_db(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per backend for the whole module, holding the samples and one failure."""
    empty = tmp_path_factory.mktemp("guide") / "empty.txt"
    empty.write_bytes(b"")
    summary = ingest([str(SAMPLES), str(empty)], module_db_url)
    assert summary.count("new") >= 3 and summary.count("failed") == 1, summary
    yield module_db_url


def run(url: str, sql: str) -> tuple[list[str], Rows]:
    columns, result = query_readonly(url, sql)
    assert columns, "the query returned no columns"
    assert len(set(columns)) == len(columns), f"duplicate column names: {columns}"
    return columns, [dict(zip(columns, row, strict=True)) for row in result]


# What the samples guarantee beyond "at least one row", per query.

def _canonical_name(rows: Rows) -> None:
    assert {"actor": ISKP, "written_as": "ISKP"} in [{k: r[k] for k in ("actor", "written_as")} for r in rows]


def _iskp_counts(rows: Rows) -> None:
    plots = {(r["year"], r["country"], r["value"]) for r in rows if r["unit"] == "plots"}
    assert {("2021", "DEU", 8.0), ("2021", "AUT", 4.0)} <= plots
    assert all(r["year"] is None or re.fullmatch(r"\d{4}", str(r["year"])) for r in rows)


def _figure_140(rows: Rows) -> None:
    assert all(r["value"] == 140 for r in rows)
    assert len({r["doc_uri"] for r in rows}) >= 2, "140 is reported by several samples"
    assert all("140" in str(r["quote"]) for r in rows)
    assert any(r["page"] == 1 for r in rows), "the PDF's claim is on page 1"


def _corroborated(rows: Rows) -> None:
    assert all(int(r["documents"]) > 1 for r in rows)
    assert {"value": 140.0, "unit": "people", "country": "RUS"} in [
        {k: r[k] for k in ("value", "unit", "country")} for r in rows]


def _co_mentions(rows: Rows) -> None:
    pairs = {frozenset((r["actor_a"], r["actor_b"])) for r in rows}
    assert frozenset((ISKP, "Taliban")) in pairs
    assert all(r["actor_a"] != r["actor_b"] for r in rows)
    assert len(pairs) == len(rows), "each pair of actors once"


def _countries(rows: Rows) -> None:
    assert {"RUS", "TJK", "AFG"} <= {r["country"] for r in rows}
    mentions = [int(r["mentions"]) for r in rows]
    assert mentions == sorted(mentions, reverse=True)


def _window(rows: Rows) -> None:
    for r in rows:
        assert str(r["date_start"]) <= "2024-06-30" and str(r["date_end"]) >= "2024-01-01", r
    # "ISKP's al-Azaim Media Foundation released at least 60 Tajik-language videos ... in 2024"
    assert any(r["value"] == 60 and r["unit"] == "videos" and r["actor"] == "al-Azaim Media Foundation" for r in rows)


def _latest_run(rows: Rows) -> None:
    assert len({r["run_id"] for r in rows}) == 1
    assert {r["status"] for r in rows} == {"ok", "failed"}
    assert any(str(r["uri"]).endswith("iskp-plots-europe.html") for r in rows)


def _claims_of_latest_run(rows: Rows) -> None:
    assert len(rows) > 40
    assert any(r["value"] == 140 for r in rows)


def _runs(rows: Rows) -> None:
    [only] = rows
    assert only["kind"] == "ingest" and only["finished_at"] is not None
    assert int(only["documents_stored"]) >= 4 and int(only["failed"]) == 1


def _failed(rows: Rows) -> None:
    [failed] = rows
    assert str(failed["doc_uri"]).endswith("empty.txt") and failed["error"] == "empty file"


def _pdf_pages(rows: Rows) -> None:
    assert all(str(r["doc_uri"]).endswith(".pdf") and r["page"] for r in rows)
    assert len({r["page"] for r in rows}) >= 2


def _provenance(rows: Rows) -> None:
    assert {r["matches_quote"] for r in rows} == {"yes"}
    assert all(r["value"] == 64 for r in rows)
    assert "Russia: 64 arrests" in {r["located"] for r in rows}


def _not_asserted(rows: Rows) -> None:
    assert {r["modality"] for r in rows} <= {"negated", "hypothetical"}
    assert any(r["modality"] == "hypothetical" and "would" in str(r["quote"]) for r in rows)


def _modality_per_document(rows: Rows) -> None:
    assert all(int(r["asserted"]) + int(r["reported"]) + int(r["other"]) > 0 for r in rows)
    assert sum(int(r["other"]) for r in rows) >= 1


CHECKS: dict[str, Callable[[Rows], None]] = {
    "find-an-actors-canonical-name-from": _canonical_name,
    "every-count-about-iskp-by-country": _iskp_counts,
    "every-source-that-reports-a-given": _figure_140,
    "figures-that-more-than-one-document": _corroborated,
    "actors-named-together-in-the-same": _co_mentions,
    "countries-mentioned-most-and-in-how": _countries,
    "claims-whose-period-overlaps-a-window": _window,
    "what-the-latest-run-stored": _latest_run,
    "claims-added-by-the-latest-run": _claims_of_latest_run,
    "each-run-newest-first-with-what": _runs,
    "documents-that-failed-and-why": _failed,
    "claims-from-pdfs-with-the-page": _pdf_pages,
    "proof-of-provenance": _provenance,
    "claims-not-stated-as-fact": _not_asserted,
    "how-each-document-states-its-counts": _modality_per_document,
}


def test_every_check_names_a_query_of_the_guide() -> None:
    stale = sorted(set(CHECKS) - set(QUERIES))
    assert not stale, f"checks for queries no longer in the guide: {stale}; queries now: {sorted(QUERIES)}"


@pytest.mark.flows
@pytest.mark.parametrize("name", list(QUERIES))
def test_guide_query(guide_db: str, name: str) -> None:
    sql = QUERIES[name]
    _, rows = run(guide_db, sql)
    assert rows, f"guide query {name!r} answered nothing on the samples:\n{sql}"
    if name in CHECKS:
        CHECKS[name](rows)
