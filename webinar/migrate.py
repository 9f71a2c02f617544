"""Alembic, driven from the app's own settings."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import String

from webinar.config import ROOT


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = database_url
    return config


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """Column types as Alembic compares them, except a string's length on SQLite.

    SQLite never enforces a VARCHAR's length, and widening one means rebuilding the table, which
    on SQLite drops and re-creates it under the rows that point at it (join codes, migration
    0014). None lets Alembic compare as usual.
    """
    if (context.dialect.name == "sqlite" and isinstance(inspected_type, String)
            and isinstance(metadata_type, String)
            and type(inspected_type).__name__ in ("VARCHAR", "String")
            and type(metadata_type).__name__ in ("VARCHAR", "String")):
        return False
    return None


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
