"""Alembic's environment for claimtrail: always given a connection by claimtrail.db.migrate
(claimtrail has no alembic.ini; ``claimtrail db upgrade`` is the command)."""

from alembic import context

from claimtrail.db.migrate import include_name
from claimtrail.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
