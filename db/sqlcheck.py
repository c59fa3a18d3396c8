"""Deciding whether user SQL is one plain query, by the database's own parser.

``claimtrail sql`` runs SQL typed by a user with the ingest account's rights, so the
statement is classified the way the database itself reads it, never by a regular
expression (nested comments, dollar quoting and Unicode escapes are where lexical checks
go wrong):

- PostgreSQL: ``pglast`` is PostgreSQL's own parser (libpg_query). Exactly one statement,
  a ``SELECT`` (``WITH ... SELECT``, ``VALUES``, ``TABLE``) or an ``EXPLAIN`` of one, with
  no data-modifying ``WITH``, no ``SELECT INTO`` and no row locks. ``EXPLAIN ANALYZE`` is
  accepted because what it runs is that same plain query, under the same guards.
- SQLite: an authorizer, which SQLite calls for every action while it prepares the
  statement, so a refused action stops it before anything runs. Only reads and functions
  are allowed, plus the informational ``PRAGMA``\\ s (no assignment); one statement per
  call is enforced by the driver itself.

Functions that reach outside the database (server files, other sessions, settings,
native code) are refused by name on both, from ``data/denied_functions.csv``: defence in
depth beside the read-only transaction and, on PostgreSQL, the refusal of privileged
roles (:mod:`claimtrail.db.query`).
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any

import pglast
from pglast import ast

from claimtrail.db.errors import DatabaseError, ReadOnlyError

REFUSED = "claimtrail sql is read-only"
# pglast turns the parse tree into Python objects recursively, in C: an expression chained
# some 20,000 levels deep overflows the stack and kills the process. 10,000 tokens (some 50
# kB of SQL) keep any chain below 5,000 levels.
MAX_TOKENS = 10_000

# SQLite pragmas that only report: without an argument, or whose argument names an object.
READ_PRAGMAS = frozenset({
    "application_id", "collation_list", "compile_options", "data_version", "database_list", "encoding", "foreign_keys",
    "freelist_count", "function_list", "journal_mode", "module_list", "page_count", "page_size",
    "pragma_list", "schema_version", "table_list", "user_version",
})
NAMED_PRAGMAS = frozenset({
    "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check",
    "quick_check", "table_info", "table_xinfo",
})
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"})
_SQLITE_ACTIONS = {  # the authorizer's action codes, for messages
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in ("ALTER_TABLE", "ANALYZE", "ATTACH", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX",
                 "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER",
                 "CREATE_VIEW", "CREATE_VTABLE", "DELETE", "DETACH", "DROP_INDEX", "DROP_TABLE",
                 "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER",
                 "DROP_VIEW", "DROP_VTABLE", "INSERT", "REINDEX", "SAVEPOINT", "TRANSACTION", "UPDATE")
}


def read_only_statement(sql: str, *, postgres: bool) -> SqliteAuthorizer | None:
    """Refuse ``sql`` unless it is one plain query. On PostgreSQL the verdict is given now
    (:class:`ReadOnlyError`, or :class:`DatabaseError` for SQL that does not parse); on
    SQLite it is given while SQLite prepares the statement, by the returned authorizer."""
    if not postgres:
        return SqliteAuthorizer()
    check_postgres_query(sql)
    return None


# --------------------------------------------------------------------------- PostgreSQL


def check_postgres_query(sql: str) -> None:
    """Raise unless PostgreSQL's parser reads ``sql`` as exactly one plain query."""
    if "\0" in sql:  # the parser would stop reading there; what runs must be what was read
        raise DatabaseError("sql error: the statement contains a NUL character")
    try:
        if len(pglast.parser.scan(sql)) > MAX_TOKENS:
            raise DatabaseError(f"sql error: the statement has more than {MAX_TOKENS:,} tokens")
        statements = pglast.parse_sql(sql)
    except pglast.parser.ParseError as exc:
        raise DatabaseError(f"sql error: {exc}") from None
    if not statements:
        raise DatabaseError("no SQL statement given")
    if len(statements) > 1:
        raise ReadOnlyError(f"{REFUSED}: a second statement ({_first_keyword(sql, statements[1])}) refused")
    statement = statements[0].stmt
    query = statement.query if isinstance(statement, ast.ExplainStmt) else statement
    if not isinstance(query, ast.SelectStmt):
        what = _first_keyword(sql, statements[0])
        if isinstance(statement, ast.ExplainStmt):
            what = f"EXPLAIN of {_node_name(query)}"
        raise ReadOnlyError(f"{REFUSED}: {what} refused")
    for node in _nodes(query):
        if (reason := _refusal(node)) is not None:
            raise ReadOnlyError(f"{REFUSED}: {reason}")


