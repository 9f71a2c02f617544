"""QUALITY.md T19 without Redis: wrong codes and passwords count across gunicorn workers."""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import csrf_token
from tests.servers import Browser, Gunicorn, seed_user
from tests.web.live_helpers import join_as_guest, trainer_with_cohort

CODE_RE = re.compile(r'id="join-code">([A-Z0-9]{6,12})<')
EN = {"Accept-Language": "en"}


@pytest.fixture
def two_workers(tmp_path):
    """Two gunicorn workers on one SQLite database, with no Redis configured."""
    from webinar.migrate import upgrade

    path = tmp_path / "throttle.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    seed_user(url, "trainer@example.nl", "a-long-secret-1", role="trainer", name="Trainer")
    server = Gunicorn(url, workers=2, extra_env={"REDIS_URL": ""}).start()
    yield server.base, path
    server.stop()


def _post(browser: Browser, path: str, data: dict, token_from: str):
    """POST a form; (status, headers, body) also for an error answer."""
    body = urllib.parse.urlencode({"csrf_token": browser.token(token_from), **data}).encode()
    request = urllib.request.Request(browser.base + path, data=body, headers=EN)
    try:
        with browser.opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _stored_failures(path, prefix: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT coalesce(sum(count), 0) FROM throttle_hit WHERE key LIKE ?",
                            (prefix + "%",)).fetchone()[0]


@pytest.mark.slow
def test_wrong_codes_are_blocked_on_every_route_across_two_workers(two_workers):
    """After 30 wrong codes from one address, do /j/, /join and /live/…/state all answer 429,
    on whichever worker, even for the right code, while attendees who know it keep polling?"""
    base, path = two_workers
    trainer = Browser(base)
    trainer.post("/account/login", {"email": "trainer@example.nl",
                                    "password": "a-long-secret-1"}, "/account/login")
    _status, _url, page = trainer.post("/cohorts/new", {"name": "Throttle", "locale": "en",
                                                        "starts_on": "2026-03-12"}, "/cohorts/new")
    code = CODE_RE.search(page).group(1)
    assert len(code) == 8
    assert trainer.get(f"/live/{code}/present")[0] == 200  # the session is live

    guesser = Browser(base)
    statuses = []
    for i in range(10):
        statuses.append(guesser.get(f"/j/WRONG{i:03d}", headers=EN)[0])
        statuses.append(_post(guesser, "/join", {"code": f"NOPE{i:04d}"}, "/join")[0])
        statuses.append(guesser.get(f"/live/MISS{i:04d}/state")[0])
    assert statuses == [404] * 30
    # Counted in the database every worker reads, not in one worker's memory.
    assert _stored_failures(path, "join-fail/address/") == 30

    status, headers, body = guesser.get(f"/j/{code}", headers=EN)
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "Too many wrong codes" in body
    status, headers, body = _post(guesser, "/join", {"code": code}, "/join")
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "Too many wrong codes" in body
    status, headers, _body = guesser.get("/live/MISS9999/state")
    assert status == 429 and int(headers["Retry-After"]) > 0
    # Knowing the real code is not guessing: the state of a real session is still served.
    assert guesser.get(f"/live/{code}/state")[0] == 200
    # Only the guessing address is counted; every other address joins as before.
    with sqlite3.connect(path) as conn:
        keys = {key for (key,) in conn.execute("SELECT DISTINCT key FROM throttle_hit")}
    assert keys == {"join-fail/address/127.0.0.1"}


@pytest.mark.slow
def test_sixteen_wrong_passwords_block_the_account_across_two_workers(two_workers):
    """With two workers and no Redis, is the 16th wrong password refused, and the right one
    after it too, so spreading guesses over workers does not help?"""
    base, path = two_workers
    statuses = [_post(Browser(base), "/account/login",
                      {"email": "trainer@example.nl", "password": f"wrong-{i}-password"},
                      "/account/login")[0] for i in range(16)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429] * 6
    assert _stored_failures(path, "login-fail/account/") == 10
    status, headers, body = _post(Browser(base), "/account/login",
                                  {"email": "trainer@example.nl", "password": "a-long-secret-1"},
                                  "/account/login")
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "Too many failed attempts" in body


def test_four_hundred_joins_from_one_address_all_get_in(app, make_user):
    """Can an office of 400 behind one address all join with the right code?"""
    _trainer, code, _ = trainer_with_cohort(app, make_user)
    for i in range(400):
        join_as_guest(app, code, f"Collega {i}")  # asserts each join is let in


def test_wrong_codes_on_attendee_routes_are_counted(app, make_user):
    """Does a signed-in guest probing other codes on /live/<code>/step get blocked too?"""
    app.config["JOIN_FAILURE_LIMIT"] = "3 per 10 minutes"
    _trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    statuses = [guest.get(f"/live/GUESS{i:03d}/step").status_code for i in range(3)]
    assert statuses == [404] * 3
    blocked = guest.get("/live/GUESS999/step")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    token = csrf_token(guest.get(f"/live/{code}"))
    assert guest.post("/live/GUESS999/here", data={"csrf_token": token}).status_code == 429
    # Their own webinar still works.
    assert guest.get(f"/live/{code}/step").status_code == 200
