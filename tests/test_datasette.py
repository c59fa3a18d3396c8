"""Datasette and sqlite-utils as clients of claimtrail.db: both find the full-text index of
``blocks``, and Datasette shows the views with their descriptions and the README's querying
guide as canned queries. The real tools, on one ingest of the samples."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from sqlalchemy import create_engine
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.datasette_metadata import view_descriptions
from claimtrail.db import migrate
from claimtrail.flows.ingest import ingest
from claimtrail.guide import guide_queries
from processes import wait_until

pytestmark = pytest.mark.flows  # these tests ingest through the flow

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def samples_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datasette") / "claimtrail.db"
    ingest([str(SAMPLES)], f"sqlite:///{path}")
    return path


def test_sqlite_utils_finds_the_full_text_index_of_blocks(samples_file: Path) -> None:
    blocks = sqlite_utils.Database(samples_file)["blocks"]
    found = subprocess.run([str(BIN / "sqlite-utils"), "search", str(samples_file), "blocks", "cathedral"],
                           capture_output=True, text=True, check=True)

    assert blocks.detect_fts() == "blocks_fts"
    rows = json.loads(found.stdout)
    assert rows and all("cathedral" in row["text"].lower() for row in rows)


def test_an_older_database_gets_the_declaration_from_db_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # a database of revision 0005, whose FTS table says content='blocks'
        migrate.upgrade(conn, "0005")
        conn.exec_driver_sql("INSERT INTO documents (uri, status, text, created_at) "
                             "VALUES ('/a.txt', 'ok', 'Drones struck twice.', '2026-01-05 02:00:00')")
        conn.exec_driver_sql("INSERT INTO blocks (doc_id, kind, start_char, end_char, text) "
                             "VALUES (1, 'paragraph', 0, 20, 'Drones struck twice.')")
    engine.dispose()
    assert sqlite_utils.Database(tmp_path / "old.db")["blocks"].detect_fts() is None

    upgraded = CliRunner().invoke(app, ["db", "upgrade", "--db", url])

    assert upgraded.exit_code == 0, upgraded.output
    blocks = sqlite_utils.Database(tmp_path / "old.db")["blocks"]
    assert blocks.detect_fts() == "blocks_fts"
    assert [row["text"] for row in blocks.search("drone")] == ["Drones struck twice."]  # rebuilt, stemmed


def test_every_column_of_every_view_is_described(samples_file: Path) -> None:
    database = sqlite_utils.Database(samples_file)
    described = view_descriptions()

    assert set(described) == set(database.view_names())
    for name, view in described.items():
        assert list(view["columns"]) == [column.name for column in database[name].columns], name
        assert view["title"] and view["description"]


def test_the_metadata_command_names_the_database_after_its_file(samples_file: Path) -> None:
    result = CliRunner().invoke(app, ["datasette-metadata", "--db", f"sqlite:///{samples_file}"])

    assert result.exit_code == 0, result.output
    metadata = json.loads(result.output)
    queries = metadata["databases"]["claimtrail"]["queries"]
    assert [q["sql"] for q in queries.values()] == [q.sql for q in guide_queries()]
    assert queries["documents-that-failed-and-why"]["title"] == "Documents that failed, and why"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(samples_file: Path) -> Iterator[str]:
    """Datasette serving the samples with claimtrail's metadata; its base URL."""
    metadata = samples_file.with_name("metadata.json")
    metadata.write_text(CliRunner().invoke(app, ["datasette-metadata", "--db", f"sqlite:///{samples_file}"]).output)
    port = _free_port()
    server = subprocess.Popen([str(BIN / "datasette"), str(samples_file), "-m", str(metadata), "-h", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(f"{base}/-/versions.json"), 30, server)
    yield base
    server.kill()
    server.communicate()


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_datasette_serves_a_view_with_its_description(datasette: str) -> None:
    claims = get(f"{datasette}/claimtrail/v_claims.json?_shape=array&value=140")
    described = get(f"{datasette}/-/metadata.json")["databases"]["claimtrail"]["tables"]["v_claims"]

    assert claims and all(row["value"] == 140 for row in claims)
    assert described["columns"]["quote"] == "The sentence or list item the claim comes from."


def test_datasette_runs_the_guide_as_canned_queries(datasette: str) -> None:
    rows = get(f"{datasette}/claimtrail/find-an-actors-canonical-name-from.json?_shape=array")

    assert {"actor": "Islamic State Khorasan Province", "written_as": "ISKP"} in [
        {"actor": r["actor"], "written_as": r["written_as"]} for r in rows]


def test_datasette_searches_blocks_through_the_full_text_index(datasette: str) -> None:
    everything = get(f"{datasette}/claimtrail/blocks.json?_size=max")["filtered_table_rows_count"]
    found = get(f"{datasette}/claimtrail/blocks.json?_search=cathedral&_shape=array")

    assert found and len(found) < everything
    assert all("cathedral" in row["text"].lower() for row in found)
