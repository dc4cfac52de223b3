"""Alembic environment: the engine comes from the store, never from alembic.ini."""

from alembic import context

from conference_tui.store import models  # noqa: F401  (registers the tables)
from conference_tui.store.engine import writing
from conference_tui.store.models import Base

engine = context.config.attributes["engine"]

with writing(engine).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
