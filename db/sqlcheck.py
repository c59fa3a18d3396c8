"""Deciding, before any database sees it, whether user SQL is one read-only statement.

This is the first of two guards for ``claimtrail sql``: it gives a clear message for the
obvious cases. The second guard is the database itself (a read-only SQLite file handle, a
read-only PostgreSQL transaction, one statement per execute), which also catches what a
lexical check cannot see, such as a data-modifying CTE. The scanner follows PostgreSQL's
lexical rules, which for quoting and comments are a superset of SQLite's.
"""

from __future__ import annotations

import re

from claimtrail.db.errors import DatabaseError, ReadOnlyError

READ_KEYWORDS = frozenset({"select", "with", "values", "explain", "show", "table", "pragma"})

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>--[^\n]*)
    | (?P<block_comment>/\*.*?(?:\*/|\Z))
    | (?P<string>[eE]?')
    | (?P<identifier>"(?:[^"]|"")*(?:"|\Z))
    | (?P<dollar>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)
    | (?P<word>[A-Za-z_][A-Za-z_0-9$]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def read_only_statement(sql: str) -> str:
    """Return ``sql`` if it is exactly one read statement; else raise :class:`ReadOnlyError`."""
    statements = [tokens for tokens in _statements(sql) if tokens]
    if not statements:
        raise DatabaseError("no SQL statement given")
    first = statements[0]
    keyword = next((t for t in first if t != "("), first[0])
    if keyword not in READ_KEYWORDS:
        raise ReadOnlyError(f"claimtrail sql is read-only: {keyword.upper()} refused")
    if keyword == "pragma" and "=" in first:
        raise ReadOnlyError("claimtrail sql is read-only: PRAGMA assignment refused")
    if len(statements) > 1:
        second = next((t for t in statements[1] if t != "("), "")
        raise ReadOnlyError(
            f"claimtrail sql is read-only: a second statement ({second.upper()}) refused"
        )
    return sql


def _statements(sql: str) -> list[list[str]]:
    """Tokens of each ';'-separated statement: lower-case words and symbols, quotes skipped."""
    statements: list[list[str]] = [[]]
    pos = 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        assert match is not None  # "other" matches any character
        kind, token, pos = match.lastgroup, match.group(), match.end()
        if kind == "string":
            pos = _end_of_string(sql, pos, backslash_escapes=len(token) == 2)
            statements[-1].append("'")
        elif kind == "dollar":
            close = sql.find(token, pos)
            pos = len(sql) if close < 0 else close + len(token)
            statements[-1].append("'")
        elif kind == "other" and token == ";":
            statements.append([])
        elif kind in ("word", "identifier", "other"):
            statements[-1].append(token.lower() if kind == "word" else token)
    return statements


def _end_of_string(sql: str, pos: int, *, backslash_escapes: bool) -> int:
    """Position after the quote closing a string literal whose body starts at ``pos``."""
    while pos < len(sql):
        char = sql[pos]
        if backslash_escapes and char == "\\":
            pos += 2
        elif char == "'":
            if sql.startswith("''", pos):
                pos += 2
            else:
                return pos + 1
        else:
            pos += 1
    return pos
