"""locations and versions: one document, every address it was found at; revisions linked

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 14:18:35.281332
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_versions',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=False),
    sa.Column('similarity', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id', 'previous_id')
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_previous_id'), ['previous_id'], unique=False)

    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('doc_id', 'uri', name='uq_locations_doc_uri')
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locations_doc_id'), ['doc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_locations_uri'), ['uri'], unique=False)

    # Every document stored so far was found at its own address.
    op.execute("INSERT INTO locations (doc_id, uri, source_url, first_seen, last_seen) "
               "SELECT id, uri, source_url, created_at, created_at FROM documents")


def downgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_uri'))
        batch_op.drop_index(batch_op.f('ix_locations_doc_id'))

    op.drop_table('locations')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_previous_id'))

    op.drop_table('document_versions')
