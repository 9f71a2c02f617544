"""The live webinar served by gunicorn with four workers: do they all behave as one?"""

from __future__ import annotations

import json
import re

import pytest

from tests.servers import Browser, Gunicorn


@pytest.fixture
def gunicorn_server(tmp_path):
    from webinar import create_app, db
    from webinar.auth import services
    from webinar.migrate import upgrade
    from webinar.models import Role

    url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "gunicorn-test"})
    with app.app_context():
        services.register("trainer@example.nl", "a-long-secret-1", "Trainer", "en", Role.TRAINER)
        db.session().commit()
    app.extensions["db_engine"].dispose()
    server = Gunicorn(url).start()
    yield server.base
    server.stop()


@pytest.mark.slow
def test_four_gunicorn_workers_run_one_webinar(gunicorn_server):
    """Served by four gunicorn workers, does join, advance, vote and reveal work as on one?"""
    base = gunicorn_server
    en = {"Accept-Language": "en"}
    trainer = Browser(base)
    status, _url, _ = trainer.post("/account/login", {"email": "trainer@example.nl",
                                                      "password": "a-long-secret-1"},
                                   "/account/login")
    assert status == 200
    status, url, page = trainer.post("/cohorts/new", {"name": "Gunicorn webinar",
                                                      "starts_on": "2026-03-12", "locale": "en"},
                                     "/cohorts/new")
    code = re.search(r'id="join-code">([A-Z0-9]{6,12})<', page).group(1)

    guests = []
    for name in ("Eva", "Tom"):
        guest = Browser(base)
        status, url, _ = guest.post(f"/j/{code}", {"display_name": name}, f"/j/{code}",
                                    headers={"Accept-Language": "en"})
        assert status == 200 and url.endswith(f"/live/{code}")
        guests.append(guest)

    present = f"/live/{code}/present"
    assert trainer.post(f"/live/{code}/lesson", {"lesson": "the-70-percent"}, present)[0] == 200
    assert trainer.post(f"/live/{code}/go", {"to": "next"}, present)[0] == 200
    assert trainer.post(f"/live/{code}/poll", {"action": "open"}, present)[0] == 200
    for guest, answer in zip(guests, ("40", "63"), strict=True):
        status, _url, body = guest.post(f"/live/{code}/vote?step=time-share",
                                        {"answer": answer}, f"/live/{code}",
                                        headers={"Accept": "application/json"})
        assert status == 200 and json.loads(body)["saved"] is True
    assert trainer.post(f"/live/{code}/poll", {"action": "reveal"}, present)[0] == 200

    # Sync workers close every connection, so these requests spread over all four workers.
    states = {guests[i % 2].get(f"/live/{code}/state")[2] for i in range(40)}
    assert len(states) == 1
    state = json.loads(states.pop())
    assert state["lesson"] == "the-70-percent" and state["step"] == 1
    assert state["poll"] == "revealed"
    for guest in guests:
        for _ in range(4):
            _status, _headers, fragment = guest.get(f"/live/{code}/step?v={state['v']}", en)
            assert "2 answers" in fragment and "Average: 52" in fragment
    status, headers, body = guests[0].get(f"/live/{code}/state",
                                          {"If-None-Match": f'"{state["v"]}"'})
    assert status == 304 and body == ""
