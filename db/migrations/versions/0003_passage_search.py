"""full-text search over passages: blocks keep their text, indexed by SQLite FTS5 or a
PostgreSQL GIN index on its English tsvector

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An external-content FTS5 table over blocks.text, kept in step by triggers; the porter
# stemmer makes "strikes" find "strike", as PostgreSQL's english configuration does.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE blocks_fts USING fts5(text, content='blocks', content_rowid='id', "
    "tokenize='porter unicode61')",
    "CREATE TRIGGER blocks_fts_ai AFTER INSERT ON blocks BEGIN "
    "INSERT INTO blocks_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER blocks_fts_ad AFTER DELETE ON blocks BEGIN "
    "INSERT INTO blocks_fts(blocks_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER blocks_fts_au AFTER UPDATE ON blocks BEGIN "
    "INSERT INTO blocks_fts(blocks_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO blocks_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO blocks_fts(blocks_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = ["DROP TRIGGER blocks_fts_au", "DROP TRIGGER blocks_fts_ad", "DROP TRIGGER blocks_fts_ai",
               "DROP TABLE blocks_fts"]
POSTGRES_UP = ["CREATE INDEX ix_blocks_search ON blocks USING gin (to_tsvector('english', coalesce(text, '')))"]
POSTGRES_DOWN = ["DROP INDEX ix_blocks_search"]


def upgrade() -> None:
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
    op.execute(
        "UPDATE blocks SET text = (SELECT substr(d.text, blocks.start_char + 1, blocks.end_char - blocks.start_char) "
        "FROM documents d WHERE d.id = blocks.doc_id)"
    )
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.drop_column("text")
