"""Fault tests start real servers; each gets a database of its own, migrated from scratch.

On SQLite that is a file in the test's tmp_path. On PostgreSQL (TEST_DATABASE_URL set) it is a
new database on the same server, dropped afterwards, so the servers a fault test starts and kills
never touch the schema the rest of the suite shares.
"""

from __future__ import annotations

import os

import pytest

from tests.servers import scratch_postgres_database
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
    with scratch_postgres_database(server_url, "code123_fault") as url:
        upgrade(url)
        yield url
