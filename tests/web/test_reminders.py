"""The re-assessment remembered: starting the eight weeks queues a nudge and a reminder, in the
owner's language, that arrive on their days with a link to the re-assessment; the stop link in
them works without login, only for its recipient, and at once (issue #19)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.factories import seed_workbook
from tests.web.workbook_helpers import revision_on
from webinar import db
from webinar.domain import plan as domain
from webinar.models import OutboxMail, User

PUBLIC = "https://code123.example.nl"


def start_eight_weeks(client, wid):
    token = csrf_token(client.get(f"/plan/{wid}/reassess"))
    revision = revision_on(client, f"/plan/{wid}/reassess")
    return client.post(f"/plan/{wid}/reassess", data={"csrf_token": token, "revision": revision},
                       follow_redirects=True)


def reminders(app):
    with app.app_context():
        return db.session().scalars(select(OutboxMail).where(
            OutboxMail.kind.in_(("reassess_nudge", "reassess_due"))).order_by(
            OutboxMail.id)).all()


def make_due(app):
    """As if the days had come: every waiting reminder is due now."""
    with app.app_context():
        db.session().execute(update(OutboxMail).where(OutboxMail.status == "queued").values(
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session().commit()


def test_starting_the_eight_weeks_queues_a_nudge_and_a_reminder(app, client, actions, make_user,
                                                              smtp_server):
    app.config["BASE_URL"] = PUBLIC
    user_id = make_user(locale="nl")
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit", "Hotel Zee"])
    page = start_eight_weeks(client, wid).get_data(as_text=True)
    assert "We herinneren je per mail" in page
    nudge, due = reminders(app)
    with app.app_context():
        starts_on = domain.plan_start(datetime.now(UTC).date())
    reassess_on = domain.reassessment_date(starts_on)
    # At nine in the morning, Amsterdam time: 8:00 UTC in winter, 7:00 in summer.
    assert nudge.next_attempt_at.date() == reassess_on - timedelta(days=7)
    assert due.next_attempt_at.date() == reassess_on
    assert due.next_attempt_at.hour in (7, 8) and due.next_attempt_at.minute == 0
    assert smtp_server.deliver() == 0  # not before their day
    assert smtp_server.messages == []

    make_due(app)
    assert smtp_server.deliver() == 2
    first, second = smtp_server.messages
    assert first["Subject"] == "Over een week: beoordeel je klanten opnieuw (Jansen Installaties)"
    assert second["Subject"].startswith("Vandaag: beoordeel je klanten opnieuw")
    text = first.get_body(("plain",)).get_content()
    assert f"{PUBLIC}/plan/{wid}/reassess" in text
    stop = re.search(rf"{PUBLIC}/plan/reminders/stop/\S+", text).group(0)
    assert first["List-Unsubscribe"] == f"<{stop}>"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = first.get_body(("html",)).get_content()
    assert "Code 1-2-3" in html and f'<a href="{PUBLIC}/plan/{wid}/reassess">' in html


def test_a_new_start_replaces_the_old_reminders(app, client, actions, make_user, smtp_server):
    user_id = make_user(locale="en")
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit"])
    start_eight_weeks(client, wid)
    start_eight_weeks(client, wid)
    statuses = [mail.status for mail in reminders(app)]
    assert statuses == ["cancelled", "cancelled", "queued", "queued"]
    make_due(app)
    assert smtp_server.deliver() == 2
    assert smtp_server.messages[0]["Subject"].startswith("In one week: re-assess")


def test_the_stop_link_works_without_login_only_for_its_recipient_and_at_once(
        app, client, actions, make_user, smtp_server):
    user_id = make_user(locale="nl")
    other_id = make_user("bob@example.nl", locale="nl")
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit"])
    start_eight_weeks(client, wid)
    body = reminders(app)[0].text
    stop_path = "/" + re.search(r"https?://[^/]+/(plan/reminders/stop/\S+)", body).group(1)

    stranger = app.test_client()  # the mail program, or someone who opened the mail: no login
    page = stranger.get(stop_path).get_data(as_text=True)
    assert "Herinneringen stoppen" in page
    assert stranger.get(stop_path[:-3] + "abc").status_code == 404  # a tampered link
    assert stranger.post(stop_path).status_code == 200  # one click, RFC 8058
    assert [mail.status for mail in reminders(app)] == ["cancelled", "cancelled"]
    with app.app_context():
        session = db.session()
        assert session.get(User, user_id).reminders_off_at is not None
        assert session.get(User, other_id).reminders_off_at is None  # only its recipient
    make_due(app)
    assert smtp_server.deliver() == 0
    # Starting again sends no reminders to someone who stopped them.
    start_eight_weeks(client, wid)
    assert [mail.status for mail in reminders(app)] == ["cancelled", "cancelled"]
    # A password reset is not a reminder: it still comes.
    actions.post("/account/forgot", {"email": "anna@example.nl"})
    assert smtp_server.deliver() == 1
