"""SQLite's full-text table names its content table as Datasette and sqlite-utils look for it

Both tools find the FTS table of ``blocks`` by matching ``content="blocks"`` (or
``content=[blocks]``) in its ``CREATE VIRTUAL TABLE``; 0003 wrote ``content='blocks'``, which
FTS5 accepts but neither tool recognises, so ``?_search=`` and ``sqlite-utils search`` ignored
the index. The table is created again with the same columns and tokenizer and rebuilt from
``blocks``; 0003's triggers name it and keep working. PostgreSQL has no such table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recreate(content: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE blocks_fts")
    op.execute(f"CREATE VIRTUAL TABLE blocks_fts USING fts5(text, content={content}, content_rowid=\"id\", "
               "tokenize='porter unicode61')")
    op.execute("INSERT INTO blocks_fts(blocks_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _recreate('"blocks"')


def downgrade() -> None:
    _recreate("'blocks'")
