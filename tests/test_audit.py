"""`claimtrail audit`: a seeded sample of claims for a person to judge, and the share of
claims that carry an actor, a country and a period, by document type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claimtrail.cli import app
from claimtrail.db import open_database
from claimtrail.db.audit import coverage, sample_claims
from claimtrail.flows.ingest import ingest
from typer.testing import CliRunner

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_the_sample_is_seeded_and_coverage_adds_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    ingest([str(SAMPLES / "iskp-finance-networks.txt"), str(SAMPLES / "iskp-plots-europe.html")], url)
    engine = open_database(url)
    first, again, other = sample_claims(engine, 5, seed=1), sample_claims(engine, 5, seed=1), sample_claims(engine, 5, 2)
    assert len(first) == 5 and first == again and first != other
    assert all(c.quote and c.doc_uri for c in first)
    *per_type, total = coverage(engine)
    assert {c.media_type for c in per_type} == {"text/plain", "text/html"}
    assert total.media_type == "all" and total.claims == sum(c.claims for c in per_type)
    assert 0 < total.with_actor <= total.claims and 0 < total.with_period <= total.claims

    result = CliRunner().invoke(app, ["audit", "--db", url, "--sample", "3", "--seed", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert [c["claim_id"] for c in printed["sample"]] == [c.claim_id for c in sample_claims(engine, 3, seed=1)]
    assert printed["coverage"][-1]["claims"] == total.claims


def test_the_sample_as_csv_carries_every_field(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    ingest([str(SAMPLES / "iskp-finance-networks.txt")], url)
    result = CliRunner().invoke(app, ["audit", "--db", url, "--sample", "4", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.startswith("claim_id,doc_uri,media_type,qualifier,value,unit,actor") and len(rows) >= 4