def _refusal(node: ast.Node) -> str | None:
    """Why ``node``, somewhere in an otherwise plain query, makes it more than a read."""
    if isinstance(node, ast.IntoClause):
        return "SELECT INTO refused"
    if isinstance(node, ast.LockingClause):
        return "row locks (FOR UPDATE / FOR SHARE) refused"
    if type(node).__name__.endswith("Stmt") and not isinstance(node, ast.SelectStmt):
        return f"{_node_name(node)} inside a query refused"
    names: tuple[Any, ...] = ()
    if isinstance(node, ast.FuncCall):
        names = node.funcname[-1:]
    elif isinstance(node, ast.ColumnRef):  # t.f and (x).f call f(t) / f(x)
        names = node.fields[-1:]
    elif isinstance(node, ast.A_Indirection):
        names = node.indirection
    for name in names:
        if isinstance(name, ast.String) and (why := denied_function(name.sval, "postgresql")):
            return f"function {name.sval.lower()}() refused: it {why}"
    return None


def _nodes(root: ast.Node) -> Iterator[ast.Node]:
    """Every node under ``root`` (iteratively: parse trees can be deep)."""
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            pending.extend(item)
        elif isinstance(item, ast.Node):
            yield item
            pending.extend(getattr(item, member) for member in item)


def _first_keyword(sql: str, statement: ast.RawStmt) -> str:
    """The statement's first word as written (comments skipped by PostgreSQL's own scanner)."""
    start = statement.stmt_location or 0
    end = start + statement.stmt_len if statement.stmt_len else len(sql)
    tokens = [t for t in pglast.parser.scan(sql[start:end]) if not t.name.endswith("COMMENT")]
    return sql[start + tokens[0].start:start + tokens[0].end + 1].upper() if tokens else "?"


def _node_name(node: ast.Node) -> str:
    """``DeleteStmt`` as ``DELETE``, ``CreateTableAsStmt`` as ``CREATE TABLE AS``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(node).__name__.removesuffix("Stmt")).upper()


# --------------------------------------------------------------------------- SQLite


class SqliteAuthorizer:
    """``sqlite3`` authorizer allowing reads, functions that are not denied and the
    informational pragmas; ``refusal`` says what it denied first, ``actions`` counts calls."""

    def __init__(self) -> None:
        self.refusal: str | None = None
        self.actions = 0

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        self.actions += 1
        reason = self._refusal(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.refusal = self.refusal or reason
        return sqlite3.SQLITE_DENY

    @staticmethod
    def _refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
            return None
        if action == sqlite3.SQLITE_UPDATE and arg1 in _SCHEMA_TABLES:
            # SQLite's own bookkeeping while it loads the schema or declares a virtual table
            # (FTS5, pragma_table_info) on first use. A user's UPDATE of the schema table is
            # refused by SQLite itself ("may not be modified"; writable_schema is denied).
            return None
        if action == sqlite3.SQLITE_FUNCTION:
            why = denied_function(arg2 or "", "sqlite")
            return f"function {arg2}() refused: it {why}" if why else None
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name in NAMED_PRAGMAS or (name in READ_PRAGMAS and arg2 is None):
                return None
            return f"PRAGMA {name}{'' if arg2 is None else f' = {arg2}'} refused"
        return f"{_SQLITE_ACTIONS.get(action, f'action {action}')} refused"


# --------------------------------------------------------------------------- both


@cache
def _denied_functions() -> tuple[tuple[str, str, str], ...]:
    text = resources.files("claimtrail.db").joinpath("data/denied_functions.csv").read_text(encoding="utf-8")
    return tuple((row["pattern"], row["backend"], row["why"]) for row in csv.DictReader(text.splitlines()))


def denied_function(name: str, backend: str) -> str | None:
    """Why the function ``name`` may not be called from ``claimtrail sql``, or None."""
    folded = name.lower()
    return next((why for pattern, on, why in _denied_functions() if on == backend and fnmatchcase(folded, pattern)),
                None)
