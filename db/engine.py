"""Opening a database: URL checks, per-connection settings, and creating the schema.

Only SQLite and PostgreSQL are supported, and both get the same tables and the same view
SQL. SQLite needs per-connection settings to behave like a server database under several
writers (WAL, foreign keys, a busy timeout, and write transactions that take the write lock
up front); PostgreSQL needs nothing beyond a connect timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from claimtrail.db import migrate, views
from claimtrail.db.errors import DatabaseError, SchemaError
from claimtrail.db.models import MetaRow

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
# Serialises schema creation when several processes open a fresh PostgreSQL database at once.
_PG_SCHEMA_LOCK = 0x636C6D74  # "clmt"
_WRITE = "claimtrail_write"


def parse_url(url: str) -> URL:
    """Parse and check a database URL; ``postgresql://`` means the installed psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            "not a database URL: expected e.g. sqlite:///claimtrail.db or "
            "postgresql+psycopg://user:password@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database {backend!r}: use sqlite or postgresql+psycopg")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def absolute_url(url: str) -> str:
    """The URL with a relative SQLite path made absolute, so that it means the same file
    in a process started elsewhere (a Prefect runner's flow run, say)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or parsed.database.startswith("file:") or Path(parsed.database).is_absolute():
        return url
    return parsed.set(database=str(Path(parsed.database).absolute())).render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """The URL as it may appear in messages and logs: without its password."""
    return url.render_as_string(hide_password=True)


def driver_message(exc: BaseException) -> str:
    """The database's own words for ``exc``, without SQLAlchemy's wrapping and SQL echo."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(orig).strip() or type(orig).__name__


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def open_database(url: str, upgrade: bool = False) -> Engine:
    """An engine for ``url`` whose tables and views exist and are current.

    A new, empty database is created at the current schema. One whose schema is behind is
    refused with a :class:`SchemaError` naming the command that upgrades it, unless
    ``upgrade`` is set (``claimtrail db upgrade``): nothing writes to an old schema.
    Connects once right away, so a bad URL or an unreachable server is reported here, as a
    :class:`DatabaseError` with a one-line message, rather than at the first document.
    """
    parsed = parse_url(url)
    try:
        engine = _create_engine(parsed)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {describe(parsed)}: {exc}") from None
    try:
        _ensure_schema(engine, parsed, upgrade)
    except DBAPIError as exc:
        engine.dispose()
        message = driver_message(exc)
        raise DatabaseError(f"cannot open database {describe(parsed)}: {message}") from None
    except DatabaseError:
        engine.dispose()
        raise
    return engine


def upgrade_database(url: str) -> tuple[str | None, str]:
    """Bring the database at ``url`` to the current schema without losing rows
    (``claimtrail db upgrade``); returns the revisions before (None: it was empty) and after."""
    parsed = parse_url(url)
    probe = _create_engine(parsed)
    try:
        with probe.connect() as conn:
            before = migrate.state(conn)
    except DBAPIError as exc:
        raise DatabaseError(f"cannot open database {describe(parsed)}: {driver_message(exc)}") from None
    finally:
        probe.dispose()
    open_database(url, upgrade=True).dispose()
    return (before.revision or (migrate.BASELINE if before.tables else None)), before.head


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction meant to write: on SQLite it takes the write lock at BEGIN.

    A deferred SQLite transaction that reads and then writes fails with "database is
    locked" (no busy wait) when another writer committed in between; taking the lock up
    front makes concurrent writers queue instead, and what they read is what they write on.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself instead of the driver guessing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    writing = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _ensure_schema(engine: Engine, url: URL, upgrade: bool) -> None:
    """Migrate an empty database (or, when asked, an old one) to head; (re)create the views
    when absent or of an older version."""
    with write_transaction(engine) as conn:
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK})
            encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
            if encoding != "UTF8":
                # substr() counts bytes in single-byte encodings: the views' offsets would lie.
                raise DatabaseError(f"database encoding is {encoding}; claimtrail needs UTF8")
        schema = migrate.state(conn)
        if not schema.known:
            raise SchemaError(f"database {describe(url)} has schema revision {schema.revision}, made by a newer "
                              f"claimtrail (this one knows up to {schema.head}): upgrade claimtrail")
        if not schema.current:
            if not (schema.empty or upgrade):
                raise SchemaError(f"database {describe(url)} has an older schema "
                                  f"(revision {schema.revision or migrate.BASELINE}, current {schema.head}): "
                                  "run `claimtrail db upgrade` (with the same --db) first")
            if schema.tables:  # an upgrade recreates the views on the new tables
                for statement in views.drop_statements():
                    conn.exec_driver_sql(statement)
            migrate.upgrade(conn)
        installed = conn.scalar(select(MetaRow.value).where(MetaRow.key == "views"))
        present = set(inspect(conn).get_view_names())
        if installed == views.VIEWS_VERSION and present.issuperset(views.VIEWS):
            return
        for statement in views.drop_statements() + views.create_statements():
            conn.exec_driver_sql(statement)
        conn.execute(delete(MetaRow).where(MetaRow.key == "views"))
        conn.execute(insert(MetaRow).values(key="views", value=views.VIEWS_VERSION))
