"""Fault tests start real servers; each gets a database of its own, migrated from scratch.

On SQLite that is a file in the test's tmp_path. On PostgreSQL (TEST_DATABASE_URL set) it is a
new database on the same server, dropped afterwards, so the servers a fault test starts and kills
never touch the schema the rest of the suite shares.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webinar.migrate import upgrade


@pytest.fixture
def fault_database_url(tmp_path):
    """A freshly migrated, empty database URL for one fault test."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{tmp_path / 'fault.db'}"
        upgrade(url)
        yield url
        return
    name = f"code123_fault_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            # FORCE: a killed worker's connection may still linger on the server.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
