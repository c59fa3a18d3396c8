"""Exports: every claim, with its provenance and a deep link to its quote, as CSV, JSON
Lines, Parquet and an ACLED-style CSV. Both backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.export import deep_link

runner = CliRunner()


@pytest.fixture(scope="module")
def claims(samples_url: str) -> int:
    """How many claims the samples hold (stored once per backend: exports never write)."""
    engine = create_engine(samples_url)
    with engine.connect() as conn:
        count = conn.execute(text("select count(*) from v_claims")).scalar()
    engine.dispose()
    return count


def export(db_url: str, *args: str) -> str:
    result = runner.invoke(app, ["export", "--db", db_url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_has_every_claim_with_a_link_to_its_quote(samples_url: str, claims: int) -> None:
    rows = list(csv.DictReader(io.StringIO(export(samples_url))))

    assert len(rows) == claims > 0
    for row in rows:
        if row["media_type"] == "application/pdf":
            assert row["link"] == f"{Path(row['doc_uri']).as_uri()}#page={row['page']}"
        else:
            address, fragment = row["link"].split("#:~:text=")
            assert address == (row["source_url"] or Path(row["doc_uri"]).as_uri())
            start = unquote(fragment.split(",")[0])
            assert row["quote"].startswith(start) or " ".join(row["quote"].split()).startswith(start)


def test_jsonl_and_parquet_carry_the_same_claims(samples_url: str, claims: int, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    lines = [json.loads(line) for line in export(samples_url, "--format", "jsonl").splitlines()]
    written = export(samples_url, "--format", "parquet", "--output", str(tmp_path / "claims.parquet"))
    table = pq.read_table(tmp_path / "claims.parquet")

    assert len(lines) == claims and f"wrote {claims} claims" in written
    assert table.num_rows == claims
    assert table.column("quote").to_pylist() == [line["quote"] for line in lines]
    assert table.schema.field("value").type == "double"
    assert {"doc_uri", "source_url", "start_char", "end_char", "page", "link"} <= set(table.column_names)


def test_acled_shape(samples_url: str, claims: int) -> None:
    rows = list(csv.DictReader(io.StringIO(export(samples_url, "--format", "acled"))))

    assert len(rows) == claims
    assert list(rows[0]) == ["event_date", "year", "country", "iso", "iso3", "actor1", "actor2", "fatalities",
                             "count", "count_unit", "qualifier", "source", "source_url", "notes", "link"]
    crocus = [r for r in rows if "Crocus City Hall" in r["notes"] and r["fatalities"]]
    assert crocus  # the samples report it more than once; every report gives the same row
    assert {(r["event_date"], r["country"], r["iso"], r["fatalities"], r["count"], r["qualifier"]) for r in crocus} == {
        ("2024-03-22", "Russian Federation", "643", "140", "", "more than")}
    germany = [r for r in rows if r["iso3"] == "DEU"]
    assert germany and all(r["iso"] == "276" and r["country"] == "Germany" for r in germany)


def test_parquet_needs_a_file_and_formats_are_checked(samples_url: str) -> None:
    assert "give --output" in runner.invoke(app, ["export", "--db", samples_url, "--format", "parquet"]).output
    assert "use one of csv, jsonl, parquet, acled" in runner.invoke(
        app, ["export", "--db", samples_url, "--format", "xlsx"]).output


def test_deep_links() -> None:
    claim = {"source_url": "https://example.org/brief#top", "doc_uri": "https://example.org/brief",
             "media_type": "text/html", "page": None,
             "quote": "In 2024, twelve plots were disrupted across Germany, Austria and the Netherlands, officials said."}
    short = {**claim, "quote": "Twelve plots, 2023-24."}
    pdf = {**claim, "source_url": None, "doc_uri": "/data/reports/brief.pdf", "media_type": "application/pdf",
           "page": 7}

    assert deep_link(claim) == ("https://example.org/brief#:~:text=In%202024%2C%20twelve%20plots,"
                                "the%20Netherlands%2C%20officials%20said.")
    assert deep_link(short) == "https://example.org/brief#:~:text=Twelve%20plots%2C%202023%2D24."
    assert deep_link(pdf) == "file:///data/reports/brief.pdf#page=7"
