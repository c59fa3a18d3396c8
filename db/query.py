"""Reading: users' read-only SQL, and the totals the CLI prints after an ingest.

User SQL (``claimtrail sql``) passes four guards, each enough against what it covers:
the database's own parser (:mod:`claimtrail.db.sqlcheck`), a connection that cannot write
(SQLite ``mode=ro`` and ``query_only``; a PostgreSQL read-only transaction, one statement
per call through the extended protocol), a time limit, and on PostgreSQL the refusal of
roles that could reach the server's files, programs or other sessions whatever the SQL
(superusers and members of :data:`PRIVILEGED_ROLES`): a read-only transaction stops
none of those.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
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
    parse_url,
)
from claimtrail.db.errors import DatabaseError, ReadOnlyError
from claimtrail.db.models import ClaimRow, DocumentRow, MentionRow
from claimtrail.db.sqlcheck import REFUSED, SqliteAuthorizer, read_only_statement
from claimtrail.settings import QUERY_TIMEOUT_S

PRIVILEGED_ROLES = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files", "pg_signal_backend")
_PG_READ_ONLY_VIOLATION = "25006"  # SQLSTATE read_only_sql_transaction
_PG_QUERY_CANCELED = "57014"  # SQLSTATE query_canceled: statement_timeout
_SQLITE_PROGRESS_STEPS = 10_000  # virtual machine steps between two looks at the clock
_PRIVILEGES = (
    "SELECT r.rolname, r.rolsuper, "
    "array(SELECT g FROM unnest(%s::text[]) AS g WHERE pg_has_role(r.oid, g, 'MEMBER')) "
    "FROM pg_roles r WHERE r.rolname IN (current_user, session_user)"
)


def plain_number(value: Any) -> Any:
    """A whole REAL or NUMERIC value as an int, anything else as it is: counts are stored
    as REAL, and every output format should say ``4 gunmen``, not ``4.0``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


class PrivilegedRoleError(DatabaseError):
    """``claimtrail sql`` asked to run as a PostgreSQL role that can act outside the database."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    more: int = 0  # rows beyond ``max_rows``: counted, not kept


def run_query(url: str, sql: str, *, timeout: float | None = QUERY_TIMEOUT_S, max_rows: int | None = None,
              allow_privileged: bool = False) -> QueryResult:
    """Run one plain query (see the module's guards); keep at most ``max_rows`` rows.

    Raises :class:`ReadOnlyError` for anything but one plain query, :class:`PrivilegedRoleError`
    for a privileged PostgreSQL role unless ``allow_privileged``, and :class:`DatabaseError`
    for the rest (bad SQL, past ``timeout`` seconds, unreachable database).
    """
    parsed = parse_url(url)
    postgres = parsed.get_backend_name() == "postgresql"
    authorizer = read_only_statement(sql, postgres=postgres)
    engine = read_only_engine(parsed, timeout)
    dbapi = engine.dialect.loaded_dbapi
    try:
        with engine.connect() as conn:
            connection = conn.connection.dbapi_connection
            cursor = connection.cursor()  # type: ignore[union-attr]
            if postgres:
                cursor.execute("SET TRANSACTION READ ONLY")
                if not allow_privileged:
                    _refuse_privileged_role(cursor)
                cursor.execute(sql, prepare=True)
            else:
                if authorizer is not None:
                    connection.set_authorizer(authorizer)  # type: ignore[union-attr]
                cursor.execute(sql)
            if cursor.description is None:
                if authorizer is not None and not authorizer.actions:
                    raise DatabaseError("no SQL statement given")
                return QueryResult([])
            columns = [d[0] for d in cursor.description]
            if max_rows is None:
                return QueryResult(columns, [tuple(map(plain_number, r)) for r in cursor.fetchall()])
            rows = [tuple(map(plain_number, r)) for r in cursor.fetchmany(max_rows)]
            return QueryResult(columns, rows, more=_count_rest(cursor))
    except DBAPIError as exc:
        raise DatabaseError(f"cannot open database {describe(parsed)}: {driver_message(exc)}") from None
    except (dbapi.Error, dbapi.Warning) as exc:
        raise _failure(exc, authorizer, timeout) from None
    finally:
        engine.dispose()


def query_readonly(url: str, sql: str, **options: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """:func:`run_query`'s column names and rows, for callers that want every row."""
    result = run_query(url, sql, **options)
    return result.columns, result.rows


def read_only_engine(url: str | URL, timeout: float | None = None) -> Engine:
    """An engine whose connections cannot write, and whose statements stop after ``timeout`` s.

    SQLite: the file opened ``mode=ro`` with ``query_only`` (SQLite refuses every write),
    the time limit a progress handler. PostgreSQL: read-only transactions and
    ``statement_timeout``, set at connection start; ``standard_conforming_strings`` on, so
    the server reads string literals exactly as :mod:`~claimtrail.db.sqlcheck` did.
    """
    parsed = parse_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "postgresql":
        settings = ["default_transaction_read_only=on", "standard_conforming_strings=on"]
        if timeout:
            settings.append(f"statement_timeout={max(1, round(timeout * 1000))}")
        options = " ".join([parsed.query.get("options", ""), *(f"-c {s}" for s in settings)]).strip()
        connect_args: dict[str, Any] = {"options": options}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    engine = create_engine(_sqlite_read_only_url(parsed), poolclass=NullPool)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA query_only = ON")
        if timeout:
            deadline = time.monotonic() + timeout
            dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline, _SQLITE_PROGRESS_STEPS)

    event.listen(engine, "connect", on_connect)
    return engine


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


def _count_rest(cursor: Any) -> int:
    """How many rows the cursor has left, without keeping them."""
    count = 0
    while chunk := cursor.fetchmany(10_000):
        count += len(chunk)
    return count


def _refuse_privileged_role(cursor: Any) -> None:
    """Refuse a session whose role (or login role) is a superuser or holds a predefined
    role that reaches outside the database: no SQL check can make such a session safe."""
    cursor.execute(_PRIVILEGES, [list(PRIVILEGED_ROLES)])
    for name, superuser, memberships in cursor.fetchall():
        if superuser or memberships:
            what = "a superuser" if superuser else f"a member of {', '.join(memberships)}"
            raise PrivilegedRoleError(
                f"claimtrail sql refuses to run as role {name}: it is {what}, so a query could read the server's "
                "files, run programs there or end other sessions. Connect as the read-only analyst role "
                "(README: a role that can only read), or pass --allow-privileged-role"
            )


def _failure(exc: BaseException, authorizer: SqliteAuthorizer | None, timeout: float | None) -> DatabaseError:
    """The one-line error for a statement the database did not run to the end."""
    if authorizer is not None and authorizer.refusal:
        return ReadOnlyError(f"{REFUSED}: {authorizer.refusal}")
    if isinstance(exc, sqlite3.Warning | sqlite3.ProgrammingError) and "one statement" in str(exc):
        return ReadOnlyError(f"{REFUSED}: a second statement refused")
    if getattr(exc, "sqlstate", None) == _PG_QUERY_CANCELED or str(exc) == "interrupted":
        return DatabaseError(f"query stopped after {timeout:g} s (--timeout SECONDS allows longer)")
    if _is_write_refusal(exc):
        return ReadOnlyError(f"{REFUSED}: write refused by the database ({driver_message(exc)})")
    return DatabaseError(f"sql error: {driver_message(exc)}")


def _is_write_refusal(exc: BaseException) -> bool:
    """Whether the database refused ``exc``'s statement because the connection is read-only."""
    if getattr(exc, "sqlstate", None) == _PG_READ_ONLY_VIOLATION:
        return True
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
