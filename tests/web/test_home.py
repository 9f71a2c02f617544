"""The home page of someone logged in: their next step and everything they own, per role."""

from __future__ import annotations

import re
from datetime import date

from tests.factories import add_participant, make_cohort
from webinar import db
from webinar.models import LessonProgress, LivePresence, LiveSession, PlanSnapshot, Role
from webinar.models._types import utcnow


def _home(client) -> str:
    return re.sub(r"\s+", " ", client.get("/").get_data(as_text=True))


def test_a_new_participant_is_pointed_to_lesson_1_and_the_workbook(client, actions):
    actions.register()
    page = client.get("/").get_data(as_text=True)
    assert "Je overzicht" in page and "Welkom, Anna" in page
    assert "Welkom terug" not in page  # right after registering: one greeting
    page = _home(client)
    assert "Welkom terug, Anna." in page
    assert "Begin met les 1" in page and 'href="/workbook/"' in page
    assert "0 van de 6 lessen afgerond" in page
    assert "Je hebt nog geen werkboek." in page


def test_a_participant_sees_step_codes_decisions_and_reassessment(app, client, actions,
                                                                   make_user):
    _trainer, cohort_id = make_cohort(app, make_user)
    user_id, wid = add_participant(
        app, make_user, cohort_id, "anna@example.nl", company="Jansen Installaties",
        accounts=[("Alpha", 1, 4), ("Beta", 2, 3), ("Gamma", 3, 9), ("Delta", None, None)],
        steps=("value", "criteria", "pipeline"), decisions=("focus", "limit"))
    with app.app_context():
        db.session().add(PlanSnapshot(workbook_id=wid, starts_on=date(2026, 12, 14), data={}))
        db.session().add(LessonProgress(user_id=user_id, lesson_id="code-1-2-3",
                                        last_step_id="what-fits", completed_at=utcnow()))
        db.session().commit()
    actions.login()
    page = _home(client)
    # The next step is the first one not done, named, with its place among the eight.
    assert "Ga verder met het werkboek van Jansen Installaties, stap 4 van 8" in page
    assert f'href="/workbook/{wid}/rate"' in page
    assert "3 van 4 klanten hebben een code" in page
    assert "2 besluiten genomen" in page
    # Week 8's Friday of a plan that starts on Monday 14 December.
    assert "Herbeoordeling op 5 feb 2027." in page and f'href="/plan/{wid}/reassess"' in page
    for path in (f"/workbook/{wid}/pipeline", f"/workbook/{wid}/insights", f"/plan/{wid}/",
                 f"/team/{wid}/", f"/front-door/?workbook={wid}", "/cohorts/my-figures"):
        assert f'href="{path}"' in page, path
    assert "1 van de 6 lessen afgerond" in page


def test_a_finished_workbook_points_to_the_plan(app, client, actions, make_user):
    _trainer, cohort_id = make_cohort(app, make_user)
    steps = ("value", "criteria", "pipeline", "rate", "team", "incentives", "insights", "plan")
    _user, wid = add_participant(app, make_user, cohort_id, "anna@example.nl", steps=steps)
    actions.login()
    page = _home(client)
    assert "Alle stappen van je werkboek zijn klaar" in page
    assert "Alle 8 stappen afgerond" in page and f'href="/plan/{wid}/"' in page


def test_a_trainer_sees_each_cohort_live_joining_and_progress(app, client, actions, make_user):
    _trainer, cohort_id = make_cohort(app, make_user, trainer_email="trainer@example.nl",
                                      code="LIVE2345", name="Webinar december")
    add_participant(app, make_user, cohort_id, "a@example.nl", decisions=("focus",),
                    accounts=[("Alpha", 1, 4)])
    add_participant(app, make_user, cohort_id, "b@example.nl")
    make_user("c@example.nl")
    _other, other_cohort = make_cohort(app, make_user, trainer_email="other@example.nl",
                                       code="OTHER234", name="Groep van een ander")
    actions.login("trainer@example.nl")
    page = _home(client)
    assert "Webinar december" in page and "Groep van een ander" not in page
    assert "meedoen open, code LIVE2345" in page
    assert "2 deelnemers · 2 begonnen aan een werkboek · 1 met besluiten in het plan" in page
    assert "Start het webinar" in page and 'href="/live/LIVE2345/present"' in page
    assert "Nu live" not in page
    assert "Je werkboek" not in page  # a trainer without a workbook sees no workbook part

    attendee = make_user("d@example.nl")
    with app.app_context():
        live = LiveSession(cohort_id=cohort_id, join_code="LIVE2345", lesson_id="code-1-2-3")
        db.session().add(live)
        db.session().flush()
        db.session().add(LivePresence(live_session_id=live.id,
                                      user_id=attendee, last_seen=utcnow()))
        db.session().commit()
    page = _home(client)
    assert "Ga verder met het webinar" in page
    assert "Nu live" in page and "1 deelnemer online" in page


def test_only_an_admin_gets_the_users_link(app, client, actions, make_user):
    make_user("admin@example.nl", role=Role.ADMIN)
    make_user("trainer@example.nl", role=Role.TRAINER)
    actions.login("trainer@example.nl")
    assert 'href="/admin/users"' not in _home(client)
    actions.logout()
    actions.login("admin@example.nl")
    page = _home(client)
    assert "Beheer" in page and 'href="/admin/users"' in page


def test_the_home_page_is_in_english_too(app, client, actions, make_user):
    make_user("anna@example.nl", locale="en")
    actions.login()
    page = _home(client)
    assert "Your overview" in page and "Your next step" in page and "Start lesson 1" in page
    assert "0 of 6 lessons done" in page
