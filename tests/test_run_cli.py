"""The commands of the sources half: init, run, runs, and ingest given addresses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from http_fixture import SEED, Site, site_fixture  # noqa: F401 - the fixture
from typer.testing import CliRunner

from claimtrail.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRAIL_CONFIG", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_DB", raising=False)


def test_init_writes_the_example_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    first = runner.invoke(app, ["init"])
    second = runner.invoke(app, ["init"])

    assert first.exit_code == 0, first.output
    assert "[[source]]" in (tmp_path / "claimtrail.toml").read_text()
    assert second.exit_code == 1 and "already exists" in second.output


def test_run_refuses_a_bad_configuration(tmp_path: Path) -> None:
    config = tmp_path / "claimtrail.toml"
    config.write_text('[[source]]\nname = "a"\nkind = "urls"\nurll = ["https://example.org/"]\n')

    result = runner.invoke(app, ["run", "--config", str(config)])

    assert result.exit_code == 2
    assert "source[1].urll: unknown key" in result.output


@pytest.mark.flows
def test_run_then_runs(site: Site, tmp_path: Path, db_url: str) -> None:
    # Real politeness defaults (1 s between requests to a host, 2 retries): one page, one 404.
    config = tmp_path / "claimtrail.toml"
    config.write_text(f'database = "sqlite:///{tmp_path / "unused.db"}"\n'
                      f'[[source]]\nname = "briefs"\nkind = "urls"\n'
                      f'urls = ["{site.url("/briefs/finance.txt")}", "{site.url("/missing.html")}"]\n')

    result = runner.invoke(app, ["run", "--config", str(config), "--db", db_url])

    assert result.exit_code == 0, result.output
    assert "briefs" in result.output and "failed briefs " + site.url("/missing.html") + ": HTTP 404 Not Found" in result.output
    assert not (tmp_path / "unused.db").exists()  # --db overrides the configuration's database
    listed = runner.invoke(app, ["runs", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert "run 1: 1 failed" in listed.output
    assert f"briefs: {site.url('/missing.html')}: HTTP 404 Not Found" in listed.output
    row = next(line for line in listed.output.splitlines() if "│ run " in line)
    cells = [cell.strip() for cell in row.strip().strip("│").split("│")]
    assert cells[:2] == ["1", "run"] and cells[-4:] == ["1", "0", "0", "1"]


@pytest.mark.flows
def test_ingest_takes_addresses_and_files(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'i.db'}"

    result = runner.invoke(app, ["ingest", site.url("/old/plots-europe"), str(SEED), "--db", db])
    again = runner.invoke(app, ["ingest", site.url("/old/plots-europe"), "--db", db])
    refused = runner.invoke(app, ["ingest", "ftp://example.org/x.pdf", "--db", db])

    assert result.exit_code == 0, result.output
    assert again.exit_code == 0, again.output
    docs = runner.invoke(app, ["sql", "select doc_uri, source_url from v_documents order by doc_uri", "--db", db,
                               "--format", "json"])
    assert json.loads(docs.output) == [
        {"doc_uri": str(SEED.resolve()), "source_url": None},
        {"doc_uri": site.url("/old/plots-europe"),
         "source_url": "https://example.org/analysis/iskp-european-plots-networks-arrests-gaps"},
    ]
    assert [h.status for h in site.hits("/briefs/plots-europe.html")] == [200, 304]
    assert refused.exit_code == 1 and "only http and https" in refused.output
