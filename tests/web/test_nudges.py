"""The trainer's nudge from the dashboard: one mail per stalled participant, nobody sees another's
address, a bad form is answered with its messages, and the audit log says who mailed how many."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.web.dashboard_helpers import (
    add_participant,
    logged_in,
    make_cohort,
    one_at_each_stage,
)
from webinar.models import Role


def nudge(client, cohort_id, **data):
    token = csrf_token(client.get(f"/cohorts/{cohort_id}/dashboard"))
    return client.post(f"/cohorts/{cohort_id}/nudge", data={"csrf_token": token, **data},
                       follow_redirects=True)


def test_stalled_participants_get_a_mail_each(app, make_user, smtp_server):
    _trainer_id, cohort_id = make_cohort(app, make_user)
    one_at_each_stage(app, make_user, cohort_id, working=("p0@example.nl", "p1@example.nl"))
    trainer = logged_in(app, "x@example.nl")
    page = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert "Mail de deelnemers die vastzitten" in page and "Hoe gaat het met je werkboek?" in page

    done = nudge(trainer, cohort_id, stage="in_progress", subject="Even bijpraten",
                 body="Ga je deze week verder met stap 4?").get_data(as_text=True)
    assert "Je mail is onderweg naar 2 deelnemers." in done
    assert "gemaild" in done  # in the audit log, with the count
    assert smtp_server.deliver() == 2
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["p0@example.nl",
                                                                   "p1@example.nl"]
    for mail in smtp_server.messages:  # one address per mail, no copies to the others
        assert mail["Cc"] is None and mail["Bcc"] is None
        text = mail.get_body(("plain",)).get_content()
        assert text.startswith(f"Hallo {str(mail['To']).split('@')[0].title()},")
        assert "Ga je deze week verder met stap 4?" in text and "/workbook/" in text
        assert "example.nl" not in text.replace(str(mail["To"]), "")

    nudge(trainer, cohort_id, stage="not_started", subject="Begin je werkboek", body="Welkom!")
    assert smtp_server.deliver() == 1 and str(smtp_server.messages[-1]["To"]) == "idle@example.nl"


def test_a_bad_nudge_is_answered_and_sends_nothing(app, make_user, smtp_server):
    _trainer_id, cohort_id = make_cohort(app, make_user)
    add_participant(app, make_user, cohort_id, "p0@example.nl")
    trainer = logged_in(app, "x@example.nl")
    token = csrf_token(trainer.get(f"/cohorts/{cohort_id}/dashboard"))
    response = trainer.post(f"/cohorts/{cohort_id}/nudge", data={
        "csrf_token": token, "stage": "in_progress", "subject": "", "body": "x" * 3001})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Geef de mail een onderwerp." in page and "hooguit 3.000 tekens" in page
    assert nudge(trainer, cohort_id, stage="done", subject="a", body="b").status_code == 422
    assert smtp_server.deliver() == 0


def test_only_the_cohorts_trainer_may_nudge(app, make_user, smtp_server):
    _trainer_id, cohort_id = make_cohort(app, make_user)
    add_participant(app, make_user, cohort_id, "p0@example.nl")
    make_user("y@example.nl", role=Role.TRAINER)
    other = logged_in(app, "y@example.nl")
    token = csrf_token(other.get("/cohorts/"))
    response = other.post(f"/cohorts/{cohort_id}/nudge", data={
        "csrf_token": token, "stage": "in_progress", "subject": "a", "body": "b"})
    assert response.status_code == 404
    assert smtp_server.deliver() == 0
