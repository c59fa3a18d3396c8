"""Reading: users' read-only SQL, and the totals the CLI prints after an ingest."""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from claimtrail.db.engine import (
    PG_CONNECT_TIMEOUT_S,
    SQLITE_BUSY_TIMEOUT_MS,
    describe,
    driver_message,
    is_postgres,
    parse_url,
)
from claimtrail.db.errors import DatabaseError, ReadOnlyError
from claimtrail.db.models import ClaimRow, DocumentRow, MentionRow
from claimtrail.db.sqlcheck import read_only_statement

_PG_READ_ONLY_VIOLATION = "25006"  # SQLSTATE read_only_sql_transaction


def plain_number(value: Any) -> Any:
    """A whole REAL or NUMERIC value as an int, anything else as it is: counts are stored
    as REAL, and every output format should say ``4 gunmen``, not ``4.0``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def query_readonly(url: str, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement and return its column names and rows.

    The statement is checked lexically first, then run where the database itself refuses
    writes: SQLite opened with ``mode=ro`` and ``query_only``, PostgreSQL in a read-only
    session and transaction, one statement per call (a prepared statement on PostgreSQL).
    """
    statement = read_only_statement(sql)
    parsed = parse_url(url)
    engine = _read_only_engine(parsed)
    dbapi = engine.dialect.loaded_dbapi
    try:
        with engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            if is_postgres(engine):
                cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(statement, prepare=True)
            else:
                cursor.execute(statement)
            if cursor.description is None:
                return [], []
            return [d[0] for d in cursor.description], [tuple(map(plain_number, r)) for r in cursor.fetchall()]
    except DBAPIError as exc:
        message = driver_message(exc)
        raise DatabaseError(f"cannot open database {describe(parsed)}: {message}") from None
    except (dbapi.Error, dbapi.Warning) as exc:
        if _is_write_refusal(exc):
            reason = driver_message(exc)
            raise ReadOnlyError(
                f"claimtrail sql is read-only: write refused by the database ({reason})"
            ) from None
        raise DatabaseError(f"sql error: {driver_message(exc)}") from None
    finally:
        engine.dispose()


def summary(engine: Engine) -> dict[str, int]:
    """Totals for the CLI's summary table: ok documents, failed ones, mentions, claims."""

    def count(model: type, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    query = select(
        count(DocumentRow, DocumentRow.status == "ok").label("documents"),
        count(DocumentRow, DocumentRow.status == "failed").label("failed"),
        count(MentionRow).label("mentions"),
        count(ClaimRow).label("claims"),
    )
    try:
        with engine.connect() as conn:
            row = conn.execute(query).one()
    except DBAPIError as exc:
        raise DatabaseError(f"database error: {driver_message(exc)}") from None
    return {key: int(value) for key, value in row._mapping.items()}


def _read_only_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        options = f"{url.query.get('options', '')} -c default_transaction_read_only=on".strip()
        connect_args: dict[str, Any] = {"options": options}
        if "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return create_engine(url, poolclass=NullPool, connect_args=connect_args)
    engine = create_engine(_sqlite_read_only_url(url), poolclass=NullPool)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(engine, "connect", on_connect)
    return engine


def _sqlite_read_only_url(url: URL) -> URL:
    """The same SQLite file as a ``mode=ro`` URI, so SQLite itself refuses every write."""
    if url.query.get("uri") in ("true", "1"):
        return url.update_query_dict({"mode": "ro"})
    if not url.database or url.database == ":memory:":
        raise DatabaseError("read-only queries need a SQLite database file, not an in-memory one")
    path = os.path.abspath(url.database)
    if not os.path.isfile(path):
        raise DatabaseError(f"cannot open database {path}: no such file")
    query = {**url.query, "mode": "ro", "uri": "true"}
    return url.set(database=f"file:{quote(path)}", query=query)


def _is_write_refusal(exc: BaseException) -> bool:
    """Whether the database refused ``exc``'s statement because the connection is read-only."""
    if getattr(exc, "sqlstate", None) == _PG_READ_ONLY_VIOLATION:
        return True
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
