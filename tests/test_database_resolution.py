"""One way to find the database, for every command: ``--db``, then ``$CLAIMTRAIL_DB``, then
the configuration's ``database`` (``--config`` or ``./claimtrail.toml``), then
``./claimtrail.db``; commands that only read never create one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.db import open_database

runner = CliRunner()
QUERY = "select count(*) as n from v_documents"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder whose claimtrail.toml points at team.db (which exists)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMTRAIL_DB", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_CONFIG", raising=False)
    (tmp_path / "claimtrail.toml").write_text(f'database = "sqlite:///{tmp_path / "team.db"}"\n', encoding="utf-8")
    open_database(f"sqlite:///{tmp_path / 'team.db'}").dispose()
    return tmp_path


@pytest.mark.parametrize("command", [["sql", QUERY], ["search", "raids"], ["export"], ["runs"], ["audit"]])
def test_every_command_reads_the_configured_database(folder: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert not (folder / "claimtrail.db").exists()  # the default was not created instead


def test_db_and_the_environment_come_before_the_configuration(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = folder / "other.db"
    open_database(f"sqlite:///{other}").dispose()
    monkeypatch.setenv("CLAIMTRAIL_DB", f"sqlite:///{folder / 'missing-env.db'}")
    assert "missing-env.db" in runner.invoke(app, ["sql", QUERY]).output
    assert runner.invoke(app, ["sql", QUERY, "--db", f"sqlite:///{other}"]).exit_code == 0


@pytest.mark.parametrize("command", [["sql", QUERY], ["search", "raids"], ["export"], ["runs"], ["audit"]])
def test_reading_commands_never_create_a_database(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.db"
    result = runner.invoke(app, [*command, "--db", f"sqlite:///{missing}"])
    assert result.exit_code != 0
    assert "typo.db" in result.output
    assert not missing.exists()


def test_tables_name_documents_by_file_name_and_csv_keeps_the_address(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    open_database(url).dispose()
    query = "select '/srv/archive/2024/very/long/folder/names/report-on-raids.pdf' as doc_uri"
    table = runner.invoke(app, ["sql", query, "--db", url])
    assert "report-on-raids.pdf" in table.output and "/srv/archive" not in table.output
    csv = runner.invoke(app, ["sql", query, "--db", url, "--format", "csv"])
    assert "/srv/archive/2024/very/long/folder/names/report-on-raids.pdf" in csv.output
