"""The schema migrates up and down on SQLite and PostgreSQL; the CLI manages users and demo data."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from tests.servers import scratch_postgres_database
from webinar import db
from webinar.migrate import compare_type, downgrade, upgrade
from webinar.models import Base, Cohort, User


def _empty_database_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'fresh.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        with scratch_postgres_database(url, "migrations") as fresh:
            yield fresh


def test_migrations_go_up_to_the_models_and_back_down(tmp_path):
    """Does an empty database migrate to head, match the models exactly, and go back to empty?"""
    databases = 0
    for url in _empty_database_urls(tmp_path):
        databases += 1
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
            diff = compare_metadata(context, Base.metadata)
            assert diff == [], f"models and migrations differ on {engine.dialect.name}: {diff}"
            tables = set(inspect(conn).get_table_names())
        assert {"app_user", "cohort", "login_session"} <= tables
        downgrade(url)
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        engine.dispose()
    expected = 2 if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else 1
    assert databases == expected


def test_create_user_with_role(app, runner):
    """Can an admin create a trainer from the command line, with a checked password?"""
    weak = runner.invoke(args=["create-user", "--email", "t@example.nl", "--name", "T",
                               "--role", "trainer", "--password", "short"])
    assert weak.exit_code != 0
    result = runner.invoke(args=["create-user", "--email", "T@Example.nl", "--name", "Tess",
                                 "--role", "trainer", "--password", "a-long-secret-1"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-user", "--email", "t@example.nl", "--name", "Tess",
                                "--password", "a-long-secret-1"])
    assert again.exit_code != 0 and "already has an account" in again.output
    with app.app_context():
        user = db.session().scalar(select(User))
        assert (user.email, user.role) == ("t@example.nl", "trainer")


def test_demo_data_is_idempotent_and_can_log_in(app, runner, actions):
    """Does loading the demo twice give one demo cohort, and can the demo trainer log in?"""
    from webinar.cli import DEMO_PASSWORD, DEMO_TRAINER

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_TRAINER in first.output
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert len(db.session().scalars(select(Cohort)).all()) == 1
        assert len(db.session().scalars(select(User)).all()) == 7
    assert actions.login(email=DEMO_TRAINER, password=DEMO_PASSWORD).status_code == 302
