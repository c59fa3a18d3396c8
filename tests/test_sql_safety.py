"""``claimtrail sql`` runs one plain query and nothing else, whoever connects.

Attacks from issue 10, on a real PostgreSQL server and a real SQLite file: SQL that a
lexical check misreads (nested comments, escape strings, attribute notation), statements
that a read-only transaction does not stop (COPY TO PROGRAM, CHECKPOINT, NOTIFY, LOCK,
DO), privileged roles, and queries that never end. PostgreSQL tests need the superuser
that ``.ci/pg.sh`` creates (``claimtrail_superuser``, same password as the test role).
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.db import DatabaseError, ReadOnlyError, open_database, run_query, start_run
from claimtrail.db.query import PrivilegedRoleError
from test_readonly_role import readme_role_sql

runner = CliRunner()
POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
SUPERUSER = "claimtrail_superuser"
NESTED_COMMENT_COPY = "/* /* */ SELECT */ COPY (SELECT 1) TO PROGRAM 'id > {marker}'"


@pytest.fixture
def url(db_url: str) -> str:
    """A claimtrail database with one run recorded: what every refused statement must leave."""
    engine = open_database(db_url)
    start_run(engine, "ingest")
    engine.dispose()
    return db_url


def runs(url: str) -> int:
    return run_query(url, "SELECT count(*) FROM runs").rows[0][0]


@pytest.fixture
def marker() -> Iterator[Path]:
    """A path the database server would create if a program ran there."""
    path = Path(f"/tmp/claimtrail-sql-safety-{uuid.uuid4().hex}")
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def superuser(url: str) -> Iterator[str]:
    """The test database's URL as the server's superuser."""
    su = make_url(url).set(username=SUPERUSER)
    engine = create_engine(su, poolclass=NullPool)
    try:
        with engine.connect():
            pass
    except OperationalError:
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL superuser {SUPERUSER}: run .ci/pg.sh")
        pytest.skip(f"needs the PostgreSQL superuser {SUPERUSER} that .ci/pg.sh creates")
    finally:
        engine.dispose()
    yield su.render_as_string(hide_password=False)


@contextmanager
def login_role(superuser: str, setup: str) -> Iterator[str]:
    """A throw-away login role, set up by the superuser with ``setup`` ({role} in it), as a URL."""
    parsed = make_url(superuser)
    role = f"ct_{uuid.uuid4().hex[:10]}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        for statement in setup.format(role=role).split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    try:
        yield parsed.set(username=role, password="secret").render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


@pytest.fixture
def analyst(url: str, superuser: str) -> Iterator[str]:
    """The README's read-only analyst role, exactly as documented."""
    owner = make_url(url)
    sql = (re.sub(r"--[^\n]*", "", readme_role_sql()).replace("analyst", "{role}").replace("'...'", "'secret'")
           .replace("DATABASE claims", f"DATABASE {owner.database}").replace("FOR ROLE claimtrail", f"FOR ROLE {owner.username}"))
    with login_role(superuser, sql) as role_url:
        yield role_url


# --------------------------------------------------------------------------- PostgreSQL


@POSTGRESQL
def test_a_nested_comment_hides_no_copy_from_a_superuser(superuser: str, marker: Path) -> None:
    attack = NESTED_COMMENT_COPY.format(marker=marker)

    refused = runner.invoke(app, ["sql", attack, "--db", superuser])
    even_when_allowed = runner.invoke(app, ["sql", attack, "--db", superuser, "--allow-privileged-role"])

    assert refused.exit_code == 1 and "claimtrail sql is read-only: COPY refused" in refused.output
    assert even_when_allowed.exit_code == 1 and "COPY refused" in even_when_allowed.output
    assert not marker.exists()


@POSTGRESQL
def test_a_superuser_or_a_role_that_reaches_the_server_is_refused_unless_allowed(superuser: str) -> None:
    as_superuser = runner.invoke(app, ["sql", "SELECT 1 AS one", "--db", superuser])
    allowed = runner.invoke(app, ["sql", "SELECT 1 AS one", "--db", superuser, "--allow-privileged-role",
                                  "--format", "csv"])
    with login_role(superuser, "CREATE ROLE {role} LOGIN PASSWORD 'secret'; GRANT pg_signal_backend TO {role}") as signaller, \
            pytest.raises(PrivilegedRoleError, match="it is a member of pg_signal_backend"):
        run_query(signaller, "SELECT 1")

    assert as_superuser.exit_code == 1
    assert f"refuses to run as role {SUPERUSER}: it is a superuser" in as_superuser.output
    assert "read-only analyst role" in as_superuser.output and "--allow-privileged-role" in as_superuser.output
    assert allowed.exit_code == 0 and allowed.output.splitlines() == ["one", "1"]


