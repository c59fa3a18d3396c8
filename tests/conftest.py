"""Shared fixtures.

Database fixtures: ``db_url`` runs a test once per real backend, SQLite (a file in
tmp_path) and PostgreSQL (an emptied database on the server named by
``CLAIMTRAIL_TEST_PG_URL``, e.g. ``export CLAIMTRAIL_TEST_PG_URL="$(bash .ci/pg.sh)"``).
Without that variable the PostgreSQL half is skipped locally, and fails under CI (``CI``
set), so CI can never pass by silently testing one backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from claimtrail.db import open_database

PG_URL_ENV = "CLAIMTRAIL_TEST_PG_URL"


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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'claimtrail.db'}"
    url, owner = request.getfixturevalue("pg_database")
    with owner.connect() as conn:
        # A connection a previous test leaked mid-transaction must fail this loudly, not hang it.
        conn.exec_driver_sql("SET lock_timeout = '10s'")
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    return url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An opened database (tables and views created) on each backend."""
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """Real Prefect flow runs against Prefect's own test server (a throw-away database)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
