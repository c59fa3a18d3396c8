"""Errors the database layer raises, each with a one-line message fit to show a user as is."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be used: bad URL, unreachable server, or a failing query."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class ReadOnlyError(DatabaseError):
    """A statement given to the read-only query path that could change the database."""


class SchemaError(DatabaseError):
    """A database whose schema this claimtrail cannot write to as it is (behind, or newer)."""
