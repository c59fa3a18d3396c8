"""The command line's manners: version, help, numbers as people write them, exit statuses
a script can act on, and how long things took."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import claimtrail
from claimtrail import db
from claimtrail.cli import _duration, app
from claimtrail.config import example_text, parse_config
from claimtrail.schema import RawDocument

runner = CliRunner()
BRIEF = "Four gunmen attacked a police post in Niger in May 2024. Customs officers seized 2.5 tonnes of explosives."


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRAIL_CONFIG", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_DB", raising=False)


def test_version_and_short_help() -> None:
    version = subprocess.run([Path(sys.executable).parent / "claimtrail", "--version"], capture_output=True, text=True)
    short = runner.invoke(app, ["-h"])
    sub = runner.invoke(app, ["ingest", "-h"])

    assert version.returncode == 0 and version.stdout.strip() == f"claimtrail {claimtrail.__version__}"
    assert short.exit_code == 0 and "Commands" in short.output
    assert sub.exit_code == 0 and "--max-bytes" in sub.output


def _commands() -> list[list[str]]:
    names = re.findall(r"^│ (\w+) ", runner.invoke(app, ["--help"]).output, re.M)
    return [[], *([name] for name in names if name != "db"), ["db"], ["db", "upgrade"]]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "claimtrail")
def test_help_shows_no_python_types(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)

    assert result.exit_code == 0, result.output
    assert not re.search(r"<(bool|str|int|float|list|path|Path)\b", result.output), result.output
    assert "Show this message and exit" in " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())  # wrapped or not


def test_help_names_the_values_options_take() -> None:
    result = runner.invoke(app, ["sql", "--help"], terminal_width=200)

    assert re.search(r"--db\s+URL\s", result.output)
    assert re.search(r"--format\s+table\|csv\|json\s", result.output)


# ------------------------------------------------------------------------ whole numbers


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> str:
    """One brief with a whole count (4 gunmen) and a fraction (2.5 tonnes), stored directly."""
    content = BRIEF.encode()
    converted = claimtrail.convert(content)
    engine = db.open_database(db_url)
    try:
        db.store_document(engine, RawDocument(str(tmp_path / "brief.txt"), content), converted,
                          claimtrail.extract(converted), db.start_run(engine, "ingest"))
    finally:
        engine.dispose()
    return db_url


def test_sql_prints_whole_numbers_as_integers(stored: str) -> None:
    query = "select value, unit from v_claims order by value desc"

    table = runner.invoke(app, ["sql", query, "--db", stored], terminal_width=200).output
    as_csv = runner.invoke(app, ["sql", query, "--db", stored, "--format", "csv"]).output
    as_json = json.loads(runner.invoke(app, ["sql", query, "--db", stored, "--format", "json"]).output)

    assert re.search(r"│ 4 +│ gunmen", table) and "4.0" not in table and "2.5" in table
    assert as_csv.splitlines()[1:] == ["4,gunmen", "2.5,tons"]
    assert [(row["value"], type(row["value"])) for row in as_json] == [(4, int), (2.5, float)]


def test_exports_write_whole_numbers_as_integers(stored: str) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", "--db", stored]).output)))
    lines = runner.invoke(app, ["export", "--db", stored, "--format", "jsonl"]).output.splitlines()

    assert sorted(r["value"] for r in rows) == ["2.5", "4"]
    assert sorted(json.loads(line)["value"] for line in lines) == [2.5, 4]
    assert '"value": 4,' in "".join(lines)


# ------------------------------------------------------------------------ init, run, exit statuses


def test_init_writes_its_example_sources_commented_out_and_run_says_none_is_configured(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    written = runner.invoke(app, ["init"])
    ran = runner.invoke(app, ["run"])

    assert written.exit_code == 0 and "commented out" in written.output
    assert ran.exit_code == 2
    assert "no source is configured" in ran.output and "claimtrail.toml" in ran.output
    assert not (tmp_path / "claimtrail.db").exists()  # nothing was run


def test_the_examples_are_valid_sources_once_uncommented() -> None:
    uncommented = re.sub(r"^# (?=\[\[source\]\]|\w+ = )", "", example_text(), flags=re.M)

    config = parse_config(tomllib.loads(uncommented))

    assert [(s.name, s.kind) for s in config.sources] == [
        ("crs-feed", "feed"), ("briefs", "urls"), ("archive", "sitemap"), ("shared-drive", "folder")]


def _config(tmp_path: Path, *folders: Path) -> Path:
    config = tmp_path / "claimtrail.toml"
    config.write_text(f'database = "sqlite:///{tmp_path / "runs.db"}"\n' + "".join(
        f'[[source]]\nname = "{folder.name}"\nkind = "folder"\npath = "{folder}"\n' for folder in folders))
    return config


@pytest.mark.flows
def test_run_exits_3_when_every_source_failed(tmp_path: Path) -> None:
    config = _config(tmp_path, tmp_path / "gone", tmp_path / "also-gone")

    result = runner.invoke(app, ["run", "--config", str(config)])

    assert result.exit_code == 3, result.output
    assert "every source failed: gone, also-gone" in result.output


@pytest.mark.flows
def test_run_with_strict_exits_3_when_anything_failed(tmp_path: Path) -> None:
    good, mixed = tmp_path / "good", tmp_path / "mixed"
    good.mkdir()
    mixed.mkdir()
    (good / "brief.txt").write_text(BRIEF)
    (mixed / "empty.txt").write_text("")
    config = _config(tmp_path, good, mixed)

    lenient = runner.invoke(app, ["run", "--config", str(config)])
    strict = runner.invoke(app, ["run", "--config", str(config), "--strict"])

    assert lenient.exit_code == 0, lenient.output
    assert re.search(r"run 1: 2 documents from 2 sources in \d+\.\d s", lenient.output)  # its duration
    assert strict.exit_code == 3, strict.output
    assert "--strict: 1 failed" in strict.output


@pytest.mark.flows
def test_ingest_summary_says_how_long_it_took(tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text(BRIEF)

    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'i.db'}"],
                           terminal_width=200)

    assert result.exit_code == 0, result.output
    assert re.search(r"run 1: 1 documents seen in \d+\.\d s", result.output)


def test_durations_read_like_a_clock() -> None:
    assert [_duration(s) for s in (0.04, 59.94, 61, 3599.6, 7380)] == [
        "0.0 s", "59.9 s", "1 min 01 s", "1 h 00 min", "2 h 03 min"]
