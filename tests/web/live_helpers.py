"""Steps the live-webinar tests share: a trainer with a cohort, guests who join, polls."""

from __future__ import annotations

import re

from tests.conftest import Actions, csrf_token
from webinar.models import Role

CODE_RE = re.compile(r'id="join-code">([A-Z0-9]{6,12})<')


def trainer_with_cohort(app, make_user, email="trainer@example.nl", name="Webinar maart"):
    """Log a new trainer in on a fresh client and create a cohort; return (client, code, id)."""
    make_user(email, role=Role.TRAINER)
    client = app.test_client()
    Actions(client).login(email)
    page = client.get("/cohorts/new")
    response = client.post("/cohorts/new", data={
        "csrf_token": csrf_token(page), "name": name, "starts_on": "2026-03-12", "locale": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = client.get(response.location)
    return client, CODE_RE.search(detail.get_data(as_text=True)).group(1), int(
        response.location.rsplit("/", 1)[1])


def join_as_guest(app, code, name="Gast"):
    client = app.test_client()
    page = client.get(f"/j/{code}")
    # Joined from an English browser, so the guest's saved language is English.
    response = client.post(f"/j/{code}", data={"csrf_token": csrf_token(page),
                                                "display_name": name},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def present(trainer, code, url, **data):
    token = csrf_token(trainer.get(f"/live/{code}/present"))
    return trainer.post(url.format(code=code), data={"csrf_token": token, **data})


def go(trainer, code, to):
    return present(trainer, code, "/live/{code}/go", to=str(to))


def poll(trainer, code, action):
    return present(trainer, code, "/live/{code}/poll", action=action)


def lesson(trainer, code, lesson_id):
    return present(trainer, code, "/live/{code}/lesson", lesson=lesson_id)


def open_time_share_poll(trainer, code):
    """Present lesson 2, step 2 (the number poll on code 3 time) and open it."""
    assert lesson(trainer, code, "the-70-percent").status_code == 303
    assert go(trainer, code, 1).status_code == 303
    assert poll(trainer, code, "open").status_code == 303


def state(client, code, etag=None):
    """The attendee's state poll, with the ETag the page kept (if any)."""
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/live/{code}/state", headers=headers)


def vote(client, code, answer, step="time-share", json=True):
    token = csrf_token(client.get(f"/live/{code}"))
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/live/{code}/vote?step={step}", data={"csrf_token": token,
                                                               "answer": answer}, headers=headers)
