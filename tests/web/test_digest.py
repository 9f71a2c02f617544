"""The trainer's weekly digest (issue #19): opt-in on the cohorts page, composed on Monday morning
with each recent cohort's progress, in the trainer's language, once a week however many senders
run, with links from BASE_URL and a stop link that turns it off."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.web.dashboard_helpers import (
    add_participant,
    logged_in,
    make_cohort,
    one_at_each_stage,
)
from webinar import db
from webinar.cohorts import digest
from webinar.models import Cohort, OutboxMail, User

PUBLIC = "https://code123.example.nl"


def switch(client, on: bool):
    token = csrf_token(client.get("/cohorts/"))
    data = {"csrf_token": token, **({"weekly_digest": "y"} if on else {})}
    return client.post("/cohorts/digest", data=data, follow_redirects=True)


def next_monday_morning() -> datetime:
    """Monday after this week, 09:00 in Amsterdam (08:00 UTC in winter, 07:00 in summer)."""
    with_zone = datetime.now(UTC).astimezone(digest.ZoneInfo("Europe/Amsterdam"))
    monday = with_zone.date() + timedelta(days=7 - with_zone.weekday())
    return datetime.combine(monday, digest.time(9, 0), with_zone.tzinfo)


def queue(app, now) -> int:
    with app.app_context():
        return digest.queue_due(now)


def recent_cohort(app, make_user, **kwargs) -> int:
    _trainer, cohort_id = make_cohort(app, make_user, **kwargs)
    with app.app_context():
        db.session().execute(update(Cohort).where(Cohort.id == cohort_id)
                             .values(starts_on=date.today() - timedelta(days=10)))
        db.session().commit()
    return cohort_id


def test_a_trainer_turns_the_digest_on_and_gets_it_once_on_monday(app, make_user, smtp_server):
    app.config["BASE_URL"] = PUBLIC
    cohort_id = recent_cohort(app, make_user)
    one_at_each_stage(app, make_user, cohort_id)
    trainer = logged_in(app, "x@example.nl")
    page = trainer.get("/cohorts/").get_data(as_text=True)
    assert "Wekelijks overzicht" in page and 'name="weekly_digest"' in page
    assert queue(app, next_monday_morning()) == 0  # off until the trainer turns it on

    page = switch(trainer, True).get_data(as_text=True)
    assert "Het wekelijkse overzicht staat aan. Het eerste komt op maandag" in page
    assert "x@example.nl" in page  # where it will go
    monday = next_monday_morning()
    assert queue(app, monday - timedelta(hours=2)) == 0  # not before 8:00 on Monday
    assert queue(app, monday) == 1
    assert queue(app, monday + timedelta(hours=1)) == 0  # a second sender, or the next round
    assert smtp_server.deliver() == 1
    mail = smtp_server.messages[-1]
    assert str(mail["To"]) == "x@example.nl"
    assert mail["Subject"].startswith("Je groepen deze week")
    text = mail.get_body(("plain",)).get_content()
    assert "Groep maart" in text
    joined = 3 if monday - datetime.now(UTC) < timedelta(days=7) else 0  # joined just now
    assert f"3 deelnemers, {joined} van hen kwamen erbij in de afgelopen zeven dagen" in text
    assert "Nog niet aan het werkboek begonnen: 1" in text
    assert "Bezig met het werkboek: 1" in text and "Plan klaar: 1" in text
    assert f"{PUBLIC}/cohorts/{cohort_id}/dashboard" in text
    assert "p0@example.nl" not in text and "Idle" not in text  # counts, not people
    stop = re.search(rf"{PUBLIC}/plan/reminders/stop/\S+", text).group(0)
    assert mail["List-Unsubscribe"] == f"<{stop}>"

    assert queue(app, monday + timedelta(weeks=1)) == 1  # and the Monday after
    assert smtp_server.deliver() == 1

    # The stop link, without login: no more digests.
    anonymous = app.test_client()
    path = stop.removeprefix(PUBLIC)
    page = anonymous.get(path).get_data(as_text=True)
    assert "wekelijkse overzicht van je groepen" in page
    anonymous.post(path, data={"csrf_token": csrf_token(anonymous.get(path))})
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == "x@example.nl"))
        assert user.weekly_digest is False
    assert queue(app, monday + timedelta(weeks=2)) == 0
    page = trainer.get("/cohorts/").get_data(as_text=True)
    assert "Het volgende overzicht komt op" not in page


def test_the_digest_is_in_the_trainers_language_and_skips_old_cohorts(app, make_user,
                                                                       smtp_server):
    cohort_id = recent_cohort(app, make_user, locale="en", name="March group")
    add_participant(app, make_user, cohort_id, "p0@example.nl")
    with app.app_context():
        old = Cohort(trainer_id=db.session().get(Cohort, cohort_id).trainer_id, name="Old group",
                     starts_on=date.today() - timedelta(weeks=30), locale="en",
                     join_code="OLD123", joining_open=False)
        db.session().add(old)
        db.session().commit()
    trainer = logged_in(app, "x@example.nl")
    switch(trainer, True)
    assert queue(app, next_monday_morning()) == 1
    smtp_server.deliver()
    mail = smtp_server.messages[-1]
    assert mail["Subject"].startswith("Your cohorts this week")
    text = mail.get_body(("plain",)).get_content()
    assert "March group" in text and "Old group" not in text
    assert "Working on the workbook: 1" in text

    page = switch(trainer, False).get_data(as_text=True)
    assert "The weekly digest is off." in page
    assert queue(app, next_monday_morning() + timedelta(weeks=1)) == 0


def test_no_recent_cohort_no_mail_and_participants_cannot_switch_it_on(app, make_user,
                                                                        smtp_server):
    make_cohort(app, make_user)  # March: long past its eight weeks
    trainer = logged_in(app, "x@example.nl")
    switch(trainer, True)
    assert queue(app, next_monday_morning()) == 0
    with app.app_context():
        assert db.session().scalars(select(OutboxMail)).all() == []

    make_user("p@example.nl")
    participant = logged_in(app, "p@example.nl")
    token = csrf_token(participant.get("/workbook/"))
    response = participant.post("/cohorts/digest", data={"csrf_token": token,
                                                         "weekly_digest": "y"})
    assert response.status_code == 403
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == "p@example.nl"))
        assert user.weekly_digest is False
