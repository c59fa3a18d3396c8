"""runs: status (running, finished, interrupted) and the host and pid of their process

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Text(), server_default='finished', nullable=False))
        batch_op.add_column(sa.Column('host', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
    # Runs left unfinished before runs had a status were stopped by a kill: say so.
    op.execute("UPDATE runs SET status = 'interrupted' WHERE finished_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
        batch_op.drop_column('status')
