"""Shared fixtures.

Database fixtures: ``db_url`` runs a test once per real backend, SQLite (a file in
tmp_path) and PostgreSQL (an emptied database on the server named by
``CLAIMTRAIL_TEST_PG_URL``, e.g. ``export CLAIMTRAIL_TEST_PG_URL="$(bash .ci/pg.sh)"``).
Without that variable the PostgreSQL half is skipped locally, and fails under CI (``CI``
set), so CI can never pass by silently testing one backend.

Prefect: a test that runs a flow (a ``flows/`` function, or the ``ingest``, ``run``,
``reprocess``, ``watch``, ``serve`` or ``deploy`` command, in this process or as a
subprocess) is marked ``@pytest.mark.flows``, or its whole module ``pytestmark =
pytest.mark.flows``. The first such test starts Prefect's test server for the session
(10-30 s); sessions without one never start it (``pytest -m "not flows"`` is the quick
suite). An unmarked test that runs a flow fails within seconds: its Prefect API is
``processes.NO_TEST_SERVER``, a closed port whose address says what is missing, never a
temporary server of its own or the developer's real one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import NO_TEST_SERVER
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from claimtrail.db import open_database

PG_URL_ENV = "CLAIMTRAIL_TEST_PG_URL"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
os.environ["PREFECT_API_URL"] = NO_TEST_SERVER  # before Prefect reads it; subprocesses inherit it


@pytest.fixture(scope="session")
def pg_database() -> Iterator[tuple[str, Engine]]:
    """A throw-away PostgreSQL database for this session, and an autocommit engine on it.

    One database per session (so parallel sessions never meet) whose ``public`` schema is
    emptied before each test: ~10 ms, where a new database per test costs ~200 ms.
    """
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        hint = f'export {PG_URL_ENV}="$(bash .ci/pg.sh)"'
        if os.environ.get("CI"):
            pytest.fail(f"{PG_URL_ENV} is not set under CI; PostgreSQL tests must run: {hint}")
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV} ({hint})")
    server = make_url(raw)
    name = f"claimtrail_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        # template0 + UTF8: character (not byte) offsets must hold whatever template1 is.
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    url = server.set(database=name)
    owner = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        yield url.render_as_string(hide_password=False), owner
    finally:
        owner.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def empty_database(request: pytest.FixtureRequest, folder: Path) -> str:
    """A URL to an empty database on the backend ``request.param``: a new SQLite file in
    ``folder``, or the session's PostgreSQL database emptied (which empties it for every
    fixture holding it: one at a time)."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'claimtrail.db'}"
    url, owner = request.getfixturevalue("pg_database")
    with owner.connect() as conn:
        # A connection a previous test leaked mid-transaction must fail this loudly, not hang it.
        conn.exec_driver_sql("SET lock_timeout = '10s'")
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database, once per backend."""
    return empty_database(request, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A URL to an empty database, once per module and backend: for a module whose tests
    only read what a module fixture stored once. Such a module must not use ``db_url`` too:
    on PostgreSQL, that would empty this database."""
    return empty_database(request, tmp_path_factory.mktemp("module"))


@pytest.fixture(scope="module")
def samples_url(module_db_url: str) -> str:
    """The documents of ``samples/`` in :func:`module_db_url`, stored without a flow
    (tests/stored.py)."""
    from stored import store_files  # spaCy: imported by the sessions that need it

    store_files([SAMPLES], module_db_url)
    return module_db_url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An opened database (tables and views created) on each backend."""
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """Real Prefect flow runs against Prefect's own test server (a throw-away database);
    yields its API URL. Started by the first test marked ``flows``."""
    from prefect.settings import get_current_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(get_current_settings().api.url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``flows`` use the Prefect test server, set up before any of their
    other fixtures (a module fixture may ingest too)."""
    for item in items:
        if item.get_closest_marker("flows") and "prefect_harness" not in item.fixturenames:
            item.fixturenames.insert(0, "prefect_harness")
