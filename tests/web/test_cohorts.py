"""Trainers' cohorts: create, join code and QR code, open and close joining, who may see them."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import Actions, csrf_token
from tests.web.live_helpers import join_as_guest, trainer_with_cohort
from webinar import db
from webinar.live.services import ALPHABET, CODE_LENGTH
from webinar.models import Cohort, Role


def test_trainer_creates_a_cohort_with_code_link_and_qr(app, make_user):
    """Does a new cohort get an eight-character code, a /j/ link and an inline SVG QR code?"""
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    assert len(code) == CODE_LENGTH == 8 and set(code) <= set(ALPHABET)
    page = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert f"/j/{code}" in page
    assert '<svg role="img" viewBox=' in page and "<?xml" not in page and " style=" not in page
    svg = trainer.get(f"/cohorts/{cohort_id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    assert "Webinar maart" in trainer.get("/cohorts/").get_data(as_text=True)


def test_join_codes_avoid_look_alike_characters(app):
    """Are join codes made only of characters nobody mixes up (no 0/O, 1/I/L, 5/S, 8/B)?"""
    assert not set("0O1IL5S8B2Z") & set(ALPHABET)
    from webinar.live.services import new_join_code

    with app.app_context():
        codes = {new_join_code() for _ in range(200)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) > 190


def test_cohort_form_errors_are_shown(app, make_user):
    """Does a cohort without a name come back with a message instead of being saved?"""
    trainer, _code, _ = trainer_with_cohort(app, make_user)
    page = trainer.get("/cohorts/new")
    response = trainer.post("/cohorts/new", data={"csrf_token": csrf_token(page), "name": "",
                                                  "starts_on": "2026-03-12", "locale": "nl"})
    assert response.status_code == 422
    with app.app_context():
        assert len(db.session().scalars(select(Cohort)).all()) == 1


def test_closing_joining_refuses_new_guests_and_reopening_lets_them_in(app, make_user):
    """Can a trainer close joining and open it again, and does a late guest hear it is closed?"""
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    page = trainer.get(f"/cohorts/{cohort_id}")
    trainer.post(f"/cohorts/{cohort_id}/joining", data={"csrf_token": csrf_token(page),
                                                        "open": "0"})
    late = app.test_client()
    refused = late.get(f"/j/{code}")
    assert refused.status_code == 403
    assert "closed" in refused.get_data(as_text=True) or "gesloten" in refused.get_data(
        as_text=True)
    page = trainer.get(f"/cohorts/{cohort_id}")
    trainer.post(f"/cohorts/{cohort_id}/joining", data={"csrf_token": csrf_token(page),
                                                        "open": "1"})
    join_as_guest(app, code)


def test_trainer_sees_only_own_cohorts(app, make_user):
    """Does trainer Y get 404 on trainer X's cohort, and a participant 403 on cohorts?"""
    _x, code, cohort_id = trainer_with_cohort(app, make_user, "x@example.nl")
    y, _code_y, _ = trainer_with_cohort(app, make_user, "y@example.nl", name="Y's groep")
    assert y.get(f"/cohorts/{cohort_id}").status_code == 404
    assert y.get(f"/cohorts/{cohort_id}/qr.svg").status_code == 404
    assert y.get(f"/live/{code}/present").status_code == 404
    assert "Webinar maart" not in y.get("/cohorts/").get_data(as_text=True)
    make_user("p@example.nl", role=Role.PARTICIPANT)
    participant = app.test_client()
    Actions(participant).login("p@example.nl")
    assert participant.get("/cohorts/").status_code == 403
