"""Live state kept in each worker's memory between changes, on PostgreSQL.

Thousands of attendees ask for the same few bytes every two seconds, and the answer changes only
when the trainer acts. Each change bumps the session's version, and a trigger (migration 0013)
sends a notification on channel ``live_state`` when it commits. Every web worker has a connection
that listens on that channel; before it answers from memory, it looks (without waiting) whether a
notification has come in, and forgets everything it kept if one has. The database has sent the
notification by the time the trainer's request returns, so an attendee who asks after that gets
the new state from any worker, or any server on the same database.

No thread is involved: the request that answers does the looking, under a lock. While the
listening connection is down (not yet made, or the server went away) nothing is kept and every
read goes to the database; a new connection is tried a second later. A kept answer is also
dropped after ``MAX_AGE`` seconds, a safety net that no lost notification can outlive.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time

log = logging.getLogger(__name__)
CHANNEL = "live_state"
MAX_AGE = 30.0
_RETRY_SECONDS = 1.0


class StateCache:
    """code -> state row, kept while this process's listening connection is up."""

    def __init__(self, engine):
        self.engine = engine
        self._rows: dict[str, tuple[float, object]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._connection = None  # a psycopg connection of its own, listening
        self._pid: int | None = None
        self._retry_at = 0.0
        self._closed = False

    def get(self, code: str, read):
        """The kept row for ``code``, or ``read(code)`` (kept unless a change came in between)."""
        if not self._heard_everything():
            return read(code)
        now = time.monotonic()
        kept = self._rows.get(code)
        if kept is not None and now - kept[0] < MAX_AGE:
            return kept[1]
        generation = self._generation
        row = read(code)
        # A change that committed while we read bumps the generation: keep nothing then, the row
        # may be the one from before it. The check and the keeping hold the lock, so a change
        # heard by another thread cannot slip in between them.
        if self._heard_everything():
            with self._lock:
                if generation == self._generation:
                    if len(self._rows) > 10_000:
                        self._rows.clear()
                    self._rows[code] = (now, row)
        return row

    def forget(self) -> None:
        with self._lock:
            self._forget()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    def _forget(self) -> None:
        self._generation += 1
        self._rows.clear()

    def _heard_everything(self) -> bool:
        """Take in any notification already sent; False when not listening (keep nothing)."""
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's connection is not ours
                self._connection, self._pid = None, os.getpid()
                self._forget()
            if self._connection is None and not self._connect():
                return False
            pgconn = self._connection.pgconn
            try:
                if select.select([pgconn.socket], [], [], 0)[0]:
                    pgconn.consume_input()
                    while pgconn.notifies() is not None:
                        self._forget()
            except Exception as error:  # noqa: BLE001 - the server went away: read through
                log.warning("live state: the listening connection failed: %r", error)
                self._drop()
                return False
            return True

    def _connect(self) -> bool:
        if self._closed or time.monotonic() < self._retry_at:
            return False
        try:
            pooled = self.engine.raw_connection()
            driver = pooled.driver_connection
            pooled.detach()  # the connection stays with this cache, never back in the pool
            driver.autocommit = True
            driver.execute(f"LISTEN {CHANNEL}")
        except Exception as error:  # noqa: BLE001 - read through until the next try
            log.warning("live state: cannot listen for changes: %r", error)
            self._retry_at = time.monotonic() + _RETRY_SECONDS
            return False
        self._connection = driver
        self._forget()
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._retry_at = time.monotonic() + _RETRY_SECONDS
        self._forget()
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
