"""The hot path: GET /live/<code>/state, polled by every attendee every two seconds.

It answers from one unique-key SELECT, compiled once per dialect and run on a bare pooled DB-API
connection: no ORM session, no user loading, no rate limit, nothing to commit. Its body is a few
dozen bytes; ``ETag`` is the version, and a matching ``If-None-Match`` gets a 304 without a body.

Flask's own per-request work (opening the session cookie, the limiter, Flask-Login, the hooks)
costs more than the query itself, so `FastState` answers this one path as plain WSGI in front of
Flask, with the same headers the app sets everywhere (CSP, nosniff, private caching, Vary). The
Flask view below is the same answer through the full stack; a test keeps the two identical.
"""

from __future__ import annotations

import json
import re
import time

from flask import Flask, Response, abort, current_app, request
from sqlalchemy import bindparam, create_engine, select

from webinar.extensions import csrf, limiter
from webinar.live import bp, throttle
from webinar.live.notify import StateCache
from webinar.models import LiveSession
from webinar.security import STATIC_HEADERS

PATH = re.compile(r"/live/([A-Za-z0-9]{1,12})/state")
CACHE_HEADERS = (("Cache-Control", "private, no-cache"), ("Vary", "Cookie"))
_STATE_BY_CODE = select(
    LiveSession.version, LiveSession.step_index, LiveSession.poll_state, LiveSession.lesson_id,
    LiveSession.poll_ends_at, LiveSession.show_join, LiveSession.qa_version,
    LiveSession.show_questions,
).where(LiveSession.join_code == bindparam("code"))


class StateReader:
    """Read (version, step, poll, lesson) by join code, on a pooled connection.

    On PostgreSQL the reader keeps a pool of its own in autocommit mode, with no ping on checkout
    and no rollback on return: the app's pool would spend three more round trips on each read
    (ping, BEGIN, ROLLBACK) than the read itself. A connection that fails (a restarted server)
    is dropped and the read tried once more on a fresh one. Between two changes the row comes
    from memory (`StateCache`, emptied by the database's change notifications).
    """

    def __init__(self, engine):
        self.engine = engine
        self.cache = None
        if engine.dialect.name == "postgresql":
            self.engine = create_engine(engine.url, isolation_level="AUTOCOMMIT",
                                        pool_reset_on_return=None, pool_size=4, max_overflow=4)
            self.cache = StateCache(self.engine)
        compiled = _STATE_BY_CODE.compile(dialect=engine.dialect)
        self.sql = compiled.string
        self.positional = bool(compiled.positiontup)
        self.errors = engine.dialect.loaded_dbapi.OperationalError

    def __call__(self, code: str):
        if self.cache is not None:
            return self.cache.get(code, self.read)
        return self.read(code)

    def read(self, code: str):
        params = (code,) if self.positional else {"code": code}
        for attempt in (1, 2):
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(self.sql, params)
                row = cursor.fetchone()
                cursor.close()
            except self.errors:
                connection.invalidate()
                if attempt == 2:
                    raise
                continue
            finally:
                connection.close()  # back to the pool (a no-op after invalidate)
            return row
        return None  # not reached: the second failure raises


def answer(row, if_none_match: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for a state row (None: unknown code)."""
    if row is None:
        body = b'{"error":"not found"}'
        return 404, [("Content-Type", "application/json"),
                     ("Content-Length", str(len(body)))], body
    version, step, poll, lesson, ends, join, qa, questions = row
    # A countdown that ran out closes the poll without a write: the state says so from then on,
    # under an ETag of its own so a page that kept the open state fetches the closed one.
    timed_out = poll == "open" and ends is not None and time.time() >= ends
    etag = f'{version}q{qa}' if qa else f"{version}"
    etag = f'"{etag}c"' if timed_out else f'"{etag}"'
    if if_none_match and etag in if_none_match:
        return 304, [("ETag", etag)], b""
    state = {"v": version, "lesson": lesson, "step": step,
             "poll": "closed" if timed_out else poll}
    if ends is not None and poll == "open" and not timed_out:
        state["ends"] = ends
    if join:
        state["join"] = True
    if qa:
        state["q"] = qa
    if questions:
        state["questions"] = True
    body = json.dumps(state, separators=(",", ":")).encode()
    return 200, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                 ("ETag", etag)], body


class FastState:
    """WSGI middleware that answers GET /live/<code>/state before Flask's request machinery."""

    def __init__(self, wsgi_app, reader: StateReader):
        self.wsgi_app = wsgi_app
        self.reader = reader
        self.static = list(STATIC_HEADERS.items()) + list(CACHE_HEADERS)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            match = PATH.fullmatch(environ.get("PATH_INFO", ""))
            row = self.reader(match.group(1).upper()) if match else None
            if row is not None:  # an unknown code goes on to Flask, which counts the failure
                status, headers, body = answer(row, environ.get("HTTP_IF_NONE_MATCH"))
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                start_response(f"{status} {reason}", headers + self.static)
                return [body]
        return self.wsgi_app(environ, start_response)


def install(app: Flask) -> None:
    reader = app.extensions["live_state_reader"] = StateReader(app.extensions["db_engine"])
    if app.config.get("LIVE_FAST_STATE", True):
        app.wsgi_app = FastState(app.wsgi_app, reader)


def dispose(app: Flask) -> None:
    """Close the state reader's own connections (tests and tools that end an app call this)."""
    reader = app.extensions.get("live_state_reader")
    if reader is not None and reader.cache is not None:
        reader.cache.close()
    if reader is not None and reader.engine is not app.extensions["db_engine"]:
        reader.engine.dispose()


bp.record_once(lambda setup: install(setup.app))


@bp.route("/live/<code>/state")
@limiter.exempt
@csrf.exempt
def state(code: str):
    """Tell an attendee's page where the session is: version, step and poll state."""
    if not PATH.fullmatch(request.path):
        abort(404)
    reader = current_app.extensions["live_state_reader"]
    row = reader(code.upper())
    if row is None:  # a guessed code: counted per address, and refused once blocked
        wait = throttle.retry_after()
        if wait:
            body = b'{"error":"too many wrong codes"}'
            return Response(body, status=429, headers={"Retry-After": str(wait)},
                            content_type="application/json")
        throttle.record_failure()
    status, headers, body = answer(row, request.headers.get("If-None-Match"))
    return Response(body, status=status, headers=headers)
