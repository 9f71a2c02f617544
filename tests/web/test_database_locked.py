"""QUALITY.md T11: SQLite held locked by another process: wait briefly, else 503, nothing lost."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from tests.conftest import Actions
from tests.fault.nothing_lost import Write, check_nothing_lost
from tests.web.workbook_helpers import start_workbook
from webinar import create_app
from webinar.migrate import upgrade


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "locked.db"
    upgrade(f"sqlite:///{path}")

    def make(busy_timeout_ms: int):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                          "SECRET_KEY": "test", "RATELIMIT_STORAGE_URI": "memory://",
                          "SQLITE_BUSY_TIMEOUT_MS": busy_timeout_ms})
        return app

    return path, make


def _hold_write_lock(path, seconds: float, locked: threading.Event):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS lock_holder (x)")
    locked.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def _participant(app):
    client = app.test_client()
    actions = Actions(client)
    actions.register()
    wid = start_workbook(client)
    return client, wid


def test_a_short_lock_is_waited_out(sqlite_app):
    """When another process holds the database for 2 s, does my save wait and succeed?"""
    path, make = sqlite_app
    app = make(5000)
    client, wid = _participant(app)
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 2, locked))
    url = f"/workbook/{wid}/value"
    html = client.get(url)  # fetch the form (and its token) before the lock
    holder.start()
    locked.wait(5)
    started = time.monotonic()
    response = _post_value(client, html, url)
    waited = time.monotonic() - started
    holder.join()
    assert response.status_code == 302
    assert waited >= 1.0
    assert "Fast installs" in client.get(url).get_data(as_text=True)


def _post_value(client, html, url):
    import re

    page = html.get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    revision = re.search(r'name="revision" (?:type="hidden" )?value="(\d+)"', page).group(1)
    return client.post(url, data={"csrf_token": token, "revision": revision,
                                  "elements-0-text": "Fast installs"})


def test_a_long_lock_gets_503_with_retry_after_and_nothing_half_written(sqlite_app):
    """When another process holds the database for 10 s, do I get a clear 503 once the busy
    timeout (5 s, the default) is up, and nothing half-saved?"""
    path, make = sqlite_app
    app = make(5000)
    client, wid = _participant(app)
    url = f"/workbook/{wid}/value"
    html = client.get(url)
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 10, locked))
    holder.start()
    locked.wait(5)
    started = time.monotonic()
    response = _post_value(client, html, url)
    assert response.status_code == 503
    assert 4.5 <= time.monotonic() - started < 9.5
    assert response.headers["Retry-After"]
    assert "Er is niets verloren gegaan" in response.get_data(as_text=True)
    holder.join()
    assert "Fast installs" not in client.get(url).get_data(as_text=True)
    # Once the lock is gone, the same form goes through, once.
    retry = _post_value(client, client.get(url), url)
    assert retry.status_code == 302
    saved = Write("the value saved after the lock", "SELECT count(*) FROM value_element"
                  " WHERE workbook_id = :w AND text = :t", {"w": wid, "t": "Fast installs"})
    check_nothing_lost(f"sqlite:///{path}", [saved], [],
                       [response.status_code, retry.status_code])
    assert client.get("/healthz").status_code == 200


def test_a_plan_rendered_while_the_database_is_locked_is_still_delivered(sqlite_app):
    """If the database is locked when my rendered plan is to be cached, do I still get my PDF?"""
    from sqlalchemy import create_engine, text

    from tests.factories import seed_workbook

    path, make = sqlite_app
    app = make(500)
    client = app.test_client()
    Actions(client).register()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        user_id = conn.execute(text("SELECT id FROM app_user")).scalar_one()
    workbook_id = seed_workbook(app, user_id, ["Alpha BV", "Beta BV", "Gamma BV"])
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 4, locked))
    holder.start()
    locked.wait(5)
    response = client.get(f"/plan/{workbook_id}/plan.pdf")
    holder.join()
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["X-Plan-Cache"] == "miss"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan_pdf")).scalar_one() == 0
    # With the lock gone, the next download renders once more and is kept.
    assert client.get(f"/plan/{workbook_id}/plan.pdf").headers["X-Plan-Cache"] == "miss"
    assert client.get(f"/plan/{workbook_id}/plan.pdf").headers["X-Plan-Cache"] == "hit"
    engine.dispose()


def test_a_stale_rating_is_refused_while_the_database_is_busy(sqlite_app, monkeypatch):
    """If my rating was stale and the database is busy a moment later, do I still get the
    refusal (409) that tells me to reload, not a server error?"""
    from tests.web.workbook_helpers import accounts_of, add_account, rate_json
    from webinar import db
    from webinar.workbook import rating
    from webinar.workbook.revisions import StaleWrite

    path, make = sqlite_app
    app = make(100)
    client, wid = _participant(app)
    add_account(client, wid, "Bakkerij Brood")
    account = accounts_of(app, wid)[0]
    locked, released = threading.Event(), threading.Event()

    def stale_while_busy(workbook, *args, **kwargs):
        # A refused write rolls back (expiring the user); then another process takes the lock.
        db.session().rollback()
        holder = threading.Thread(target=_hold_write_lock, args=(path, 1, locked))
        holder.start()
        locked.wait(5)
        released.holder = holder
        raise StaleWrite(workbook, 7, [])

    monkeypatch.setattr(rating, "record", stale_while_busy)
    response = rate_json(client, wid, account.id, "need_fit", 4, 1)
    released.holder.join(5)
    assert response.status_code == 409
    assert "Laad de pagina opnieuw" in response.json["error"]  # registered in Dutch