@POSTGRESQL
def test_the_analyst_role_is_refused_by_claimtrail_and_by_the_server(
    analyst: str, marker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attack = NESTED_COMMENT_COPY.format(marker=marker)
    assert run_query(analyst, "SELECT count(*) AS runs FROM runs").rows == [(1,)]
    with pytest.raises(ReadOnlyError, match="COPY refused"):
        run_query(analyst, attack)

    monkeypatch.setattr("claimtrail.db.query.read_only_statement", lambda sql, **_: None)
    with pytest.raises(DatabaseError, match="pg_execute_server_program"):
        run_query(analyst, attack)
    assert not marker.exists()


@POSTGRESQL
@pytest.mark.parametrize(("sql", "refusal"), [
    ("SET TRANSACTION READ WRITE", "SET refused"),
    ("CHECKPOINT", "CHECKPOINT refused"),
    ("NOTIFY claimtrail", "NOTIFY refused"),
    ("LOCK runs", "LOCK refused"),
    ("DO $$ BEGIN DELETE FROM runs; END $$", "DO refused"),
    ("COPY runs TO '/tmp/claimtrail-runs.csv'", "COPY refused"),
    ("SELECT 1; DELETE FROM runs", "a second statement (DELETE) refused"),
    ("select ';'; delete from runs", "a second statement (DELETE) refused"),
    ("select E'\\''; delete from runs; --'", "a second statement (DELETE) refused"),
    ("select U&'\\0027'; delete from runs", "a second statement (DELETE) refused"),
    ("select $q$ $$ ; $q$; delete from runs", "a second statement (DELETE) refused"),
    ("WITH gone AS (DELETE FROM runs RETURNING id) SELECT * FROM gone", "DELETE inside a query refused"),
    ("SELECT * INTO copied FROM runs", "SELECT INTO refused"),
    ("SELECT * FROM runs FOR UPDATE", "row locks"),
    ("EXPLAIN ANALYZE DELETE FROM runs", "EXPLAIN of DELETE refused"),
    ("EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1", "EXPLAIN of CREATE TABLE AS refused"),
    ("SELECT pg_read_file('/etc/hostname')", "function pg_read_file() refused: it reads files"),
    ("SELECT ('/etc/hostname'::text).pg_read_file", "function pg_read_file() refused"),
    ("SELECT * FROM pg_catalog.PG_LS_DIR('.')", "function pg_ls_dir() refused"),
    ("SELECT lo_import('/etc/hostname')", "function lo_import() refused"),
    ("SELECT query_to_xml('DELETE FROM runs', true, false, '')", "function query_to_xml() refused"),
    ("SELECT set_config('statement_timeout', '0', true)", "function set_config() refused"),
    ("SELECT pg_terminate_backend(pg_backend_pid())", "function pg_terminate_backend() refused"),
    ("SELECT pg_reload_conf()", "function pg_reload_conf() refused"),
])
def test_what_is_not_one_plain_query_is_refused(url: str, sql: str, refusal: str) -> None:
    with pytest.raises(ReadOnlyError, match=f"^claimtrail sql is read-only: {re.escape(refusal)}"):
        run_query(url, sql)
    assert runs(url) == 1


@POSTGRESQL
@pytest.mark.parametrize(("sql", "error"), [
    ("SELECT 1\0; DELETE FROM runs", "the statement contains a NUL character"),  # the parser would stop at \0
    ("SELECT 1" + " + 1" * 60_000, "more than 10,000 tokens"),  # a chain this deep crashes the parser's caller
    ("/* /* */ SELECT 1", "unterminated /* comment"),  # the inner */ closes only the inner comment
    ("/* /* */ SELECT 1 */", "no SQL statement given"),
    ("SELECT * FROM (DELETE FROM runs RETURNING *) AS gone", "syntax error"),
])
def test_sql_the_parser_cannot_read_safely_is_an_error(url: str, sql: str, error: str) -> None:
    with pytest.raises(DatabaseError, match=re.escape(error)):
        run_query(url, sql)
    assert runs(url) == 1


@POSTGRESQL
def test_plain_queries_run(url: str) -> None:
    assert run_query(url, "WITH r AS (SELECT id FROM runs) SELECT count(*) AS n FROM r").rows == [(1,)]
    assert run_query(url, "VALUES (1, 'a'), (2, 'b')").rows == [(1, "a"), (2, "b")]
    assert run_query(url, "TABLE runs").columns[:2] == ["id", "kind"]
    assert run_query(url, "SELECT U&'d\\0061t\\+000061' AS word").rows == [("data",)]
    # EXPLAIN ANALYZE runs its query: accepted because that query is a plain one.
    plan = run_query(url, "EXPLAIN ANALYZE SELECT * FROM v_claims")
    assert plan.columns == ["QUERY PLAN"] and any("actual time" in row[0] for row in plan.rows)


@POSTGRESQL
def test_pg_sleep_stops_at_the_timeout(url: str) -> None:
    started = time.monotonic()
    with pytest.raises(DatabaseError, match=r"query stopped after 1 s \(--timeout"):
        run_query(url, "SELECT pg_sleep(5)", timeout=1)
    took = time.monotonic() - started
    cli = runner.invoke(app, ["sql", "SELECT pg_sleep(5)", "--timeout", "1", "--db", url])

    assert took < 2.5, took
    assert cli.exit_code == 1 and "query stopped after 1 s" in cli.output


# --------------------------------------------------------------------------- SQLite


@SQLITE
@pytest.mark.parametrize(("sql", "refusal"), [
    ("ATTACH DATABASE '{tmp}/other.db' AS other", "ATTACH refused"),
    ("VACUUM INTO '{tmp}/copy.db'", "ATTACH refused"),  # SQLite attaches the copy to write it
    ("PRAGMA writable_schema = 1", "PRAGMA writable_schema = 1 refused"),
    ("PRAGMA query_only = off", "PRAGMA query_only = off refused"),
    ("SELECT load_extension('{tmp}/evil')", "function load_extension() refused: it loads native code"),
    ("EXPLAIN DELETE FROM runs", "DELETE refused"),
    ("WITH r AS (SELECT 1) DELETE FROM runs", "DELETE refused"),
    ("BEGIN", "TRANSACTION refused"),
    ("SELECT 1; DELETE FROM runs", "a second statement refused"),
])
def test_sqlite_refuses_through_its_authorizer(url: str, tmp_path: Path, sql: str, refusal: str) -> None:
    with pytest.raises(ReadOnlyError, match=f"^claimtrail sql is read-only: {re.escape(refusal)}"):
        run_query(url, sql.format(tmp=tmp_path))
    assert runs(url) == 1
    assert not [p.name for p in tmp_path.iterdir() if not p.name.startswith("claimtrail.db")]


@SQLITE
def test_sqlite_reads_and_informational_pragmas_run(url: str) -> None:
    assert run_query(url, "PRAGMA table_info(runs)").rows[0][1] == "id"
    assert run_query(url, "SELECT name FROM pragma_table_info('runs') LIMIT 1").rows == [("id",)]
    assert "SCAN" in str(run_query(url, "EXPLAIN QUERY PLAN SELECT * FROM runs").rows)


# --------------------------------------------------------------------------- both


def test_a_recursive_query_that_never_ends_stops_at_the_timeout(url: str) -> None:
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    started = time.monotonic()
    with pytest.raises(DatabaseError, match="query stopped after 1 s"):
        run_query(url, endless, timeout=1)
    assert time.monotonic() - started < 3


@SQLITE
def test_a_table_shows_a_thousand_rows_and_counts_the_rest(url: str) -> None:
    numbers = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1500) SELECT n FROM r"

    table = runner.invoke(app, ["sql", numbers, "--db", url])
    every = runner.invoke(app, ["sql", numbers, "--db", url, "--format", "csv"])
    ten = runner.invoke(app, ["sql", numbers, "--db", url, "--format", "csv", "--limit", "10"])

    assert table.exit_code == 0 and "│ 1000 │" in table.output and "│ 1001 │" not in table.output
    assert "... and 500 more rows" in table.output
    assert len(list(csv.reader(io.StringIO(every.output)))) == 1 + 1500
    assert len(ten.stdout.splitlines()) == 1 + 10 and ten.stderr == "... and 1,490 more rows (--limit ROWS shows more)\n"


def test_search_and_export_never_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for command in (["search", "drones"], ["export"]):
        result = runner.invoke(app, [*command, "--db", f"sqlite:///{missing}"])
        assert result.exit_code == 1 and "no such file" in result.output
    assert not missing.exists()
