"""The "nothing lost" check every fault test ends with (QUALITY.md).

A test records each write it attempted as a `Write`: a SQL count of the rows that write produces
and how many rows it produces when it went through. Writes the server acknowledged (a 2xx/3xx came
back) must be there exactly once; writes it did not acknowledge (a 503, a dropped connection, a
killed worker) must be there wholly or not at all. Then the database must be consistent, no
response may have been a 5xx other than a deliberate 503, and /healthz must answer within 5 s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

from tests.servers import Gunicorn
from webinar.db import Base


@dataclass(frozen=True)
class Write:
    """One write a client sent: `count_sql` counts its rows, `rows` is how many it makes."""

    what: str
    count_sql: str
    params: dict = field(default_factory=dict)
    rows: int = 1


def check_nothing_lost(database_url: str, acknowledged: Iterable[Write],
                       unacknowledged: Iterable[Write] = (), statuses: Iterable[int] = (),
                       server: Gunicorn | None = None) -> None:
    """Assert nothing acknowledged was lost or doubled, and the database and server are sound."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            for write in acknowledged:
                found = _count(conn, write)
                assert found == write.rows, (
                    f"acknowledged {write.what}: {found} rows, expected {write.rows}")
            for write in unacknowledged:
                found = _count(conn, write)
                assert found in (0, write.rows), (
                    f"unacknowledged {write.what}: {found} rows, expected 0 or {write.rows}")
            problems = _inconsistencies(conn)
            assert not problems, f"database inconsistent: {problems}"
    finally:
        engine.dispose()
    server_errors = sorted({status for status in statuses if status >= 500 and status != 503})
    assert not server_errors, f"server errors seen: {server_errors}"
    if server is not None:
        server.wait_healthy(timeout=5)


def _count(conn, write: Write) -> int:
    return conn.execute(text(write.count_sql), write.params).scalar_one()


def _inconsistencies(conn) -> list:
    if conn.dialect.name == "sqlite":
        integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        orphans = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        return ([] if integrity == ["ok"] else integrity) + orphans
    # PostgreSQL enforces its constraints itself; what a crash could leave behind is an index
    # or constraint left invalid (e.g. by an interrupted concurrent build), or rows that a
    # missing foreign key would no longer catch: look for both, for every foreign key we model.
    invalid = conn.execute(text(
        "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid OR NOT indisready"
        " UNION ALL SELECT conname FROM pg_constraint"
        " WHERE NOT convalidated AND connamespace = 'public'::regnamespace")).scalars().all()
    return invalid + _orphans(conn)


def _orphans(conn) -> list[str]:
    found = []
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            child, parent = key.parent, key.column
            orphans = conn.execute(text(
                f"SELECT count(*) FROM {table.name} c WHERE c.{child.name} IS NOT NULL AND NOT"  # noqa: S608 - names from our own models
                f" EXISTS (SELECT 1 FROM {parent.table.name} p"
                f" WHERE p.{parent.name} = c.{child.name})")).scalar_one()
            if orphans:
                found.append(f"{orphans} orphaned {table.name}.{child.name}")
    return found
