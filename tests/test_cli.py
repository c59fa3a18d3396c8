"""The command line as a user meets it: ingest, then query with SQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrail.cli import app

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "iskp-goes-global.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def ingested(module_db_url: str) -> str:
    """The seed brief, ingested once per backend: the sql tests only read (or fail to write)."""
    result = runner.invoke(app, ["ingest", str(SEED), "--db", module_db_url])
    assert result.exit_code == 0, result.output
    assert "new" in result.output and "claims" in result.output
    return module_db_url


@pytest.mark.flows
def test_sql_shows_claims_with_their_sentence(ingested: str) -> None:
    result = runner.invoke(app, ["sql", "select value, unit, quote from v_claims where value = 36",
                                 "--db", ingested, "--format", "json"])

    assert result.exit_code == 0, result.output
    [claim] = json.loads(result.output)
    assert claim["unit"] == "counterterrorism raids"
    assert "thirty-six counterterrorism raids" in claim["quote"]


@pytest.mark.flows
def test_sql_writes_csv(ingested: str) -> None:
    result = runner.invoke(app, ["sql", "select doc_id, title from v_documents", "--db", ingested, "--format", "csv"])

    assert result.output.splitlines() == ["doc_id,title", "1,ISKP Goes Global: External Operations from Afghanistan"]


@pytest.mark.flows
@pytest.mark.parametrize("statement", [
    "delete from documents",
    "update documents set title = 'x'",
    "drop view v_claims",
    "select 1; delete from documents",
])
def test_sql_refuses_to_write(ingested: str, statement: str) -> None:
    result = runner.invoke(app, ["sql", statement, "--db", ingested])

    assert result.exit_code != 0
    assert "read-only" in result.output
    count = runner.invoke(app, ["sql", "select count(*) as n from v_documents", "--db", ingested, "--format", "json"])
    assert json.loads(count.output) == [{"n": 1}]


def test_ingest_refuses_a_database_it_cannot_open(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(SEED), "--db", f"sqlite:///{tmp_path}/missing/dir/x.db"])

    assert result.exit_code != 0
    assert "error" in result.output


def test_ingest_refuses_a_missing_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.pdf"), "--db", f"sqlite:///{tmp_path}/x.db"])

    assert result.exit_code != 0
    assert "no such file" in result.output
