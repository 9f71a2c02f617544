"""Engine, one session per request, and the commit at the edge of the request.

Views and services only ``add``/``flush``; the request commits once when it succeeded and rolls
back when it raised, so a failing request never leaves half a change behind.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" event below open transactions, not the driver.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A request that may write takes the write lock up front (waiting up to the busy
            # timeout). A deferred transaction that read first and then tries to write fails at
            # once with "database is locked" when another writer committed in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _may_write() -> bool:
    if has_app_context() and g.get("db_writer"):  # a worker outside requests (the mail sender)
        return True
    return (has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
            and not g.get("db_reads_first"))


def writer() -> None:
    """Every transaction of this app context may write: take SQLite's write lock up front."""
    g.db_writer = True


def reads_first(view):
    """Mark a hot POST that reads several rows and then writes one (a vote, a presence ping).

    On SQLite its reads run without the write lock; `start_writing` takes the lock only for the
    write, so a burst of such requests holds the lock for the write alone, not the whole request.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.db_reads_first = True
        return view(*args, **kwargs)

    return wrapped


def start_writing() -> None:
    """End the read-only part of a `reads_first` request; the next statement takes the lock.

    Only SQLite needs this: PostgreSQL locks rows, not the database, so its read transaction
    simply goes on (saving a COMMIT and a BEGIN on every vote).
    """
    if g.get("db_reads_first"):
        if engine().dialect.name == "sqlite":
            session().commit()  # nothing was written: this only ends the read transaction
        g.db_reads_first = False


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def commit_request() -> None:
    """Commit the request's session, if one was opened."""
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.commit()


def rollback_request() -> None:
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.rollback()


def _close_session(error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is None:
        return
    if error is not None:
        db_session.rollback()
    db_session.close()
