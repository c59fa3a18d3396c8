"""Schema migrations (Alembic): where a database stands, and bringing it to the current schema.

claimtrail ships its migrations inside the package (``db/migrations``) and drives Alembic
through its API, on a connection it already holds, so no ``alembic.ini`` is needed and a
migration runs in the same transaction (and, on PostgreSQL, under the same advisory
lock) as the rest of opening a database.

A database is one of: **empty** (a new file or schema: created at head by
:func:`upgrade`), **current**, **behind** (``claimtrail db upgrade`` brings it forward;
nothing writes to it before), **legacy** (tables made before claimtrail used migrations:
they are revision ``0001``, stamped so by :func:`upgrade`), or **ahead** (made by a newer
claimtrail: refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sqlalchemy import Connection, inspect

BASELINE = "0001"  # what databases made before migrations existed are
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True, slots=True)
class SchemaState:
    revision: str | None  # None: empty, or legacy when ``tables`` is true
    head: str
    tables: bool  # claimtrail's tables exist

    @property
    def current(self) -> bool:
        return self.revision == self.head

    @property
    def empty(self) -> bool:
        return self.revision is None and not self.tables

    @property
    def known(self) -> bool:
        return self.revision is None or self.revision in _revisions()


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """What Alembic compares with the models: not the full-text index, which differs by
    backend and is kept by migration 0003 alone (SQLite's ``blocks_fts`` and its shadow
    tables, PostgreSQL's ``ix_blocks_search``)."""
    if name is None:
        return True
    return not ((type_ == "table" and name.startswith("blocks_fts")) or (type_ == "index" and name == "ix_blocks_search"))


def _config():  # noqa: ANN202 - alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("claimtrail.db") / "migrations"))
    return config


@lru_cache(maxsize=1)
def _scripts():  # noqa: ANN202 - alembic.script.ScriptDirectory, read once per process
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def _revisions() -> frozenset[str]:
    return frozenset(s.revision for s in _scripts().walk_revisions())


def head() -> str:
    return _scripts().get_current_head() or BASELINE


def state(conn: Connection) -> SchemaState:
    tables = set(inspect(conn).get_table_names())
    revision = None
    if VERSION_TABLE in tables:
        revision = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()
    return SchemaState(revision, head(), bool(tables & {"documents", "claims", "runs"}))


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Bring the database on ``conn`` (in its transaction) to ``revision`` (default: head).

    A legacy database (tables, no version) is stamped as the baseline first."""
    from alembic import command

    before = state(conn)
    config = _config()
    config.attributes["connection"] = conn
    if before.revision is None and before.tables:
        command.stamp(config, BASELINE)
    command.upgrade(config, revision)
