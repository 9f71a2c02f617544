"""Alembic environment: the URL comes from the app's configuration, never from a file."""

from alembic import context

from webinar.db import make_engine
from webinar.migrate import compare_type
from webinar.models import Base

config = context.config
url = config.attributes.get("database_url")
if url is None:
    from webinar.config import ROOT, build_config

    url = build_config(ROOT / "instance")["DATABASE_URL"]


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
